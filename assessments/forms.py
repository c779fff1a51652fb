"""Forms for scores, assessments and observations; rules stay in services and permissions."""

import dataclasses

from django import forms
from django.utils.translation import gettext_lazy as _

from ctframework import roles
from ctframework.choices import LocalizedModelChoiceField
from principles.models import Framework

from . import permissions
from .models import Assessment, ScoreLevel, ScoreScale
from .services import ScoreInput


class ScoreForm(forms.Form):
    """One checklist item. `version` is the score version the editor started from."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    level = forms.ModelChoiceField(
        label=_("Level"),
        queryset=ScoreLevel.objects.none(),
        required=False,
        widget=forms.RadioSelect,
    )
    justification = forms.CharField(
        label=_("Justification"), required=False, max_length=5000, widget=forms.Textarea
    )
    evidence = forms.CharField(
        label=_("Evidence (quoted from the strategy)"),
        required=False,
        max_length=20000,
        widget=forms.Textarea,
    )
    location = forms.CharField(label=_("Location (page, section)"), required=False, max_length=1000)
    recommendation = forms.CharField(
        label=_("Recommendation"), required=False, max_length=5000, widget=forms.Textarea
    )

    def __init__(self, *args, scale: ScoreScale, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = scale.levels.all()

    def clean(self):
        data = super().clean()
        if data.get("level") and not (data.get("justification") or "").strip():
            self.add_error("justification", _("A score needs a short justification."))
        return data

    def score_input(self) -> ScoreInput:
        data = self.cleaned_data
        return ScoreInput(
            level=data["level"],
            justification=data["justification"],
            evidence=data["evidence"],
            location=data["location"],
            recommendation=data["recommendation"],
        )


class FrameworkChoiceField(LocalizedModelChoiceField):
    def label_from_instance(self, framework):
        title = framework.tr("short_title")
        return dataclasses.replace(title, text=f"{title} ({framework.version})")


class ScaleChoiceField(LocalizedModelChoiceField):
    def label_from_instance(self, scale):
        return scale.tr("name")


class AssessmentForm(forms.ModelForm):
    """Create an assessment of a strategy; the people offered are those of its jurisdiction."""

    class Meta:
        model = Assessment
        fields = ["framework", "scale", "title", "assessors", "reviewer", "sharing", "partners"]
        widgets = {"assessors": forms.CheckboxSelectMultiple, "sharing": forms.RadioSelect}
        field_classes = {"framework": FrameworkChoiceField, "scale": ScaleChoiceField}

    def __init__(self, *args, strategy, **kwargs):
        super().__init__(*args, **kwargs)
        jurisdiction = strategy.jurisdiction_id
        self.fields["framework"].queryset = Framework.objects.filter(assessable=True)
        self.fields["scale"].initial = ScoreScale.objects.filter(is_default=True).first()
        self.fields["assessors"].queryset = permissions.users_holding(roles.ASSESSOR, jurisdiction)
        self.fields["assessors"].required = False
        self.fields["assessors"].help_text = _("Leave empty to assign yourself.")
        self.fields["reviewer"].queryset = permissions.users_holding(roles.REVIEWER, jurisdiction)
        self.fields["partners"].required = False
        self.fields["partners"].widget.attrs.update({"size": 8, "data-filterable": ""})


class ObservationForm(forms.Form):
    principle = forms.ChoiceField(label=_("What the observation concerns"), required=False)
    text = forms.CharField(label=_("Observation"), max_length=10000, widget=forms.Textarea)

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.principles = {str(p.pk): p for p in assessment.framework.principles.order_by("order")}
        self.fields["principle"].choices = [("", _("The assessment as a whole"))] + [
            (pk, f"{p.code} {p.tr('title')}") for pk, p in self.principles.items()
        ]

    def clean_principle(self):
        value = self.cleaned_data["principle"]
        return self.principles.get(value) if value else None

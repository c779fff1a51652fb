from django import forms
from django.utils.translation import gettext_lazy as _

from assessments import permissions

from .models import Strategy


class StrategyForm(forms.ModelForm):
    """A strategy of a jurisdiction the user assesses or reviews; earlier versions come from
    the strategies the user may see."""

    source_url = forms.URLField(
        label=_("source URL"), required=False, max_length=1000, assume_scheme="https"
    )

    class Meta:
        model = Strategy
        fields = [
            "jurisdiction",
            "title",
            "kind",
            "language",
            "year_adopted",
            "period_start",
            "period_end",
            "status",
            "is_public",
            "source_url",
            "supersedes",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        visible = permissions.visible_strategies(user)
        self.fields["jurisdiction"].queryset = permissions.strategy_jurisdictions(user)
        self.fields["supersedes"].queryset = visible.exclude(pk=self.instance.pk)


class DocumentUploadForm(forms.Form):
    """A strategy document: PDF, DOCX or plain text, recognised by content (services)."""

    file = forms.FileField(
        label=_("Strategy document (PDF, Word .docx or plain text, at most 25 MB)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.docx,.txt,application/pdf,text/plain"}
        ),
    )

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments import permissions

from .models import Jurisdiction, Strategy


class StrategyForm(forms.ModelForm):
    """A strategy in one of the user's jurisdictions; earlier versions come from the same scope."""

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
        scope = permissions.strategy_scope(user)
        visible = permissions.visible_strategies(user)
        jurisdictions = Jurisdiction.objects.all()
        if scope is not None:
            jurisdictions = jurisdictions.filter(pk__in=user.jurisdictions.values("pk"))
        self.fields["jurisdiction"].queryset = jurisdictions
        self.fields["supersedes"].queryset = visible.exclude(pk=self.instance.pk)


class DocumentUploadForm(forms.Form):
    """A strategy document: PDF, DOCX or plain text, recognised by content (services)."""

    file = forms.FileField(
        label=_("Strategy document (PDF, Word .docx or plain text, at most 25 MB)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.docx,.txt,application/pdf,text/plain"}
        ),
    )

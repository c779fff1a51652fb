"""An assessment filled in offline: upload the XLSX export back, see what it would change,
confirm. The rules are in assessments/offline.py."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from .. import offline, permissions

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class OfflineUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("The assessment's XLSX export, filled in"),
        help_text=gettext_lazy("At most 20 MB. Nothing is saved before you confirm."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


@require_http_methods(["GET", "HEAD", "POST"])
def offline_upload(request, pk: int):
    """The upload form; posted, the preview of what the file would change."""
    assessment = permissions.get_assessment_for_user(request.user, pk)
    if not offline.may_upload(request.user, assessment):
        raise PermissionDenied
    form = OfflineUploadForm(request.POST or None, request.FILES or None)
    preview = problems = None
    if request.method == "POST" and form.is_valid():
        try:
            preview = offline.offline_read(
                assessment=assessment, user=request.user, content=form.cleaned_data["file"].read()
            )
        except offline.OfflineFileError as exc:
            problems = exc.problems
    return render(
        request,
        "assessments/offline_upload.html",
        {
            "assessment": assessment,
            "form": form,
            "preview": preview,
            "problems": problems,
            "can_observe": permissions.can_add_observation(request.user, assessment),
        },
        status=400 if problems else 200,
    )


@require_POST
def offline_apply(request, pk: int):
    """Apply a confirmed preview; conflicts are kept as they are saved and listed."""
    assessment = permissions.get_assessment_for_user(request.user, pk)
    if not offline.may_upload(request.user, assessment):
        raise PermissionDenied
    try:
        result = offline.offline_apply(
            assessment=assessment, user=request.user, token=request.POST.get("token", "")
        )
    except offline.OfflineFileError as exc:
        messages.error(request, " ".join(exc.problems))
        return redirect("assessments:offline-upload", assessment.pk)
    count = len(result.applied)
    messages.success(
        request,
        ngettext(
            "Saved from the file: %(count)s item.", "Saved from the file: %(count)s items.", count
        )
        % {"count": count},
    )
    if result.conflicts:
        messages.warning(
            request,
            _("Not saved, because someone saved them since the preview: %(codes)s.")
            % {"codes": ", ".join(result.conflicts)},
        )
    return redirect("assessments:detail", assessment.pk)

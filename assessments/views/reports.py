"""PDF reports and exports: only for those who may see the assessment (404 otherwise)."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from ctframework.task_queue import TaskQueueUnavailable

from .. import exports, permissions
from ..models import Report
from ..reports import ReportOptions
from ..services import report_request


def report_pdf_response(report: Report) -> FileResponse:
    """The finished PDF as an attachment that no cache keeps (browser and API alike)."""
    response = FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=report.file.name.rsplit("/", 1)[-1],
        content_type="application/pdf",
    )
    response["Cache-Control"] = "no-store, private"
    return response


@require_POST
def report_request_view(request, pk: int):
    assessment = permissions.get_assessment_for_user(request.user, pk)
    chosen = request.POST.get("language") or assessment.strategy.jurisdiction.default_language
    try:
        options = ReportOptions(language=chosen)
    except ValueError:
        options = ReportOptions.default_for(assessment)
    try:
        report = report_request(assessment=assessment, user=request.user, options=options)
    except TaskQueueUnavailable as exc:
        # The report was marked failed with the reason; asking again works once it is back.
        if request.htmx:
            failed = assessment.reports.order_by("-requested_at").first()
            return render(
                request, "assessments/includes/report_status.html", {"report": failed}, status=503
            )
        back = reverse("assessments:detail", args=[assessment.pk])
        return render(request, "503.html", {"message": exc, "back": back}, status=503)
    if request.htmx:
        return render(request, "assessments/includes/report_status.html", {"report": report})
    if report.status == Report.Status.DONE:
        messages.success(request, _("The PDF report is ready."))
    else:
        messages.info(request, _("The PDF report is being prepared."))
    return redirect("assessments:detail", assessment.pk)


@never_cache
@require_safe
def report_status(request, report_id):
    report = permissions.get_report_for_user(request.user, report_id)
    return render(request, "assessments/includes/report_status.html", {"report": report})


@require_safe
def report_download(request, report_id):
    report = permissions.get_report_for_user(request.user, report_id)
    if report.status != Report.Status.DONE or not report.file:
        raise Http404
    return report_pdf_response(report)


@require_safe
def export(request, pk: int, fmt: str):
    assessment = permissions.get_assessment_for_user(request.user, pk)
    body, content_type, extension = exports.export_for(request.user, assessment, fmt)
    response = HttpResponse(body, content_type=content_type)
    name = f"{assessment.strategy.jurisdiction.code.lower()}-assessment-{assessment.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    response["Cache-Control"] = "no-store, private"
    return response

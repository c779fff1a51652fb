from django.urls import path, re_path

from .views import assessments, checklist, evidence, offline, reports

app_name = "assessments"

urlpatterns = [
    path("", assessments.assessment_list, name="list"),
    path("new/<int:strategy_pk>/", assessments.assessment_create_view, name="create"),
    path("<int:pk>/", assessments.assessment_detail, name="detail"),
    path("<int:pk>/checklist/", checklist.checklist, name="checklist"),
    path("<int:pk>/scores/<int:score_pk>/", checklist.score_save_view, name="score-save"),
    path("<int:pk>/scores/<int:score_pk>/history/", checklist.score_history, name="score-history"),
    path("<int:pk>/reader/", evidence.reader, name="reader"),
    path(
        "<int:pk>/reader/<int:passage_pk>/link/",
        evidence.passage_link_form,
        name="passage-link-form",
    ),
    path("<int:pk>/coverage/", evidence.coverage, name="coverage"),
    path("<int:pk>/evidence/", evidence.evidence_link_view, name="evidence-link"),
    path(
        "<int:pk>/evidence/<int:link_pk>/delete/",
        evidence.evidence_unlink_view,
        name="evidence-unlink",
    ),
    path(
        "<int:pk>/evidence/<int:link_pk>/translation/",
        evidence.evidence_translation_view,
        name="evidence-translation",
    ),
    path(
        "<int:pk>/scores/<int:score_pk>/dismiss/",
        evidence.suggestion_dismiss_view,
        name="suggestion-dismiss",
    ),
    path("<int:pk>/transition/", assessments.assessment_transition_view, name="transition"),
    path("<int:pk>/reopen/", assessments.assessment_reopen_view, name="reopen"),
    path("<int:pk>/observations/", assessments.observation_add_view, name="observation-add"),
    path("<int:pk>/offline/", offline.offline_upload, name="offline-upload"),
    path("<int:pk>/offline/apply/", offline.offline_apply, name="offline-apply"),
    path("<int:pk>/reports/", reports.report_request_view, name="report-request"),
    path("reports/<uuid:report_id>/", reports.report_status, name="report-status"),
    path("reports/<uuid:report_id>/download/", reports.report_download, name="report-download"),
    re_path(
        r"^(?P<pk>[0-9]+)/export\.(?P<fmt>csv|xlsx|json|oscal|oscal-yaml)$",
        reports.export,
        name="export",
    ),
]

"""/api/v1/ and the OpenAPI schema with its interactive docs (served from local files)."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from assessments.api.views import (
    AssessmentViewSet,
    EvidenceLinkViewSet,
    ReportViewSet,
    ScoreViewSet,
)
from principles.api import (
    CrossReferenceViewSet,
    FrameworkViewSet,
    PrincipleViewSet,
    SectionViewSet,
)
from strategies.api import (
    JurisdictionViewSet,
    PassageViewSet,
    StrategyDocumentViewSet,
    StrategyViewSet,
)

# No format suffixes (`.json`): every route answers JSON already, and a suffix on a custom
# action would reach a view that takes no `format` argument. A suffixed URL is simply 404.
# The Swagger UI (the split view: its script is a file of its own) injects one <style>
# element; the policy allows exactly that one by its hash, on the docs page only.
SWAGGER_UI_STYLE = "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"

router = DefaultRouter()
router.include_format_suffixes = False
router.register("frameworks", FrameworkViewSet)
router.register("sections", SectionViewSet)
router.register("principles", PrincipleViewSet)
router.register("cross-references", CrossReferenceViewSet)
router.register("jurisdictions", JurisdictionViewSet)
router.register("strategies", StrategyViewSet, basename="strategy")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("reports", ReportViewSet, basename="report")
router.register("documents", StrategyDocumentViewSet, basename="document")
router.register("passages", PassageViewSet, basename="passage")

scores = ScoreViewSet.as_view({"get": "list"})
score = ScoreViewSet.as_view({"get": "retrieve", "put": "update", "patch": "partial_update"})
# A short ranked list, never paginated.
score_suggestions = ScoreViewSet.as_view({"get": "suggestions"}, pagination_class=None)
links = EvidenceLinkViewSet.as_view({"get": "list", "post": "create"})
link = EvidenceLinkViewSet.as_view(
    {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}
)

urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/assessments/<int:assessment_pk>/scores/", scores, name="assessment-scores"),
    path("v1/assessments/<int:assessment_pk>/scores/<int:pk>/", score, name="assessment-score"),
    path(
        "v1/assessments/<int:assessment_pk>/scores/<int:pk>/suggestions/",
        score_suggestions,
        name="assessment-score-suggestions",
    ),
    path("v1/assessments/<int:assessment_pk>/evidence/", links, name="assessment-evidence"),
    path(
        "v1/assessments/<int:assessment_pk>/evidence/<int:pk>/",
        link,
        name="assessment-evidence-link",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        csp_update({"style-src": [SWAGGER_UI_STYLE]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="api-docs",
    ),
]

"""API views for assessments, scores, reports and exports.

Every object comes through assessments.permissions (404 outside the caller's scope), and
every write through assessments.services: the same rules as the browser.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from .. import evidence, exports, permissions, services, suggestions
from ..models import Assessment, EvidenceLink, Report, Score, ScoreLevel
from ..reports import ReportOptions
from ..services import AssessmentLocked, ScoreConflict, ScoreInput
from ..views.reports import report_pdf_response
from .serializers import (
    AssessmentSerializer,
    AssessmentUpdateSerializer,
    EvidenceLinkSerializer,
    EvidenceTranslationSerializer,
    ReportRequestSerializer,
    ReportSerializer,
    ScoreSerializer,
    SuggestionSerializer,
    TransitionSerializer,
)

ERROR = OpenApiResponse(OpenApiTypes.OBJECT, description="A JSON error with a `detail` message.")
UNAVAILABLE = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="The task queue is unavailable: nothing was queued (the report is marked "
    "failed); try again shortly.",
)


def locked_response(exc: AssessmentLocked) -> Response:
    return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)


class AssessmentViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Assessments the caller may see. The workflow moves through `transition`."""

    filterset_fields = [
        "status",
        "sharing",
        "framework",
        "strategy",
        "strategy__jurisdiction__code",
    ]
    search_fields = ["title", "strategy__title"]
    ordering_fields = ["updated_at", "created_at", "status"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            permissions.visible_assessments(self.request.user)
            .prefetch_related("assessors", "partners")
            .order_by("pk")
        )

    def get_serializer_class(self):
        if self.action == "partial_update":
            return AssessmentUpdateSerializer
        if self.action == "transition":
            return TransitionSerializer
        return AssessmentSerializer

    def perform_create(self, serializer):
        data = serializer.validated_data
        strategy = data["strategy"]
        if not permissions.can_create_assessment(self.request.user, strategy):
            raise PermissionDenied(_("You cannot start assessments of this strategy."))
        serializer.instance = services.assessment_create(
            strategy=strategy,
            framework=data["framework"],
            scale=data.get("scale"),
            title=data.get("title", ""),
            assessors=data.get("assessors", []),
            reviewer=data.get("reviewer"),
            sharing=data.get("sharing", Assessment.Sharing.CONFIDENTIAL),
            partners=data.get("partners", []),
            created_by=self.request.user,
        )

    def partial_update(self, request, *args, **kwargs):
        assessment = self.get_object()
        serializer = AssessmentUpdateSerializer(
            assessment, data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            updated = services.assessment_update(
                assessment=assessment,
                user=request.user,
                title=data.get("title"),
                sharing=data.get("sharing"),
                reviewer=data.get("reviewer"),
                assessors=data.get("assessors"),
                partners=data.get("partners"),
            )
        except AssessmentLocked as exc:
            return locked_response(exc)
        return Response(AssessmentSerializer(updated, context={"request": request}).data)

    @extend_schema(
        request=TransitionSerializer,
        responses={200: AssessmentSerializer, 403: ERROR, 404: ERROR},
        description="Move the assessment along the workflow, as the browser's buttons do.",
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        assessment = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.assessment_transition(
            assessment=assessment,
            user=request.user,
            to_status=serializer.validated_data["to"],
            note=serializer.validated_data.get("note", ""),
        )
        return Response(AssessmentSerializer(assessment, context={"request": request}).data)

    @extend_schema(
        request=None,
        responses={201: AssessmentSerializer, 403: ERROR, 404: ERROR},
        description="Start a new draft revision of a finalized assessment.",
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        revision = services.assessment_reopen(assessment=self.get_object(), user=request.user)
        return Response(
            AssessmentSerializer(revision, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=ReportRequestSerializer,
        responses={202: ReportSerializer, 200: ReportSerializer, 404: ERROR, 503: UNAVAILABLE},
        description=(
            "Request the PDF gap report, in `language` (default: the assessed jurisdiction's). "
            "Unchanged content in the same language returns the existing report (200 when "
            "done); otherwise 202 and the report is rendered in the background."
        ),
    )
    @action(detail=True, methods=["post"])
    def reports(self, request, pk=None):
        assessment = self.get_object()
        body = ReportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        language = body.validated_data.get("language")
        options = (
            ReportOptions(language=language) if language else ReportOptions.default_for(assessment)
        )
        report = services.report_request(assessment=assessment, user=request.user, options=options)
        code = status.HTTP_200_OK if report.status == Report.Status.DONE else 202
        return Response(ReportSerializer(report, context={"request": request}).data, status=code)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "fmt",
                str,
                OpenApiParameter.PATH,
                enum=["csv", "xlsx", "json", "oscal", "oscal-yaml"],
            )
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, exports.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY,
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "application/yaml"): OpenApiTypes.STR,
            404: ERROR,
        },
        description="The scores as CSV, XLSX or JSON (with the framework reference), or as "
        "OSCAL 1.2 assessment results (oscal: JSON, oscal-yaml: YAML).",
    )
    @action(
        detail=True, methods=["get"], url_path=r"exports/(?P<fmt>csv|xlsx|json|oscal|oscal-yaml)"
    )
    def exports(self, request, pk=None, fmt=None):
        assessment = self.get_object()
        body, content_type, extension = exports.export_for(request.user, assessment, fmt)
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="assessment-{assessment.pk}.{extension}"'
        )
        response["Cache-Control"] = "no-store, private"
        return response


def _expected_version(request, validated: dict, current: Score) -> int | Response:
    """The version the client started from: `version` in the body, or an If-Match ETag."""
    if_match = request.headers.get("If-Match")
    if if_match is not None:
        tag = if_match.strip().removeprefix("W/").strip('"')
        if not tag.isdigit() or int(tag) != current.version:
            return Response(
                {
                    "detail": _("If-Match does not match the current version; nothing was saved."),
                    "current": ScoreSerializer(current, context={"request": request}).data,
                },
                status=status.HTTP_412_PRECONDITION_FAILED,
                headers={"ETag": f'"{current.version}"'},
            )
        return int(tag)
    if "version" in validated:
        return validated["version"]
    return Response(
        {"detail": _("Send the version you started from, as `version` or an If-Match header.")},
        status=status.HTTP_428_PRECONDITION_REQUIRED,
    )


class ScoreViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The scores of one assessment. Updates are refused when the version is stale."""

    serializer_class = ScoreSerializer
    filterset_fields = ["principle"]
    ordering_fields = ["principle__order", "updated_at"]
    http_method_names = ["get", "put", "patch", "head", "options"]

    def get_assessment(self) -> Assessment:
        return permissions.get_assessment_for_user(self.request.user, self.kwargs["assessment_pk"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Score.objects.none()
        return (
            Score.objects.filter(assessment=self.get_assessment())
            .assessable()
            .select_related("principle", "level", "updated_by", "assessment__strategy")
            .order_by("principle__order")
        )

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = f'"{response.data["version"]}"'
        return response

    @extend_schema(
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False)],
        responses={
            200: ScoreSerializer,
            400: ERROR,
            403: ERROR,
            404: ERROR,
            409: ERROR,
            412: ERROR,
            428: ERROR,
        },
    )
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        score = self.get_object()
        serializer = ScoreSerializer(
            score, data=request.data, partial=partial, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        validated = serializer.validated_data
        expected = _expected_version(request, validated, score)
        if isinstance(expected, Response):
            return expected
        level = score.level
        if "level" in validated:
            code = (validated["level"] or {}).get("code")
            level = None
            if code:
                level = ScoreLevel.objects.filter(
                    scale_id=score.assessment.scale_id, code=code
                ).first()
                if level is None:
                    raise ValidationError(
                        {"level": [_("No level %(code)r on this scale.") % {"code": code}]}
                    )
        data = ScoreInput(
            level=level,
            **{
                name: validated.get(name, getattr(score, name))
                for name in ("justification", "evidence", "location", "recommendation")
            },
        )
        try:
            saved = services.score_save(
                score=score, user=request.user, expected_version=expected, data=data
            )
        except ScoreConflict as conflict:
            return Response(
                {
                    "detail": _(
                        "Someone else saved this score since that version; nothing was "
                        "saved. Compare with `current` and send again with its version."
                    ),
                    "current": ScoreSerializer(conflict.current, context={"request": request}).data,
                },
                status=status.HTTP_409_CONFLICT,
            )
        except AssessmentLocked as exc:
            return locked_response(exc)
        return Response(
            ScoreSerializer(saved, context={"request": request}).data,
            headers={"ETag": f'"{saved.version}"'},
        )

    @extend_schema(
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False)],
        responses={
            200: ScoreSerializer,
            400: ERROR,
            403: ERROR,
            404: ERROR,
            409: ERROR,
            412: ERROR,
            428: ERROR,
        },
    )
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(
        parameters=[OpenApiParameter("limit", int, description="How many (1-20, default 5).")],
        responses={200: SuggestionSerializer(many=True), 404: ERROR},
        description="The strategy passages most likely to address the score's principle, "
        "best first; linked and dismissed passages are left out.",
    )
    def suggestions(self, request, *args, **kwargs):
        score = self.get_object()
        if not permissions.can_read_strategy_text(request.user, score.assessment):
            raise Http404
        try:
            limit = min(max(int(request.query_params.get("limit", 5)), 1), 20)
        except ValueError:
            raise ValidationError({"limit": [_("A whole number from 1 to 20.")]}) from None
        score = Score.objects.select_related("principle").prefetch_related("principle__tags")
        score = score.get(pk=kwargs["pk"])
        found = suggestions.score_suggestions(score.assessment, [score], limit=limit)
        return Response(SuggestionSerializer(found.get(score.pk, []), many=True).data)


class EvidenceLinkViewSet(
    mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Evidence links of one assessment. POST `{"score", "passage"}` links a passage (its
    text and location are added to the score); `"status": "dismissed"` dismisses a
    suggestion. DELETE unlinks (the text leaves the score) or restores a suggestion."""

    serializer_class = EvidenceLinkSerializer
    filterset_fields = ["score", "passage", "status"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_assessment(self) -> Assessment:
        assessment = permissions.get_assessment_for_user(
            self.request.user, self.kwargs["assessment_pk"]
        )
        if not permissions.can_read_strategy_text(self.request.user, assessment):
            raise Http404
        return assessment

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return EvidenceLink.objects.none()
        return (
            EvidenceLink.objects.filter(score__assessment=self.get_assessment())
            .select_related("score__principle", "passage")
            .order_by("pk")
        )

    def get_serializer(self, *args, **kwargs):
        if not getattr(self, "swagger_fake_view", False):
            kwargs["assessment"] = self.get_assessment()
        return super().get_serializer(*args, **kwargs)

    @extend_schema(responses={201: EvidenceLinkSerializer, 400: ERROR, 403: ERROR, 404: ERROR})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        score = Score.objects.select_related("assessment").get(pk=data["score"].pk)
        try:
            if data["status"] == EvidenceLink.Status.DISMISSED:
                link = evidence.suggestion_dismiss(
                    score=score, passage=data["passage"], user=request.user
                )
            else:
                link = evidence.evidence_link(
                    score=score,
                    passage=data["passage"],
                    user=request.user,
                    from_suggestion=data.get("from_suggestion", False),
                )
        except AssessmentLocked as exc:
            return locked_response(exc)
        except DjangoValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            raise ValidationError(detail) from exc
        link = self.get_queryset().get(pk=link.pk)
        return Response(self.get_serializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=EvidenceTranslationSerializer,
        responses={200: EvidenceLinkSerializer, 400: ERROR, 403: ERROR, 404: ERROR},
        description="Keep the assessor's working translation of a linked passage.",
    )
    def partial_update(self, request, *args, **kwargs):
        link = self.get_object()
        change = EvidenceTranslationSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        try:
            evidence.evidence_translate(
                link=link,
                text=change.validated_data["translation"],
                language=change.validated_data["language"],
                previous=change.validated_data.get("previous"),
                user=request.user,
            )
        except AssessmentLocked as exc:
            return locked_response(exc)
        except DjangoValidationError as exc:
            raise ValidationError({"translation": exc.messages}) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=link.pk)).data)

    @extend_schema(responses={204: None, 403: ERROR, 404: ERROR})
    def destroy(self, request, *args, **kwargs):
        link = self.get_object()
        try:
            evidence.evidence_unlink(link=link, user=request.user)
        except AssessmentLocked as exc:
            return locked_response(exc)
        except DjangoValidationError as exc:
            raise ValidationError(exc.messages) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReportViewSet(viewsets.GenericViewSet, mixins.RetrieveModelMixin):
    """A report's status, and its PDF once done."""

    serializer_class = ReportSerializer
    lookup_value_regex = "[0-9a-f-]{36}"

    def get_queryset(self):
        return permissions.visible_reports(self.request.user)

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: ERROR},
        description="The PDF, once the report is done.",
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        report = self.get_object()
        if report.status != Report.Status.DONE or not report.file:
            raise Http404
        return report_pdf_response(report)

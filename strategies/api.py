"""API for jurisdictions and strategies, scoped by assessments.permissions."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from assessments import permissions
from ctframework.api import SlugRelatedField

from . import selectors, services
from .models import Jurisdiction, Passage, Strategy, StrategyDocument


class JurisdictionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Jurisdiction
        fields = ["id", "code", "name", "kind", "m49_code", "region", "sub_region"]


class JurisdictionViewSet(viewsets.ReadOnlyModelViewSet):
    """Every jurisdiction (the list is public knowledge); scope applies to their strategies."""

    queryset = Jurisdiction.objects.order_by("name")
    serializer_class = JurisdictionSerializer
    filterset_fields = ["code", "kind", "region", "sub_region"]
    search_fields = ["name", "code"]
    ordering_fields = ["name", "code"]


def language_field(**kwargs) -> serializers.ChoiceField:
    """One of the six UN languages, or empty (not known; for a correction: as detected)."""
    return serializers.ChoiceField(choices=settings.LANGUAGES, allow_blank=True, **kwargs)


class StrategySerializer(serializers.ModelSerializer):
    jurisdiction = SlugRelatedField(slug_field="code", queryset=Jurisdiction.objects.all())
    detected_language = language_field(read_only=True)

    class Meta:
        model = Strategy
        fields = [
            "id",
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
            "detected_language",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["detected_language", "created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["supersedes"].queryset = permissions.visible_strategies(request.user)

    def validate_jurisdiction(self, jurisdiction):
        if not permissions.can_create_strategy(self.context["request"].user, jurisdiction):
            raise serializers.ValidationError(_("You cannot add strategies for this jurisdiction."))
        return jurisdiction

    def validate(self, attrs):
        instance = Strategy(**{**self._current(), **attrs})
        instance.pk = self.instance.pk if self.instance else None
        instance.clean()
        return attrs

    def _current(self) -> dict:
        if self.instance is None:
            return {}
        return {
            "jurisdiction": self.instance.jurisdiction,
            "supersedes": self.instance.supersedes,
            "period_start": self.instance.period_start,
            "period_end": self.instance.period_end,
        }


class StrategyDocumentSerializer(serializers.ModelSerializer):
    passage_count = serializers.IntegerField(read_only=True)
    language = language_field(read_only=True)
    detected_language = language_field(read_only=True)
    can_retry = serializers.BooleanField(
        read_only=True, help_text="Failed, with its file kept: POST …/retry/ reads it again."
    )

    class Meta:
        model = StrategyDocument
        fields = [
            "id",
            "strategy",
            "original_name",
            "format",
            "size",
            "sha256",
            "status",
            "error",
            "language",
            "detected_language",
            "page_count",
            "pages_without_text",
            "ocr_pages_total",
            "ocr_pages_done",
            "can_retry",
            "passage_count",
            "uploaded_at",
            "extracted_at",
        ]
        read_only_fields = fields


class DocumentLanguageSerializer(serializers.Serializer):
    language = language_field(
        help_text="The document's language, correcting the detected one; empty: as detected."
    )


class DocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class PassageSerializer(serializers.ModelSerializer):
    location = serializers.CharField(read_only=True)
    language = language_field(read_only=True)

    class Meta:
        model = Passage
        fields = ["id", "strategy", "document", "position", "page", "kind", "heading", "text"]
        fields += ["language", "location", "ocr", "ocr_confidence"]
        read_only_fields = fields


def upload_response(request, strategy) -> Response:
    """Store an uploaded document (201, or 200 with the stored one for a repeated file)."""
    upload = DocumentUploadSerializer(data=request.data)
    upload.is_valid(raise_exception=True)
    try:
        document, created = services.document_upload(
            strategy=strategy, user=request.user, file=upload.validated_data["file"]
        )
    except DjangoValidationError as exc:
        raise serializers.ValidationError({"file": exc.messages}) from exc
    document = permissions.get_document_for_user(request.user, document.pk)
    return Response(
        StrategyDocumentSerializer(document).data,
        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
    )


class StrategyViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Strategies of the caller's jurisdictions; their documents under `documents`."""

    serializer_class = StrategySerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_fields = ["kind", "status", "language", "is_public", "jurisdiction__code"]
    search_fields = ["title"]
    ordering_fields = ["title", "year_adopted", "updated_at"]

    def get_queryset(self):
        return permissions.visible_strategies(self.request.user).order_by("pk")

    def perform_create(self, serializer):
        if not permissions.can_create_strategy(self.request.user):
            raise PermissionDenied
        serializer.save(created_by=self.request.user)

    def perform_update(self, serializer):
        if not permissions.can_edit_strategy(self.request.user, serializer.instance):
            raise PermissionDenied
        serializer.save()

    @extend_schema(
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={
            200: StrategyDocumentSerializer,
            201: StrategyDocumentSerializer,
            503: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="The task queue is unavailable: the document was not kept; "
                "upload it again shortly.",
            ),
        },
        methods=["POST"],
        description="Upload a PDF, DOCX or text file (at most 25 MB); the text is extracted "
        "by a task. The same file again answers 200 with the stored document.",
    )
    @extend_schema(responses=StrategyDocumentSerializer(many=True), methods=["GET"])
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser],
        pagination_class=None,  # a strategy has a handful of documents: the whole list
    )
    def documents(self, request, pk=None):
        strategy = self.get_object()
        if request.method == "POST":
            if not permissions.can_edit_strategy(request.user, strategy):
                raise PermissionDenied
            return upload_response(request, strategy)
        documents = strategy.documents.annotate(passage_count=Count("passages")).order_by("pk")
        return Response(StrategyDocumentSerializer(documents, many=True).data)


class StrategyDocumentViewSet(mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """Documents of the caller's strategies, with their extraction status. Upload through
    POST /api/v1/strategies/{id}/documents/ (multipart, field `file`)."""

    serializer_class = StrategyDocumentSerializer
    filterset_fields = ["strategy", "status", "format"]
    ordering_fields = ["uploaded_at"]

    def get_queryset(self):
        return (
            permissions.visible_documents(self.request.user)
            .annotate(passage_count=Count("passages"))
            .order_by("pk")
        )

    def perform_destroy(self, instance):
        try:
            services.document_delete(document=instance, user=self.request.user)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"detail": " ".join(exc.messages)}) from exc

    @extend_schema(
        request=DocumentLanguageSerializer,
        responses=StrategyDocumentSerializer,
        description="Correct the language detected for the document; its passages are "
        "indexed for search again.",
    )
    def partial_update(self, request, pk=None):
        document = self.get_object()
        change = DocumentLanguageSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        try:
            services.document_set_language(
                document=document, language=change.validated_data["language"], user=request.user
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"language": exc.messages}) from exc
        return Response(StrategyDocumentSerializer(self.get_queryset().get(pk=document.pk)).data)

    @extend_schema(
        request=None,
        responses={
            202: StrategyDocumentSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, description="The document cannot be read again."
            ),
            503: OpenApiResponse(
                OpenApiTypes.OBJECT, description="The task queue is unavailable; try shortly."
            ),
        },
        description="Read a failed document again from its kept file (an OCR that failed or "
        "was cut short: `can_retry`); scanned pages already read are not read again.",
    )
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        document = self.get_object()
        try:
            services.document_retry(document=document, user=request.user)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"detail": " ".join(exc.messages)}) from exc
        return Response(
            StrategyDocumentSerializer(self.get_queryset().get(pk=document.pk)).data,
            status=status.HTTP_202_ACCEPTED,
        )


class PassageViewSet(viewsets.ReadOnlyModelViewSet):
    """Passages of the strategies the caller may see; `?q=` searches their text."""

    serializer_class = PassageSerializer
    filterset_fields = ["strategy", "document", "kind", "language"]

    def get_queryset(self):
        passages = permissions.visible_passages(self.request.user).order_by(
            "strategy_id", "document_id", "position"
        )
        query = self.request.query_params.get("q", "")
        if query.strip():
            passages = selectors.matching_passages(passages, query)
        return passages

    @extend_schema(parameters=[OpenApiParameter("q", str, description="Words to find.")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

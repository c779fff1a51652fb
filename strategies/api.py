"""API for jurisdictions and strategies, scoped by assessments.permissions."""

from django.core.exceptions import PermissionDenied
from rest_framework import mixins, serializers, viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from assessments import permissions
from ctframework.api import SlugRelatedField

from .forms import MAX_DOCUMENT_BYTES
from .models import Jurisdiction, Strategy


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


class StrategySerializer(serializers.ModelSerializer):
    jurisdiction = SlugRelatedField(slug_field="code", queryset=Jurisdiction.objects.all())
    document = serializers.FileField(required=False, allow_null=True)

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
            "document",
            "supersedes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["supersedes"].queryset = permissions.visible_strategies(request.user)

    def validate_jurisdiction(self, jurisdiction):
        if not permissions.can_create_strategy(self.context["request"].user, jurisdiction):
            raise serializers.ValidationError("You cannot add strategies for this jurisdiction.")
        return jurisdiction

    def validate_document(self, document):
        if document and document.size > MAX_DOCUMENT_BYTES:
            raise serializers.ValidationError("The document is larger than 25 MB.")
        return document

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


class StrategyViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Strategies of the caller's jurisdictions. Upload the document as multipart."""

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

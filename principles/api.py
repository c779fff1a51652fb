"""Read-only API for the public principle library."""

from django.db.models import Q
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny

from .exporting import EXPORT_FORMATS, export_download
from .models import CrossReference, Framework, Principle, Section


class FrameworkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Framework
        fields = [
            "id",
            "slug",
            "version",
            "title",
            "short_title",
            "issuing_body",
            "kind",
            "adopted_on",
            "source_document",
            "source_url",
            "item_label",
            "description",
            "assessable",
            "language",
            "notes",
            "translations",
        ]


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = [
            "id",
            "framework",
            "parent",
            "code",
            "title",
            "order",
            "assessable",
            "translations",
        ]


class PrincipleSerializer(serializers.ModelSerializer):
    framework_slug = serializers.CharField(source="framework.slug", read_only=True)
    framework_version = serializers.CharField(source="framework.version", read_only=True)
    tags = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    language = serializers.CharField(
        source="framework.language", read_only=True, help_text="The original's language."
    )
    localized = serializers.SerializerMethodField(
        help_text="The title and text in the caller's language (Accept-Language) where the set "
        "has a translation, else the original; `language` is the language they are in, "
        "`official` whether the translation is official."
    )
    assessable = serializers.BooleanField(
        source="is_assessable",
        read_only=True,
        help_text="False for an item that is not a measure for States (or whose section is "
        "not assessable): it is never scored.",
    )

    class Meta:
        model = Principle
        fields = [
            "id",
            "framework",
            "framework_slug",
            "framework_version",
            "section",
            "code",
            "number",
            "title",
            "text",
            "order",
            "tags",
            "assessable",
            "notes",
            "language",
            "translations",
            "localized",
        ]

    def get_localized(self, principle) -> dict:
        title, text = principle.tr("title"), principle.tr("text")
        return {
            "title": title.text,
            "text": text.text,
            "language": text.language,
            "original": text.original,
            "official": text.official,
        }


class CrossReferenceSerializer(serializers.ModelSerializer):
    source_code = serializers.CharField(source="source.code", read_only=True)
    target_code = serializers.CharField(source="target.code", read_only=True)

    class Meta:
        model = CrossReference
        fields = [
            "id",
            "source",
            "source_code",
            "target",
            "target_code",
            "relationship",
            "strength",
            "rationale",
            "review_verdict",
            "review_note",
            "reviewed_on",
        ]


class PublicReadOnly(viewsets.ReadOnlyModelViewSet):
    """The library holds public documents: readable without logging in."""

    permission_classes = [AllowAny]


class FrameworkViewSet(PublicReadOnly):
    queryset = Framework.objects.order_by("slug", "version")
    serializer_class = FrameworkSerializer
    filterset_fields = ["slug", "version", "kind", "issuing_body", "assessable"]
    search_fields = ["title", "short_title", "description"]
    ordering_fields = ["slug", "version", "adopted_on", "title"]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "as",
                str,
                enum=EXPORT_FORMATS,
                description="oscal (JSON, the default), "
                "oscal-yaml, or ctframework (the import format).",
            ),
            OpenApiParameter(
                "crosswalk",
                bool,
                description="The crosswalk from the set's items instead "
                "(an OSCAL mapping collection).",
            ),
        ],
        responses={
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "application/yaml"): OpenApiTypes.STR,
        },
        description="The framework version as a file: an OSCAL 1.2 catalog by default.",
    )
    @action(detail=True, filter_backends=[], pagination_class=None)
    def export(self, request, pk=None):
        fmt = request.query_params.get("as", "oscal")
        if fmt not in EXPORT_FORMATS:
            raise serializers.ValidationError({"as": f"one of {', '.join(EXPORT_FORMATS)}"})
        crosswalk = request.query_params.get("crosswalk") in ("1", "true")
        return export_download(self.get_object(), crosswalk=crosswalk, fmt=fmt)


class SectionViewSet(PublicReadOnly):
    queryset = Section.objects.order_by("framework_id", "order")
    serializer_class = SectionSerializer
    filterset_fields = ["framework", "parent"]
    search_fields = ["title", "code"]
    ordering_fields = ["order", "code"]


class PrincipleFilter(filters.FilterSet):
    framework_slug = filters.CharFilter(field_name="framework__slug")
    framework_version = filters.CharFilter(field_name="framework__version")
    tag = filters.CharFilter(field_name="tags__slug")

    class Meta:
        model = Principle
        fields = ["framework", "section", "code"]


class PrincipleViewSet(PublicReadOnly):
    queryset = (
        Principle.objects.select_related("framework")
        .prefetch_related("tags")
        .order_by("framework_id", "order")
    )
    serializer_class = PrincipleSerializer
    filterset_class = PrincipleFilter
    search_fields = ["code", "title", "text"]
    ordering_fields = ["order", "code"]


class CrossReferenceFilter(filters.FilterSet):
    principle = filters.NumberFilter(method="either_end", label="Links from or to this principle")

    class Meta:
        model = CrossReference
        fields = ["source", "target", "relationship"]

    def either_end(self, queryset, name, value):
        return queryset.filter(Q(source_id=value) | Q(target_id=value))


class CrossReferenceViewSet(PublicReadOnly):
    queryset = CrossReference.objects.select_related("source", "target").order_by("pk")
    serializer_class = CrossReferenceSerializer
    filterset_class = CrossReferenceFilter
    search_fields = ["rationale", "source__code", "target__code"]
    ordering_fields = ["strength", "pk"]

"""API representations of assessments, scores and reports."""

from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework import serializers

from ctframework.api import SlugRelatedField
from principles.models import Framework
from strategies.api import PassageSerializer
from strategies.models import Jurisdiction, Passage, Strategy

from .. import permissions
from ..models import Assessment, EvidenceLink, Report, Score, ScoreScale

User = get_user_model()


class AssessmentSerializer(serializers.ModelSerializer):
    strategy = serializers.PrimaryKeyRelatedField(queryset=Strategy.objects.none())
    framework = serializers.PrimaryKeyRelatedField(
        queryset=Framework.objects.filter(assessable=True)
    )
    scale = SlugRelatedField(slug_field="slug", queryset=ScoreScale.objects.all(), required=False)
    jurisdiction = serializers.CharField(source="strategy.jurisdiction.code", read_only=True)
    assessors = SlugRelatedField(
        slug_field="username", many=True, queryset=User.objects.all(), required=False
    )
    reviewer = SlugRelatedField(
        slug_field="username", queryset=User.objects.all(), required=False, allow_null=True
    )
    partners = SlugRelatedField(
        slug_field="code", many=True, queryset=Jurisdiction.objects.all(), required=False
    )
    allowed_transitions = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "strategy",
            "jurisdiction",
            "framework",
            "scale",
            "title",
            "status",
            "sharing",
            "partners",
            "assessors",
            "reviewer",
            "revision",
            "previous_revision",
            "created_at",
            "updated_at",
            "finalized_at",
            "allowed_transitions",
        ]
        read_only_fields = [
            "status",
            "revision",
            "previous_revision",
            "created_at",
            "updated_at",
            "finalized_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["strategy"].queryset = permissions.visible_strategies(request.user)

    def get_allowed_transitions(self, assessment) -> list[str]:
        return permissions.allowed_transitions(self.context["request"].user, assessment)


class AssessmentUpdateSerializer(AssessmentSerializer):
    class Meta(AssessmentSerializer.Meta):
        read_only_fields = [
            *AssessmentSerializer.Meta.read_only_fields,
            "strategy",
            "framework",
            "scale",
        ]


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Assessment.Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ScoreSerializer(serializers.ModelSerializer):
    """A score. `level` is the level's code on the assessment's scale ("0"…"4", "na")."""

    code = serializers.CharField(source="principle.code", read_only=True)
    title = serializers.CharField(source="principle.title", read_only=True)
    level = serializers.CharField(
        source="level.code", allow_null=True, required=False, max_length=10
    )
    updated_by = serializers.SerializerMethodField(
        help_text="Who saved last; named only to the assessment team and administrators."
    )
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="The version you started from; or send it as If-Match.",
    )

    class Meta:
        model = Score
        fields = [
            "id",
            "principle",
            "code",
            "title",
            "level",
            "justification",
            "evidence",
            "location",
            "recommendation",
            "version",
            "updated_by",
            "updated_at",
        ]
        read_only_fields = ["principle", "updated_at"]
        extra_kwargs = {
            "justification": {"max_length": 5000},
            "evidence": {"max_length": 20000},
            "location": {"max_length": 200},
            "recommendation": {"max_length": 5000},
        }

    def get_updated_by(self, score) -> str | None:
        request = self.context.get("request")
        if request is None or not score.updated_by_id:
            return None
        if not permissions.can_see_history(request.user, score.assessment):
            return None
        return score.updated_by.get_username()


class ReportRequestSerializer(serializers.Serializer):
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        help_text="The report's language; by default the assessed jurisdiction's.",
    )


class ReportSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()
    language = serializers.CharField(read_only=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "assessment",
            "status",
            "language",
            "content_hash",
            "with_observations",
            "size",
            "sha256",
            "error",
            "requested_at",
            "started_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, report) -> str | None:
        if report.status != Report.Status.DONE:
            return None
        request = self.context["request"]
        return request.build_absolute_uri(f"/api/v1/reports/{report.pk}/download/")


class EvidenceTranslationSerializer(serializers.Serializer):
    """The assessor's working translation of a linked passage (empty: none)."""

    translation = serializers.CharField(allow_blank=True, trim_whitespace=True)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, allow_blank=True)
    previous = serializers.CharField(
        allow_blank=True,
        required=False,
        help_text="The translation the client last read: refused if it changed since.",
    )


class EvidenceLinkSerializer(serializers.ModelSerializer):
    """A passage linked to a score as evidence, or dismissed as a suggestion for it; with
    the assessor's working translation of it, never the document's text."""

    translation = serializers.CharField(read_only=True)
    translation_language = serializers.ChoiceField(
        choices=settings.LANGUAGES, allow_blank=True, read_only=True
    )
    translated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    score = serializers.PrimaryKeyRelatedField(queryset=Score.objects.none())
    passage = serializers.PrimaryKeyRelatedField(queryset=Passage.objects.none())
    principle = serializers.CharField(source="score.principle.code", read_only=True)
    location = serializers.CharField(source="passage.location", read_only=True)
    status = serializers.ChoiceField(
        choices=EvidenceLink.Status.choices, default=EvidenceLink.Status.LINKED
    )

    class Meta:
        model = EvidenceLink
        fields = [
            "id",
            "score",
            "principle",
            "passage",
            "location",
            "status",
            "from_suggestion",
            "created_at",
            "translation",
            "translation_language",
            "translated_at",
        ]
        read_only_fields = ["created_at"]
        # Not the model's unique (score, passage) check: linking a linked passage again is a
        # no-op and linking a dismissed one turns it into evidence (assessments.evidence).
        validators = []

    def __init__(self, *args, assessment=None, **kwargs):
        super().__init__(*args, **kwargs)
        if assessment is not None:
            self.fields["score"].queryset = Score.objects.filter(assessment=assessment)
            self.fields["passage"].queryset = Passage.objects.filter(
                strategy_id=assessment.strategy_id
            )


class SuggestionSerializer(serializers.Serializer):
    passage = PassageSerializer()
    relevance = serializers.FloatField()

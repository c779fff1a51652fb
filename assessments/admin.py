from django.contrib import admin

from ctframework.admin_access import AdministratorAccessMixin

from . import permissions
from .models import (
    Assessment,
    AssessmentEvent,
    Observation,
    Score,
    ScoreChange,
    ScoreLevel,
    ScoreScale,
)


class FinalizedIsReadOnlyMixin:
    """Finalized assessments are read-only everywhere, the admin included."""

    def _assessment_of(self, obj):
        return obj if isinstance(obj, Assessment) else getattr(obj, "assessment", None)

    def has_change_permission(self, request, obj=None):
        assessment = self._assessment_of(obj) if obj else None
        if assessment is not None and assessment.is_finalized:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        assessment = self._assessment_of(obj) if obj else None
        if assessment is not None and assessment.is_finalized:
            return False
        return super().has_delete_permission(request, obj)


class ScoreLevelInline(admin.TabularInline):
    model = ScoreLevel
    extra = 0


@admin.register(ScoreScale)
class ScoreScaleAdmin(AdministratorAccessMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "is_default"]
    inlines = [ScoreLevelInline]


class ScoreChangeInline(admin.TabularInline):
    model = ScoreChange
    extra = 0
    can_delete = False
    readonly_fields = ["version", "changed_by", "changed_at", "changes"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(FinalizedIsReadOnlyMixin, AdministratorAccessMixin, admin.ModelAdmin):
    list_display = ["__str__", "strategy", "framework", "status", "sharing", "revision"]
    list_filter = ["status", "sharing", "framework", "strategy__jurisdiction__region"]
    search_fields = ["title", "strategy__title", "strategy__jurisdiction__name"]
    list_select_related = ["strategy__jurisdiction", "framework"]
    filter_horizontal = ["assessors", "partners"]
    # The workflow moves only through its service, which records the audit trail.
    readonly_fields = ["status", "revision", "previous_revision", "finalized_at", "created_by"]
    autocomplete_fields = ["strategy"]

    def get_queryset(self, request):
        return permissions.visible_assessments(request.user)


@admin.register(Score)
class ScoreAdmin(FinalizedIsReadOnlyMixin, AdministratorAccessMixin, admin.ModelAdmin):
    list_display = ["principle", "assessment", "level", "version", "updated_by", "updated_at"]
    list_filter = ["assessment__status", "level__label"]
    search_fields = ["principle__code", "justification", "evidence"]
    list_select_related = ["principle", "assessment__strategy", "level", "updated_by"]
    # Scores change only through the checklist's conditional save, which keeps the history.
    readonly_fields = [
        "assessment",
        "principle",
        "level",
        "justification",
        "evidence",
        "location",
        "recommendation",
        "version",
        "updated_by",
        "updated_at",
    ]
    inlines = [ScoreChangeInline]

    def has_add_permission(self, request):
        return False


@admin.register(Observation)
class ObservationAdmin(FinalizedIsReadOnlyMixin, AdministratorAccessMixin, admin.ModelAdmin):
    list_display = ["assessment", "principle", "author", "created_at"]
    search_fields = ["text"]
    list_select_related = ["assessment", "principle", "author"]


@admin.register(AssessmentEvent)
class AssessmentEventAdmin(AdministratorAccessMixin, admin.ModelAdmin):
    list_display = ["assessment", "action", "from_status", "to_status", "actor", "at"]
    list_filter = ["action", "to_status"]
    readonly_fields = ["assessment", "actor", "action", "from_status", "to_status", "note", "at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

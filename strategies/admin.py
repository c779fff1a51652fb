from django.contrib import admin

from assessments import permissions
from ctframework.admin_access import AdministratorAccessMixin

from .models import Jurisdiction, Strategy, StrategyDocument


class StrategyDocumentInline(AdministratorAccessMixin, admin.TabularInline):
    """The strategy's documents and their extraction status; uploads go through the
    strategy's page or the API, where the file is checked and its text extracted."""

    model = StrategyDocument
    fields = ["original_name", "format", "status", "page_count", "error", "uploaded_at"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Jurisdiction)
class JurisdictionAdmin(AdministratorAccessMixin, admin.ModelAdmin):
    list_display = ["name", "code", "kind", "region", "sub_region"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "code"]


@admin.register(Strategy)
class StrategyAdmin(AdministratorAccessMixin, admin.ModelAdmin):
    list_display = ["title", "jurisdiction", "kind", "year_adopted", "status", "is_public"]
    list_filter = ["kind", "status", "is_public", "jurisdiction__region"]
    search_fields = ["title", "jurisdiction__name", "jurisdiction__code"]
    list_select_related = ["jurisdiction"]
    autocomplete_fields = ["jurisdiction", "supersedes"]
    inlines = [StrategyDocumentInline]

    def get_queryset(self, request):
        return permissions.visible_strategies(request.user)

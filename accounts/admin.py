from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ctframework import roles
from ctframework.admin_access import AdministratorAccessMixin

from .models import Grant, MembershipSet


class RoleLabelsMixin:
    """Roles offered by name in the reader's language (the group names stay English)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "role":
            field.label_from_instance = roles.label
        return field


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [(name, roles.label(name)) for name in roles.ALL_ROLES]

    def queryset(self, request, queryset):
        return queryset.filter(role__name=self.value()) if self.value() else queryset


class GrantInline(RoleLabelsMixin, AdministratorAccessMixin, admin.TabularInline):
    """A user's grants as (role, scope) rows. Grants are added or deleted, never edited:
    deleting one signs the user out everywhere."""

    model = Grant
    fk_name = "user"
    fields = ["role", "jurisdiction", "membership_set", "granted_by", "granted_at"]
    readonly_fields = ["granted_by", "granted_at"]
    autocomplete_fields = ["jurisdiction", "membership_set"]
    extra = 0

    def has_change_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields


@admin.register(Grant)
class GrantAdmin(RoleLabelsMixin, AdministratorAccessMixin, admin.ModelAdmin):
    """Every grant as a (user, role, scope) triple."""

    list_display = ["user", "role_label", "scope_label", "granted_by", "granted_at"]
    list_filter = [RoleFilter, "membership_set", "user__grants_need_review"]
    search_fields = [
        "user__username",
        "jurisdiction__code",
        "jurisdiction__name",
        "membership_set__code",
    ]
    list_select_related = ["user", "role", "jurisdiction", "membership_set", "granted_by"]
    autocomplete_fields = ["user", "jurisdiction", "membership_set"]
    fields = ["user", "role", "jurisdiction", "membership_set"]

    @admin.display(description=_("role"), ordering="role__name")
    def role_label(self, obj):
        return roles.label(obj.role)

    @admin.display(description=_("scope"))
    def scope_label(self, obj):
        return obj.scope_label

    def has_change_permission(self, request, obj=None):
        # Grants are never edited in place; the change form shows them read-only.
        return False

    def save_model(self, request, obj, form, change):
        obj.granted_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(MembershipSet)
class MembershipSetAdmin(AdministratorAccessMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "member_count", "as_of"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "members__code", "members__name"]
    filter_horizontal = ["members"]
    autocomplete_fields = ["organisation"]

    @admin.display(description=_("members"))
    def member_count(self, obj):
        return obj.members.count()

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from .admin_access import AdministratorAccessMixin
from .models import User


@admin.register(User)
class UserAdmin(AdministratorAccessMixin, BaseUserAdmin):
    """Who sees which countries: roles are groups, scope is the granted jurisdictions."""

    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Access"), {"fields": ("jurisdictions",)}),
    )
    filter_horizontal = ("groups", "user_permissions", "jurisdictions")
    list_display = ["username", "email", "first_name", "last_name", "is_active", "roles"]
    list_filter = ["groups", "is_active", "jurisdictions__region"]

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return ", ".join(group.name for group in obj.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AdministratorAccessMixin, BaseGroupAdmin):
    pass

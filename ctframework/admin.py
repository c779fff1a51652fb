from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from accounts.admin import GrantInline
from accounts.models import Grant

from .admin_access import AdministratorAccessMixin
from .models import User


@admin.register(User)
class UserAdmin(AdministratorAccessMixin, BaseUserAdmin):
    """Who may do what where: each grant is a role for a jurisdiction or a membership set."""

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (
            _("Status"),
            {"fields": ("is_active", "is_staff", "is_superuser", "grants_need_review")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    inlines = [GrantInline]
    list_display = [
        "username",
        "email",
        "first_name",
        "last_name",
        "is_active",
        "grants",
        "grants_need_review",
    ]
    list_filter = ["grants_need_review", "is_active", "grants__role", "grants__membership_set"]

    @admin.display(description=_("grants"))
    def grants(self, obj):
        return "; ".join(f"{g.role.name} · {g.scope_label}" for g in obj.grants.all())

    def get_queryset(self, request):
        grants = Grant.objects.select_related("role", "jurisdiction", "membership_set")
        return super().get_queryset(request).prefetch_related(Prefetch("grants", grants))

    def save_formset(self, request, form, formset, change):
        for grant in formset.save(commit=False):
            grant.granted_by = grant.granted_by or request.user
            grant.save()
        for grant in formset.deleted_objects:
            grant.delete()
        formset.save_m2m()


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AdministratorAccessMixin, BaseGroupAdmin):
    pass

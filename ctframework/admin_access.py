"""The admin's access rule, taken from the permission module rather than Django's model perms."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from assessments import permissions


class AdministratorAccessMixin:
    """A ModelAdmin open to administrators (role or superuser) and to nobody else."""

    def has_module_permission(self, request):
        return permissions.can_administer(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.can_administer(request.user)

    def has_add_permission(self, request, *args):
        return permissions.can_administer(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.can_administer(request.user)

    def has_delete_permission(self, request, obj=None):
        return permissions.can_administer(request.user)


class AdminSite(admin.AdminSite):
    """The admin site, open to administrators only: a staff flag alone grants nothing."""

    site_header = _("CT Framework administration")
    site_title = _("CT Framework")

    def has_permission(self, request):
        return permissions.can_administer(request.user)

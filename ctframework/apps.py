from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CtframeworkConfig(AppConfig):
    default = True
    name = "ctframework"
    verbose_name = "CT Framework"


class CTFrameworkAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "ctframework.admin_access.AdminSite"

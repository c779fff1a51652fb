from django.apps import AppConfig


class CtframeworkConfig(AppConfig):
    name = "ctframework"
    verbose_name = "CT Framework"

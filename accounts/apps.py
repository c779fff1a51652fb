from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Who may do what where: role grants per jurisdiction or membership set, and the sets."""

    name = "accounts"
    verbose_name = _("Accounts and access")

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)

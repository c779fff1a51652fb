"""The user account, with the jurisdictions its holder may see."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import roles


class User(AbstractUser):
    """A person using CT Framework; what they see is scoped by `jurisdictions` and role."""

    jurisdictions = models.ManyToManyField(
        "strategies.Jurisdiction",
        blank=True,
        related_name="users",
        verbose_name=_("jurisdictions"),
        help_text=_("The countries and organisations whose strategies this user may see."),
    )

    def has_role(self, role: str) -> bool:
        """True when the user is active and in the group named `role`."""
        if not self.is_active:
            return False
        cache = self.__dict__.setdefault("_role_names", None)
        if cache is None:
            cache = set(self.groups.values_list("name", flat=True))
            self.__dict__["_role_names"] = cache
        return role in cache

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.has_role(roles.ADMINISTRATOR)

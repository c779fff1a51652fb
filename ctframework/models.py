"""The user account. What a user may see and do comes from their grants (accounts app)."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from . import roles


class User(AbstractUser):
    """A person using CT Framework; their roles are granted per jurisdiction (accounts.Grant)."""

    grants_need_review = models.BooleanField(
        _("grants need review"),
        default=False,
        help_text=_(
            "Set when grants were derived from separate lists of roles and jurisdictions: "
            "check that each role is held only where it should be, then clear this."
        ),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("The language of the pages and e-mails; empty: the browser's."),
    )
    session_epoch = models.PositiveIntegerField(
        _("session epoch"),
        default=0,
        editable=False,
        help_text=_("Raised to sign the user out everywhere (a grant revoked, deactivation)."),
    )

    def has_role(self, role: str) -> bool:
        """True when the active user holds `role` for some jurisdiction (or globally)."""
        from accounts.scopes import grant_scopes

        scopes = grant_scopes(self)
        if role == roles.ADMINISTRATOR:
            return scopes.administrator
        return bool(scopes.by_role.get(role))

    @property
    def is_administrator(self) -> bool:
        from accounts.scopes import grant_scopes

        return self.is_active and (self.is_superuser or grant_scopes(self).administrator)

    def get_session_auth_hash(self):
        return self._session_hash()

    def get_session_auth_fallback_hash(self):
        for fallback_secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret=fallback_secret)

    def _session_hash(self, secret=None) -> str:
        # Epoch 0 gives Django's own hash, so sessions opened before this field existed stay
        # valid; any later epoch invalidates every session opened under an earlier one.
        if not self.session_epoch:
            return self._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "ctframework.User.session_hash",
            f"{self.password}:{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

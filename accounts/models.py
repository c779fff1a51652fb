"""Grants of a role for a jurisdiction or a membership set, and the membership sets."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ctframework import roles
from ctframework.languages import localized


class MembershipSetManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class MembershipSet(models.Model):
    """A named set of States: a UN regional group, or a regional organisation's members.

    A grant on a set covers every member, and follows the set as its membership changes.
    """

    class Kind(models.TextChoices):
        UN_REGIONAL_GROUP = "un-regional-group", _("United Nations regional group")
        ORGANISATION_MEMBERS = (
            "regional-organisation-members",
            _("Member States of a regional organisation"),
        )

    code = models.CharField(
        _("code"),
        max_length=30,
        unique=True,
        help_text=_("E.g. WEOG, or EU-MEMBERS; never the code of a jurisdiction."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    organisation = models.ForeignKey(
        "strategies.Jurisdiction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="member_sets",
        verbose_name=_("organisation"),
        help_text=_("For a regional organisation's members: the organisation itself."),
    )
    members = models.ManyToManyField(
        "strategies.Jurisdiction",
        blank=True,
        related_name="membership_sets",
        verbose_name=_("members"),
    )
    source = models.CharField(_("source"), max_length=500)
    source_url = models.URLField(_("source URL"), blank=True, max_length=500)
    as_of = models.DateField(_("membership as of"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    translations = models.JSONField(
        _("translations"), default=dict, blank=True, help_text=_('{"fr": {"name": …}}')
    )

    objects = MembershipSetManager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("membership set")
        verbose_name_plural = _("membership sets")

    def __str__(self):
        return f"{localized(self, 'name')} ({self.code})"

    def natural_key(self):
        return (self.code,)

    def clean(self):
        from strategies.models import Jurisdiction

        if self.code and Jurisdiction.objects.filter(code__iexact=self.code).exists():
            raise ValidationError({"code": _("This code belongs to a jurisdiction.")})
        if (self.kind == self.Kind.ORGANISATION_MEMBERS) != (self.organisation_id is not None):
            raise ValidationError(
                {"organisation": _("Name the organisation exactly for an organisation's members.")}
            )


class Grant(models.Model):
    """A role held by a user for one jurisdiction, or for every member of a membership set.

    Administrator is global: its grant has no scope. Grants are never edited in place:
    a change is a revocation and a new grant, so every change ends the user's sessions.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="grants",
        verbose_name=_("user"),
    )
    role = models.ForeignKey(
        Group, on_delete=models.PROTECT, related_name="grants", verbose_name=_("role")
    )
    jurisdiction = models.ForeignKey(
        "strategies.Jurisdiction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("jurisdiction"),
    )
    membership_set = models.ForeignKey(
        MembershipSet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("membership set"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        ordering = ["user", "role__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(jurisdiction__isnull=True) | Q(membership_set__isnull=True),
                name="grant_one_scope",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "jurisdiction"],
                condition=Q(jurisdiction__isnull=False),
                name="grant_unique_jurisdiction",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "membership_set"],
                condition=Q(membership_set__isnull=False),
                name="grant_unique_set",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(jurisdiction__isnull=True, membership_set__isnull=True),
                name="grant_unique_global",
            ),
        ]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")

    def __str__(self):
        return f"{self.user} · {roles.label(self.role)} · {self.scope_label}"

    @property
    def scope(self):
        return self.jurisdiction or self.membership_set

    @property
    def scope_label(self) -> str:
        scope = self.scope
        return scope.code if scope is not None else str(_("everywhere"))

    def clean(self):
        if self.jurisdiction_id and self.membership_set_id:
            raise ValidationError(_("A grant is for one jurisdiction or one membership set."))
        if not self.role_id:
            return
        scoped = bool(self.jurisdiction_id or self.membership_set_id)
        if self.role.name == roles.ADMINISTRATOR and scoped:
            raise ValidationError(_("Administrator is a global role: give it no scope."))
        if self.role.name != roles.ADMINISTRATOR and not scoped:
            raise ValidationError(
                _("%(role)s is granted for a jurisdiction or a membership set.")
                % {"role": roles.label(self.role)}
            )
        if self.role.name not in roles.ALL_ROLES:
            raise ValidationError({"role": _("This group is not one of the roles.")})

"""Writes to access: granting and revoking roles, ending a user's sessions."""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.authtoken.models import Token

from ctframework import roles
from strategies.models import Jurisdiction

from .models import Grant, MembershipSet
from .scopes import forget_scopes

Scope = Jurisdiction | MembershipSet


def scopes_by_code(codes: list[str]) -> list[Scope]:
    """The jurisdictions or membership sets named by `codes`; ValidationError naming every
    unknown code."""
    wanted = [code.strip().upper() for code in codes]
    found: dict[str, Scope] = {
        j.code.upper(): j for j in Jurisdiction.objects.filter(code__in=wanted)
    }
    for membership_set in MembershipSet.objects.filter(code__in=wanted):
        found.setdefault(membership_set.code.upper(), membership_set)
    unknown = [code for code in wanted if code not in found]
    if unknown:
        raise ValidationError(
            ngettext(
                "Unknown jurisdiction or membership set code: %(codes)s.",
                "Unknown jurisdiction or membership set codes: %(codes)s.",
                len(unknown),
            )
            % {"codes": ", ".join(unknown)}
        )
    return [found[code] for code in dict.fromkeys(wanted)]


def _role(name: str) -> Group:
    if name not in roles.ALL_ROLES:
        raise ValidationError(
            _("Unknown role %(role)s; the roles are: %(roles)s.")
            % {"role": name, "roles": ", ".join(roles.ALL_ROLES)}
        )
    return Group.objects.get_or_create(name=name)[0]


def _check_scope_count(role: str, scopes: list[Scope]) -> None:
    if role == roles.ADMINISTRATOR and scopes:
        raise ValidationError(_("Administrator is a global role: give it no code."))
    if role != roles.ADMINISTRATOR and not scopes:
        raise ValidationError(
            _("Name the jurisdictions or membership sets %(role)s is granted for.")
            % {"role": roles.label(role)}
        )


def _scope_fields(scope: Scope | None) -> dict:
    return {
        "jurisdiction": scope if isinstance(scope, Jurisdiction) else None,
        "membership_set": scope if isinstance(scope, MembershipSet) else None,
    }


@transaction.atomic
def grant_add(*, user, role: str, scopes: list[Scope], granted_by=None) -> list[Grant]:
    """Grant `role` to `user` for each of `scopes` (none for Administrator).

    Grants the user already holds are left as they are; the new ones are returned.
    """
    group = _role(role)
    _check_scope_count(role, scopes)
    added = []
    for scope in scopes or [None]:
        fields = _scope_fields(scope)
        if Grant.objects.filter(user=user, role=group, **fields).exists():
            continue
        grant = Grant(user=user, role=group, granted_by=granted_by, **fields)
        grant.full_clean()
        grant.save()
        added.append(grant)
    if role == roles.ADMINISTRATOR:
        user.is_staff = True  # as the post_save receiver made it in the database
    forget_scopes(user)
    return added


@transaction.atomic
def grant_revoke(*, user, role: str, scopes: list[Scope]) -> int:
    """Revoke `role` for each of `scopes` (none for Administrator) and end the user's
    sessions and API tokens. Every named grant must exist, or nothing changes."""
    group = _role(role)
    _check_scope_count(role, scopes)
    grants, missing = [], []
    for scope in scopes or [None]:
        grant = Grant.objects.filter(user=user, role=group, **_scope_fields(scope)).first()
        if grant is None:
            missing.append(scope)
        else:
            grants.append(grant)
    if missing:
        raise ValidationError(_missing_message(user, group, missing))
    for grant in grants:
        grant.delete()  # the post_delete receiver ends the sessions
    forget_scopes(user)
    return len(grants)


def _missing_message(user, group: Group, missing: list[Scope | None]) -> str:
    parts = []
    for scope in missing:
        if scope is None:
            parts.append(
                _("%(user)s does not hold %(role)s.") % {"user": user, "role": roles.label(group)}
            )
            continue
        via = []
        if isinstance(scope, Jurisdiction):
            via = list(
                Grant.objects.filter(
                    user=user, role=group, membership_set__members=scope
                ).values_list("membership_set__code", flat=True)
            )
        message = _("%(user)s does not hold %(role)s for %(code)s.") % {
            "user": user,
            "role": roles.label(group),
            "code": scope.code,
        }
        if via:
            message += " " + _("It comes with %(sets)s: revoke that instead.") % {
                "sets": ", ".join(via)
            }
        parts.append(message)
    return " ".join(parts) + " " + _("Nothing changed.")


def user_end_sessions(*, user_id: int) -> None:
    """Sign the user out everywhere and delete their API tokens.

    Sessions carry a hash of the user's `session_epoch`; raising it makes every session
    opened before invalid at its next request, whatever the session backend.
    """
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(pk=user_id).update(session_epoch=F("session_epoch") + 1)
    Token.objects.filter(user_id=user_id).delete()

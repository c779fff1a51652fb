"""The jurisdictions a user holds each role for, read from their grants once per request.

Rules about what a role allows live in assessments.permissions; this module only answers
"for which jurisdictions does this user hold role R", expanding membership sets.
"""

from dataclasses import dataclass

from django.utils.functional import LazyObject, empty

from ctframework import roles

_CACHE = "_grant_scopes"


@dataclass(frozen=True)
class GrantScopes:
    """Role name → ids of the jurisdictions it is held for; `administrator` is global."""

    administrator: bool
    by_role: dict[str, frozenset[int]]

    def ids(self, *role_names: str) -> frozenset[int]:
        """The jurisdictions where the user holds any of `role_names`."""
        found = frozenset()
        for name in role_names:
            found |= self.by_role.get(name, frozenset())
        return found

    @property
    def any(self) -> frozenset[int]:
        """The jurisdictions where the user holds some role."""
        return self.ids(*self.by_role)

    def holds(self, role: str, jurisdiction_id: int | None) -> bool:
        return jurisdiction_id in self.by_role.get(role, frozenset())


NO_SCOPES = GrantScopes(administrator=False, by_role={})


def grant_scopes(user) -> GrantScopes:
    """The user's grants as scopes: one query, kept on the user object for the request.

    An inactive or anonymous user holds nothing.
    """
    if not user.is_authenticated or not user.is_active:
        return NO_SCOPES
    user = _unwrapped(user)
    cached = user.__dict__.get(_CACHE)
    if cached is not None:
        return cached
    from .models import Grant

    administrator = False
    by_role: dict[str, set[int]] = {}
    rows = Grant.objects.filter(user_id=user.pk).values_list(
        "role__name", "jurisdiction_id", "membership_set__members"
    )
    for role, jurisdiction_id, member_id in rows:
        if role == roles.ADMINISTRATOR:
            administrator = True
            continue
        ids = by_role.setdefault(role, set())
        for found in (jurisdiction_id, member_id):
            if found is not None:
                ids.add(found)
    scopes = GrantScopes(
        administrator=administrator,
        by_role={role: frozenset(ids) for role, ids in by_role.items()},
    )
    user.__dict__[_CACHE] = scopes
    return scopes


def forget_scopes(user) -> None:
    """Drop the cached scopes after the user's grants changed."""
    _unwrapped(user).__dict__.pop(_CACHE, None)


def _unwrapped(user):
    """The user itself, not request.user's lazy proxy: the cache lives on the one object
    that views, templates and the model's own methods all reach."""
    if isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        return user._wrapped
    return user

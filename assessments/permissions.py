"""Who may see and do what: the one place every view, the API and the admin ask."""

from ctframework import roles


def can_administer(user) -> bool:
    """Administrators manage the library, users and every jurisdiction."""
    return bool(user.is_authenticated and user.is_active and user.is_administrator)


def is_assessor(user) -> bool:
    return bool(user.is_authenticated and user.has_role(roles.ASSESSOR))

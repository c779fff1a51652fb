"""What grant_access and revoke_access share: the arguments and reading them."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from accounts.models import Grant
from ctframework import roles


def add_access_arguments(parser) -> None:
    parser.add_argument("username")
    parser.add_argument("role", help="One of: " + ", ".join(f"'{r}'" for r in roles.ALL_ROLES))
    parser.add_argument(
        "codes",
        nargs="*",
        metavar="CODE",
        help="Jurisdiction codes (ISO 3166 alpha-3, or an organisation's acronym) or "
        "membership-set codes (e.g. WEOG, EU-MEMBERS). None for Administrator.",
    )


def user_named(username: str):
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"no user named {username!r}; nothing changed") from None


def grants_summary(user) -> str:
    """The user's grants as "Role: CODE, CODE; Role: everywhere"."""
    held: dict[str, list[str]] = {}
    for grant in Grant.objects.filter(user=user).select_related(
        "role", "jurisdiction", "membership_set"
    ):
        held.setdefault(grant.role.name, []).append(grant.scope_label)
    return "; ".join(f"{role}: {', '.join(sorted(codes))}" for role, codes in sorted(held.items()))

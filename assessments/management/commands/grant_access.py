"""python manage.py grant_access USERNAME ROLE [JURISDICTION_CODE ...]"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assessments.services import access_grant
from ctframework import roles
from strategies.models import Jurisdiction


class Command(BaseCommand):
    help = (
        "Give a user a role (one of: "
        + ", ".join(f"'{r}'" for r in roles.ALL_ROLES)
        + ") and access to jurisdictions by code (ISO 3166 alpha-3 or an organisation's "
        "acronym), added to what they have."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role")
        parser.add_argument("jurisdictions", nargs="*", metavar="JURISDICTION_CODE")

    def handle(self, *args, username, role, jurisdictions, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user named {username!r}") from None
        codes = [code.upper() for code in jurisdictions]
        found = {j.code: j for j in Jurisdiction.objects.filter(code__in=codes)}
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise CommandError(
                f"unknown jurisdiction code(s): {', '.join(unknown)}; nothing changed"
            )
        try:
            access_grant(user=user, role=role, jurisdictions=list(found.values()))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages) + " Nothing changed.") from None
        scope = ", ".join(sorted(user.jurisdictions.values_list("code", flat=True))) or "none"
        self.stdout.write(f"{username}: {role}; jurisdictions now: {scope}")

"""python manage.py grant_access USERNAME ROLE [CODE ...]"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.services import grant_add, scopes_by_code

from ._access import add_access_arguments, grants_summary, user_named


class Command(BaseCommand):
    help = (
        "Grant a user a role for the jurisdictions or membership sets named by their codes "
        "(added to the grants they hold). Administrator is global and takes no code; every "
        "other role needs at least one. An unknown user, role or code changes nothing."
    )

    def add_arguments(self, parser):
        add_access_arguments(parser)

    def handle(self, *args, username, role, codes, **options):
        user = user_named(username)
        try:
            grant_add(user=user, role=role, scopes=scopes_by_code(codes))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages) + " Nothing changed.") from None
        self.stdout.write(f"{username}: {grants_summary(user) or 'no grants'}")

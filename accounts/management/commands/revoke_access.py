"""python manage.py revoke_access USERNAME ROLE [CODE ...]"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.services import grant_revoke, scopes_by_code

from ._access import add_access_arguments, grants_summary, user_named


class Command(BaseCommand):
    help = (
        "Revoke a user's role for the jurisdictions or membership sets named by their codes "
        "(none for Administrator), and sign the user out everywhere and delete their API "
        "tokens. Every named grant must exist, or nothing changes."
    )

    def add_arguments(self, parser):
        add_access_arguments(parser)

    def handle(self, *args, username, role, codes, **options):
        user = user_named(username)
        try:
            grant_revoke(user=user, role=role, scopes=scopes_by_code(codes))
        except ValidationError as exc:
            message = " ".join(exc.messages)
            if "Nothing changed" not in message:
                message += " Nothing changed."
            raise CommandError(message) from None
        self.stdout.write(
            f"{username}: {grants_summary(user) or 'no grants'}; signed out everywhere"
        )

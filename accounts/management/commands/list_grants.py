"""python manage.py list_grants [USERNAME ...] [--needs-review]"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from ._access import grants_summary


class Command(BaseCommand):
    help = (
        "List users with their grants (role: codes). --needs-review lists only the users "
        "flagged for review since their grants were derived from separate role and "
        "jurisdiction lists."
    )

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="*")
        parser.add_argument("--needs-review", action="store_true")

    def handle(self, *args, usernames, needs_review, **options):
        users = get_user_model().objects.order_by("username")
        if usernames:
            users = users.filter(username__in=usernames)
        if needs_review:
            users = users.filter(grants_need_review=True)
        for user in users:
            flag = "  [grants need review]" if user.grants_need_review else ""
            state = "" if user.is_active else "  [inactive]"
            self.stdout.write(
                f"{user.username}: {grants_summary(user) or 'no grants'}{flag}{state}"
            )

"""Create one demo account per role for the embedded default, and print the passwords."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ctframework import roles
from strategies.models import Jurisdiction

# username, role, jurisdictions granted
DEMO_ACCOUNTS = [
    ("admin", roles.ADMINISTRATOR, []),
    ("assessor", roles.ASSESSOR, ["MLT", "KEN"]),
    ("reviewer", roles.REVIEWER, ["MLT", "KEN"]),
    ("ministry-malta", roles.MINISTRY_READER, ["MLT"]),
    ("ministry-kenya", roles.MINISTRY_READER, ["KEN"]),
]


class Command(BaseCommand):
    help = (
        "Create (or reset) demo accounts for every role with fresh random passwords and print "
        "them. For local demonstration only: refuses to run when CTF_ENV=production."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        from django.conf import settings

        if settings.PRODUCTION:
            raise CommandError("Demo accounts are never created in production.")
        User = get_user_model()
        lines = []
        for username, role, codes in DEMO_ACCOUNTS:
            jurisdictions = list(Jurisdiction.objects.filter(code__in=codes))
            if len(jurisdictions) != len(codes):
                raise CommandError("Load the jurisdictions fixture first: make run does it.")
            user, _ = User.objects.get_or_create(username=username)
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.is_staff = role == roles.ADMINISTRATOR
            user.save()
            user.groups.set([Group.objects.get(name=role)])
            user.jurisdictions.set(jurisdictions)
            scope = ", ".join(codes) or "all"
            lines.append(f"  {username:<16} {password:<18} {role} ({scope})")
        self.stdout.write("Demo accounts (username, password, role, jurisdictions):")
        self.stdout.write("\n".join(lines))

"""Create one demo account per role for the embedded default, print the passwords, and give
the demo assessor an example assessment to work on."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Grant
from accounts.services import grant_add
from assessments.services import assessment_create
from ctframework import roles
from principles.models import Framework
from strategies.models import Jurisdiction, Strategy
from strategies.services import document_upload

EXAMPLE_TITLE = "Example national counter-terrorism strategy (fictional, for demonstration)"
EXAMPLE_DOCUMENT = (
    Path(settings.BASE_DIR) / "tests" / "strategies" / "evaluation" / "fictional_strategy.txt"
)

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
            user.save()
            Grant.objects.filter(user=user).delete()
            grant_add(user=user, role=role, scopes=jurisdictions)
            scope = ", ".join(codes) or "all"
            lines.append(f"  {username:<16} {password:<18} {role} ({scope})")
        self.stdout.write("Demo accounts (username, password, role, jurisdictions):")
        self.stdout.write("\n".join(lines))
        self._example_assessment(User)

    def _example_assessment(self, User):
        """A fictional Maltese strategy with a Valletta Principles assessment, once."""
        framework = Framework.objects.filter(slug="valletta-principles").first()
        if framework is None or Strategy.objects.filter(title=EXAMPLE_TITLE).exists():
            return
        strategy = Strategy.objects.create(
            jurisdiction=Jurisdiction.objects.get(code="MLT"),
            title=EXAMPLE_TITLE,
            kind=Strategy.Kind.NATIONAL_CT,
            language="en",
            year_adopted=2025,
        )
        assessor = User.objects.get(username="assessor")
        assessment_create(
            strategy=strategy,
            framework=framework,
            created_by=assessor,
            reviewer=User.objects.get(username="reviewer"),
        )
        self.stdout.write(f"Example assessment: {strategy.title} against {framework}.")
        # The fictional strategy written for the suggestion evaluation doubles as the
        # example's document, so the reader, suggestions and coverage map have text.
        if EXAMPLE_DOCUMENT.exists():
            document_upload(
                strategy=strategy,
                user=assessor,
                file=SimpleUploadedFile(EXAMPLE_DOCUMENT.name, EXAMPLE_DOCUMENT.read_bytes()),
            )
            self.stdout.write(f"Example document: {EXAMPLE_DOCUMENT.name}.")

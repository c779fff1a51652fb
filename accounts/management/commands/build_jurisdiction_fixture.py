"""python manage.py build_jurisdiction_fixture: memberships.yaml → fixtures/jurisdictions.json"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.fixture_builder import jurisdiction_fixture, jurisdiction_fixture_json


class Command(BaseCommand):
    help = "Rewrite the membership sets in fixtures/jurisdictions.json from their data file."

    def handle(self, *args, **options):
        path = Path(settings.FIXTURE_DIRS[0]) / "jurisdictions.json"
        objects = jurisdiction_fixture(json.loads(path.read_text(encoding="utf-8")))
        path.write_text(jurisdiction_fixture_json(objects), encoding="utf-8")
        self.stdout.write(f"fixtures/jurisdictions.json: {len(objects)} objects")

"""python manage.py build_library_fixtures: principles/library/*.yaml → fixtures/*.json, and
the app's translations of score scales and themes (locale/data) into them."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from principles.fixture_builder import build_fixtures, fixture_json, score_scale_fixture
from principles.library_files import LibraryFileError


class Command(BaseCommand):
    help = "Rebuild the principle-library fixtures from the files in principles/library/."

    def handle(self, *args, **options):
        try:
            fixtures = build_fixtures()
        except LibraryFileError as exc:
            raise CommandError(str(exc)) from None
        out_dir = Path(settings.FIXTURE_DIRS[0])
        for name, objects in fixtures.items():
            (out_dir / f"{name}.json").write_text(fixture_json(objects), encoding="utf-8")
            self.stdout.write(f"fixtures/{name}.json: {len(objects)} objects")
        scales = out_dir / "score-scales.json"
        objects = score_scale_fixture(json.loads(scales.read_text(encoding="utf-8")))
        scales.write_text(
            json.dumps(objects, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        self.stdout.write(f"fixtures/score-scales.json: the translations of {len(objects)} objects")

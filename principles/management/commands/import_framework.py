"""python manage.py import_framework FILE [--dry-run]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from principles.library_files import LibraryFileError
from principles.services import library_file_import


class Command(BaseCommand):
    help = (
        "Import a principle set or a crosswalk from a YAML or JSON file "
        "(format: docs/framework-format.md). Everything is checked first; an invalid file "
        "writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would change, write nothing."
        )

    def handle(self, *args, file: Path, dry_run: bool, **options):
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        try:
            report = library_file_import(content=content, dry_run=dry_run)
        except LibraryFileError as exc:
            for problem in exc.problems:
                self.stderr.write(f"{file}: {problem}")
            raise CommandError(
                f"{file}: {len(exc.problems)} problem(s); nothing was imported."
            ) from None
        self.stdout.write("\n".join(report.lines()))

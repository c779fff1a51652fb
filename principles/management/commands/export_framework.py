"""python manage.py export_framework SLUG [VERSION] [--crosswalk] [--format FORMAT]
[--output FILE]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from principles.exporting import EXPORT_FORMATS, framework_export
from principles.interop import oscal
from principles.models import Framework


class Command(BaseCommand):
    help = (
        "Write a framework version (the latest when VERSION is left out) in the import "
        "format, or as an OSCAL catalog (--format oscal: JSON, oscal-yaml: YAML); with "
        "--crosswalk, the cross-references from its principles instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("version", nargs="?")
        parser.add_argument("--crosswalk", action="store_true")
        parser.add_argument(
            "--format",
            choices=EXPORT_FORMATS,
            default="ctframework",
            help="ctframework (the import format, YAML; the default), oscal (OSCAL "
            f"{oscal.OSCAL_VERSION} JSON) or oscal-yaml (the same in YAML).",
        )
        parser.add_argument("--output", type=Path, help="Write to this file, not to stdout.")

    def handle(self, *args, slug, version, crosswalk, output, **options):
        versions = Framework.objects.filter(slug=slug)
        if version:
            versions = versions.filter(version=version)
        framework = versions.order_by("-adopted_on", "-version").first()
        if framework is None:
            known = ", ".join(
                f"{f.slug} {f.version}" for f in Framework.objects.order_by("slug", "version")
            )
            raise CommandError(
                f"no framework {slug} {version or ''}".rstrip() + f". Known: {known or 'none'}."
            )
        text = framework_export(framework, crosswalk=crosswalk, fmt=options["format"])
        if output:
            output.write_text(text, encoding="utf-8")
            self.stderr.write(f"wrote {output}")
        else:
            self.stdout.write(text, ending="")

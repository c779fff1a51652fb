"""python manage.py export_framework SLUG [VERSION] [--crosswalk] [--output FILE]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from principles.exporting import crosswalk_data, dump_yaml, framework_data
from principles.models import CrossReference, Framework


class Command(BaseCommand):
    help = (
        "Write a framework version (the latest when VERSION is left out) in the import "
        "format; with --crosswalk, the cross-references from its principles instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("version", nargs="?")
        parser.add_argument("--crosswalk", action="store_true")
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
        if crosswalk:
            data = crosswalk_data(CrossReference.objects.filter(source__framework=framework))
        else:
            data = framework_data(framework)
        text = dump_yaml(data)
        if output:
            output.write_text(text, encoding="utf-8")
            self.stderr.write(f"wrote {output}")
        else:
            self.stdout.write(text, ending="")

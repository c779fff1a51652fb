"""python manage.py update_catalogues: the message catalogues rewritten from the sources."""

from django.core.management.base import BaseCommand

from ctframework import catalogues


class Command(BaseCommand):
    help = (
        "Rewrite locale/*/LC_MESSAGES/*.po from the code, templates and scripts (new English "
        "strings added untranslated, gone ones dropped, translations kept)."
    )

    def handle(self, *args, **options):
        catalogues.update()
        self.stdout.write(f"Updated the catalogues of {', '.join(catalogues.LOCALES)}.")

"""The message catalogues of the interface: locale/<locale>/LC_MESSAGES/{django,djangojs}.po.

`python manage.py update_catalogues` (make catalogues) rewrites them from the code, templates
and scripts, keeping every translation whose English did not change; tests/i18n runs the same
extraction into a temporary directory to prove the committed catalogues are current.
"""

import contextlib
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings

LOCALES = ("ar", "zh_Hans", "fr", "ru", "es")  # English is the source language
DOMAINS = ("django", "djangojs")
# Top-level entries whose strings users never see, or that are built or installed.
NOT_SCANNED = frozenset(
    {".git", ".venv", "bench", "locale", "media", "staticfiles", "tests", "var", "build"}
)
# Copies of Django's admin templates (with a fix of ours): their strings are Django's own,
# translated by Django's catalogues.
DJANGO_TEMPLATE_COPIES = ["templates/admin/search_form.html"]


def update(locale_dir: Path | None = None) -> None:
    """Write the catalogues of LOCALES into locale_dir (default: the project's locale/).

    makemessages files each source under the nearest `locale` directory above it, so the
    sources are scanned through a directory of links beside which there is none: the output
    then always goes to locale_dir, whatever that is.
    """
    root = Path(settings.BASE_DIR)
    locale_dir = Path(locale_dir or root / "locale")
    with tempfile.TemporaryDirectory() as scratch:
        sources = Path(scratch) / "sources"
        sources.mkdir()
        for entry in root.iterdir():
            if entry.name not in NOT_SCANNED:
                (sources / entry.name).symlink_to(entry)
        with contextlib.chdir(sources), override_settings(LOCALE_PATHS=[locale_dir]):
            for domain in DOMAINS:
                call_command(
                    "makemessages",
                    locale=list(LOCALES),
                    domain=domain,
                    symlinks=True,
                    ignore_patterns=DJANGO_TEMPLATE_COPIES,
                    no_obsolete=True,
                    verbosity=0,
                )

"""The app's own translations of data (score scales and levels, the themes principles are
tagged with): one file per language, locale/data/<language>.yaml, written by translators
beside the message catalogues. `make fixtures` puts them into the fixtures.

The official texts of principle sets are never translated here: only a translation the
issuing body published may be loaded, with the set (docs/framework-format.md).
"""

from functools import cache
from pathlib import Path

import yaml
from django.conf import settings

DATA_DIR = Path(settings.BASE_DIR) / "locale" / "data"
LANGUAGES = ("ar", "zh-hans", "fr", "ru", "es")  # English is the original


def path_of(language: str) -> Path:
    return DATA_DIR / f"{language}.yaml"


@cache
def load(language: str) -> dict:
    path = path_of(language)
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}


def tag_translations(slug: str) -> dict:
    """{"fr": {"name": …}, …} for a theme."""
    return _collect(lambda data: {"name": (data.get("tags") or {}).get(slug)})


def scale_translations(slug: str) -> dict:
    return _collect(lambda data: (data.get("score_scales") or {}).get(slug) or {})


def level_translations(scale: str, code: str) -> dict:
    return _collect(
        lambda data: ((data.get("score_levels") or {}).get(scale) or {}).get(str(code)) or {}
    )


def _collect(pick) -> dict:
    found = {}
    for language in LANGUAGES:
        values = {key: value for key, value in pick(load(language)).items() if value}
        if values:
            found[language] = values
    return found

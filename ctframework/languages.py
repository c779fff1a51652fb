"""The six official languages of the United Nations, and texts kept in several of them.

Data that is not in a message catalogue (principle texts, score levels, jurisdiction names)
keeps its translations in a `translations` JSON field beside the original: {"fr": {"title":
"…", "text": "…"}}. One JSON field rather than a column per language (django-modeltranslation)
or a table of translations (django-parler), because each record has its own original language
(a principle set adopted in French), a set's translations carry whether they are official,
and nothing about a language needs a migration. `localized()` picks what to show.
"""

from dataclasses import dataclass

from babel.numbers import format_decimal, format_percent
from django.conf import settings
from django.utils.translation import get_language, get_language_info

CODES = tuple(code for code, _name in settings.LANGUAGES)  # ar, zh-hans, en, fr, ru, es
RIGHT_TO_LEFT = frozenset({"ar"})


def normalize(code: str | None) -> str:
    """A language code as the app writes it ("zh-Hans", "zh_hans" → "zh-hans")."""
    return (code or "").replace("_", "-").lower()


def active() -> str:
    """The language of the current request (one of CODES)."""
    code = normalize(get_language() or settings.LANGUAGE_CODE)
    return code if code in CODES else settings.LANGUAGE_CODE


def name_of(code: str) -> str:
    """The language's own name ("Français", "العربية")."""
    return get_language_info(code)["name_local"]


@dataclass(frozen=True)
class Localized:
    """A text and what it is: its language, and whether it is the original or an official
    translation (else an unofficial one)."""

    text: str
    language: str
    original: bool
    official: bool = False

    def __str__(self):
        return self.text

    @property
    def direction(self) -> str:
        return "rtl" if self.language in RIGHT_TO_LEFT else "ltr"

    @property
    def language_name(self) -> str:
        return name_of(self.language)


def localized(
    obj,
    field: str,
    *,
    original_language: str = "en",
    official: frozenset[str] = frozenset(),
    language: str | None = None,
) -> Localized:
    """`obj.<field>` in `language` (the request's by default) when a translation exists,
    else the original; `official` names the languages whose translations are official."""
    wanted = normalize(language) or active()
    original = getattr(obj, field)
    if wanted != original_language:
        translated = (obj.translations or {}).get(wanted, {}).get(field)
        if translated:
            return Localized(translated, wanted, original=False, official=wanted in official)
    return Localized(original, original_language, original=True)


def babel_locale(code: str | None = None) -> str:
    """The CLDR locale Babel formats numbers and dates with for a language."""
    code = normalize(code) or active()
    return {"zh-hans": "zh_Hans"}.get(code, code)


def percent(value, digits: int = 1) -> str:
    """60.7 → "60.7%" in English, "60,7 %" in French, "٪60.7" … in the active language."""
    if value is None or value == "":
        return ""
    pattern = "#,##0" + ("." + "0" * int(digits) if int(digits) else "") + "%"
    return format_percent(float(value) / 100, format=pattern, locale=babel_locale())


def number(value) -> str:
    """A number written as the active language writes it (grouping and decimal marks)."""
    if value is None or value == "":
        return ""
    return format_decimal(value, locale=babel_locale())

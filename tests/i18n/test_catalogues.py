"""The interface's translations: every catalogue complete, current, faithful to the English
in its placeholders and markup, and in the UN's terminology (locale/glossary.yaml)."""

import re
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from django.conf import settings

from ctframework import catalogues

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
GLOSSARY = LOCALE_DIR / "glossary.yaml"
# gettext's plural forms (CLDR's categories for whole numbers).
PLURAL_FORMS = {"ar": 6, "zh_Hans": 1, "fr": 2, "ru": 3, "es": 2}
CATALOGUES = [(locale, domain) for locale in catalogues.LOCALES for domain in catalogues.DOMAINS]

PRINTF = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")
BRACES = re.compile(r"\{[A-Za-z_][\w.]*\}")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b")


def read(locale: str, domain: str, locale_dir: Path = LOCALE_DIR):
    with open(locale_dir / locale / "LC_MESSAGES" / f"{domain}.po", "rb") as po:
        return read_po(po, locale=locale)


def entries(catalog):
    return [message for message in catalog if message.id]


def strings(value) -> tuple:
    return tuple(value) if isinstance(value, tuple | list) else (value,)


def test_every_language_but_english_has_both_catalogues():
    languages = {code for code, _name in settings.LANGUAGES} - {"en"}
    assert {locale.lower().replace("_", "-") for locale in catalogues.LOCALES} == languages
    for locale, domain in CATALOGUES:
        assert (LOCALE_DIR / locale / "LC_MESSAGES" / f"{domain}.po").is_file()


@pytest.mark.parametrize(("locale", "domain"), CATALOGUES)
def test_catalogue_is_complete(locale, domain):
    catalog = read(locale, domain)
    assert catalog.num_plurals == PLURAL_FORMS[locale], catalog.plural_forms
    untranslated = [m.id for m in entries(catalog) if not all(strings(m.string))]
    fuzzy = [m.id for m in entries(catalog) if m.fuzzy]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} marked fuzzy (to check), e.g. {fuzzy[:5]}"
    for message in entries(catalog):
        if message.pluralizable:
            assert len(message.string) == PLURAL_FORMS[locale], message.id


@pytest.mark.parametrize(("locale", "domain"), CATALOGUES)
def test_translations_keep_placeholders_and_markup(locale, domain):
    """A lost %(name)s or <a> breaks the page or drops a value; an extra one raises."""
    problems = []
    for message in entries(read(locale, domain)):
        english = strings(message.id)
        for pattern in (PRINTF, BRACES, TAG):
            # Plural forms may drop the count (Arabic's "one" form says "one item" in words).
            wanted = {frozenset(pattern.findall(text)) for text in english}
            every = frozenset().union(*wanted)
            for text in filter(None, strings(message.string)):
                found = frozenset(pattern.findall(text))
                if found not in wanted and not (message.pluralizable and found <= every):
                    problems.append((english[0], text))
    assert not problems, "\n".join(f"{en!r} → {tr!r}" for en, tr in problems[:20])


@pytest.mark.parametrize("locale", catalogues.LOCALES)
def test_catalogues_are_current(tmp_path, locale):
    """Every English string of the code is in the catalogue and nothing gone is left over:
    `make catalogues` was run after the last change to a translatable string."""
    catalogues.update(tmp_path)
    for domain in catalogues.DOMAINS:
        fresh = {(m.context, strings(m.id)) for m in entries(read(locale, domain, tmp_path))}
        committed = {(m.context, strings(m.id)) for m in entries(read(locale, domain))}
        assert fresh - committed == set(), f"{domain}: new strings, run make catalogues"
        assert committed - fresh == set(), f"{domain}: strings no longer used"


def glossary_terms():
    return [term for term in yaml.safe_load(GLOSSARY.read_text())["terms"] if term.get("check")]


def folded(text: str) -> str:
    """Compared without case, ’ as ', and without placeholders (%(crosswalk)s names a value)."""
    text = BRACES.sub("", PRINTF.sub("", text))
    return text.replace("’", "'").casefold()


@pytest.mark.parametrize("locale", catalogues.LOCALES)
def test_catalogues_use_the_glossary(locale):
    """Where the English says a glossary term, the translation says the UN's rendering."""
    language = locale.lower().replace("_", "-")
    messages = [m for domain in catalogues.DOMAINS for m in entries(read(locale, domain))]
    misses = []
    for term in glossary_terms():
        renderings = [term[language], *term.get("forms", {}).get(language, [])]
        for message in messages:
            if folded(term["en"]) not in folded(" ".join(strings(message.id))):
                continue
            for text in strings(message.string):
                if text and not any(folded(form) in folded(text) for form in renderings):
                    misses.append(f"{term['en']} → {term[language]}: {message.id!r} → {text!r}")
    assert not misses, f"{len(misses)} misses:\n" + "\n".join(misses[:25])


def test_glossary_has_every_language_for_each_term():
    for term in yaml.safe_load(GLOSSARY.read_text())["terms"]:
        for language in ("ar", "zh-hans", "fr", "ru", "es"):
            assert term.get(language), (term["en"], language)

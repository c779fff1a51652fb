"""What `make fixtures` adds to the hand-kept jurisdictions of fixtures/jurisdictions.json:

- each jurisdiction's UN languages (strategies/data/jurisdiction_languages.yaml);
- the names of States in the other five UN languages, the UN's short names compiled in
  strategies/data/un_country_names.yaml (the Unicode CLDR's, through Babel, for any missing:
  docs/memberships.md says which), and of regional organisations, from
  strategies/data/organisation_names.yaml;
- the membership sets (accounts/data/memberships.yaml), written after the jurisdictions so
  that the fixture loads on its own, and loading it twice changes nothing.
"""

import datetime
import json
from pathlib import Path

import yaml

MEMBERSHIPS = Path(__file__).parent / "data" / "memberships.yaml"
STRATEGIES_DATA = Path(__file__).parent.parent / "strategies" / "data"
LANGUAGES = STRATEGIES_DATA / "jurisdiction_languages.yaml"
ORGANISATION_NAMES = STRATEGIES_DATA / "organisation_names.yaml"
UN_COUNTRY_NAMES = STRATEGIES_DATA / "un_country_names.yaml"
SET_MODEL = "accounts.membershipset"
# CLDR's locales for the five UN languages besides English.
CLDR_LOCALES = {"ar": "ar", "zh-hans": "zh_Hans", "fr": "fr", "ru": "ru", "es": "es"}


# "<organisation>: member States" in each language, for the organisations' sets.
MEMBER_STATES = {
    "ar": "الدول الأعضاء",
    "zh-hans": "成员国",
    "fr": "États membres",
    "ru": "государства-члены",
    "es": "Estados miembros",
}


def membership_set_objects(path: Path = MEMBERSHIPS) -> list[dict]:
    """The fixture objects of every membership set in the data file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    organisations = yaml.safe_load(ORGANISATION_NAMES.read_text(encoding="utf-8")) or {}
    objects = []
    for entry in data["sets"]:
        names = entry.get("names") or {
            language: f"{name}: {MEMBER_STATES[language]}"
            for language, name in organisations.get(entry.get("organisation"), {}).items()
        }
        as_of = entry.get("as_of")
        if isinstance(as_of, datetime.date):
            as_of = as_of.isoformat()
        objects.append(
            {
                "model": SET_MODEL,
                "fields": {
                    "code": entry["code"],
                    "name": entry["name"],
                    "kind": entry["kind"],
                    "organisation": [entry["organisation"]] if entry.get("organisation") else None,
                    "source": entry["source"],
                    "source_url": entry.get("source_url", ""),
                    "as_of": as_of,
                    "notes": " ".join((entry.get("notes") or "").split()),
                    "members": [[code] for code in sorted(entry["members"])],
                    "translations": {language: {"name": name} for language, name in names.items()},
                },
            }
        )
    return objects


def jurisdiction_fixture(current: list[dict]) -> list[dict]:
    """The jurisdictions of `current` (the committed fixture) with their languages and
    names, then the membership sets."""
    languages = yaml.safe_load(LANGUAGES.read_text(encoding="utf-8"))
    organisations = yaml.safe_load(ORGANISATION_NAMES.read_text(encoding="utf-8")) or {}
    un_names = yaml.safe_load(UN_COUNTRY_NAMES.read_text(encoding="utf-8")) or {}
    jurisdictions = []
    for obj in current:
        if obj["model"] == SET_MODEL:
            continue
        fields = obj["fields"]
        fields["languages"] = languages[fields["code"]]
        code = fields["code"]
        names = {**state_names(code), **un_names.get(code, {}), **organisations.get(code, {})}
        fields["translations"] = {language: {"name": name} for language, name in names.items()}
        jurisdictions.append(obj)
    return jurisdictions + membership_set_objects()


def state_names(code: str) -> dict[str, str]:
    """A State's name in each CLDR locale of the UN languages, by its ISO 3166 alpha-3 code:
    the fallback where the UN's name is missing."""
    import pycountry
    from babel import Locale

    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return {}
    return {
        language: Locale.parse(locale).territories[country.alpha_2]
        for language, locale in CLDR_LOCALES.items()
        if country.alpha_2 in Locale.parse(locale).territories
    }


def jurisdiction_fixture_json(objects: list[dict]) -> str:
    return json.dumps(objects, indent=2, ensure_ascii=False) + "\n"

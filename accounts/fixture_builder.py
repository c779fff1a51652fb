"""The membership sets in fixtures/jurisdictions.json, built from accounts/data/memberships.yaml.

The jurisdictions themselves are kept by hand in the fixture; the sets that group them are
written after them, so the fixture loads on its own and twice changes nothing.
"""

import datetime
import json
from pathlib import Path

import yaml

MEMBERSHIPS = Path(__file__).parent / "data" / "memberships.yaml"
SET_MODEL = "accounts.membershipset"


def membership_set_objects(path: Path = MEMBERSHIPS) -> list[dict]:
    """The fixture objects of every membership set in the data file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    objects = []
    for entry in data["sets"]:
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
                },
            }
        )
    return objects


def jurisdiction_fixture(current: list[dict]) -> list[dict]:
    """The jurisdictions of `current` (the committed fixture), then the membership sets."""
    jurisdictions = [obj for obj in current if obj["model"] != SET_MODEL]
    return jurisdictions + membership_set_objects()


def jurisdiction_fixture_json(objects: list[dict]) -> str:
    return json.dumps(objects, indent=2, ensure_ascii=False) + "\n"

"""Build Django fixtures (natural keys, no primary keys) from the library files.

`make fixtures` writes one fixture per framework file and one for the crosswalk. Django's
loaddata cannot defer a required foreign key to a later fixture, so the crosswalk fixture
also carries the frameworks it links: it loads on its own, in any order, and loading any
fixture twice changes nothing.
"""

import json
from pathlib import Path

from ctframework.data_translations import (
    level_translations,
    scale_translations,
    tag_translations,
)

from .library_files import FRAMEWORK_FORMAT, principle_key, read_library_file

LIBRARY_DIR = Path(__file__).parent / "library"


def framework_objects(data: dict) -> list[dict]:
    """The fixture objects of one framework file, in an order loaddata can follow."""
    meta = data["framework"]
    key = [meta["slug"], meta["version"]]
    objects = [
        {
            "model": "principles.tag",
            "fields": {
                "slug": t["slug"],
                "name": t["name"],
                # The set's own translations of a theme, else the app's (locale/data).
                "translations": t.get("translations") or tag_translations(t["slug"]),
            },
        }
        for t in data.get("tags", [])
    ]
    objects.append(
        {
            "model": "principles.framework",
            "fields": {
                "slug": meta["slug"],
                "version": meta["version"],
                "title": meta["title"],
                "short_title": meta["short_title"],
                "issuing_body": meta["issuing_body"],
                "kind": meta["kind"],
                "adopted_on": meta.get("adopted_on"),
                "source_document": meta["source_document"],
                "source_url": meta.get("source_url", ""),
                "item_label": meta["item_label"],
                "description": meta.get("description", ""),
                "assessable": meta["assessable"],
                "language": meta["language"],
                "notes": meta.get("notes", ""),
                "translations": meta.get("translations", {}),
            },
        }
    )
    for order, section in enumerate(data["sections"]):
        parent = section.get("parent")
        objects.append(
            {
                "model": "principles.section",
                "fields": {
                    "framework": key,
                    "parent": [*key, parent] if parent else None,
                    "code": section["code"],
                    "title": section["title"],
                    "order": order,
                    "assessable": section.get("assessable", True),
                    "translations": section.get("translations", {}),
                },
            }
        )
    for order, item in enumerate(data["principles"]):
        objects.append(
            {
                "model": "principles.principle",
                "fields": {
                    "framework": key,
                    "section": [*key, item["section"]],
                    "code": item["code"],
                    "number": item["number"],
                    "title": item["title"],
                    "text": item["text"],
                    "order": order,
                    "parent": [*key, item["parent"]] if item.get("parent") else None,
                    "withdrawn": item.get("withdrawn", False),
                    "assessable": item.get("assessable", not item.get("withdrawn", False)),
                    "notes": item.get("notes", ""),
                    "translations": item.get("translations", {}),
                    "tags": [[slug] for slug in sorted(item.get("tags", []))],
                },
            }
        )
    return objects


def crosswalk_objects(data: dict) -> list[dict]:
    return [
        {
            "model": "principles.crossreference",
            "fields": {
                "source": list(principle_key(m["source"])),
                "target": list(principle_key(m["target"])),
                "relationship": m["relationship"],
                "strength": m["strength"],
                "rationale": m["rationale"],
                "review_verdict": m.get("review", {}).get("verdict", ""),
                "review_note": m.get("review", {}).get("note", ""),
                "reviewed_on": m.get("review", {}).get("reviewed_on"),
            },
        }
        for m in data["mappings"]
    ]


def build_fixtures(library_dir: Path = LIBRARY_DIR) -> dict[str, list[dict]]:
    """Map each fixture name to its objects, built from every file in `library_dir`."""
    frameworks, crosswalks = {}, {}
    for path in sorted(library_dir.glob("*.yaml")):
        data = read_library_file(path.read_bytes())
        if data["format"] == FRAMEWORK_FORMAT:
            meta = data["framework"]
            frameworks[(meta["slug"], meta["version"])] = (path.stem, framework_objects(data))
        else:
            crosswalks[path.stem] = data
    fixtures = dict(frameworks.values())
    for name, data in crosswalks.items():
        linked = sorted(
            {principle_key(m[end])[:2] for m in data["mappings"] for end in ("source", "target")}
        )
        missing = [
            f"{slug} {version}" for slug, version in linked if (slug, version) not in frameworks
        ]
        if missing:
            raise ValueError(f"{name}: links frameworks with no library file: {missing}")
        fixtures[name] = [
            obj for slug_version in linked for obj in frameworks[slug_version][1]
        ] + crosswalk_objects(data)
    return fixtures


def fixture_json(objects: list[dict]) -> str:
    return json.dumps(objects, indent=1, ensure_ascii=False) + "\n"


def score_scale_fixture(current: list[dict]) -> list[dict]:
    """The committed score scales with the app's translations of their names and levels."""
    for obj in current:
        fields = obj["fields"]
        if obj["model"] == "assessments.scorescale":
            fields["translations"] = scale_translations(fields["slug"])
        elif obj["model"] == "assessments.scorelevel":
            fields["translations"] = level_translations(fields["scale"][0], fields["code"])
    return current

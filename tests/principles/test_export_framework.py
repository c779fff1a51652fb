"""export_framework writes the import format; export → import → export is identical."""

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from principles.fixture_builder import LIBRARY_DIR
from principles.models import CrossReference, Framework, Principle, Section

pytestmark = [pytest.mark.core, pytest.mark.django_db]


def export(*args) -> str:
    out = StringIO()
    call_command("export_framework", *args, stdout=out)
    return out.getvalue()


def import_text(tmp_path: Path, text: str) -> None:
    path = tmp_path / "export.yaml"
    path.write_text(text, encoding="utf-8")
    call_command("import_framework", str(path), stdout=StringIO())


def canonical(data: dict) -> dict:
    """A framework file as the exporter writes it: optional keys filled, tags in slug order."""
    meta = {"source_url": "", "description": "", "adopted_on": None, **data["framework"]}
    principles = [
        {**p, "tags": sorted(p["tags"])} if p.get("tags") else p for p in data["principles"]
    ]
    tags = sorted(data.get("tags", []), key=lambda t: t["slug"])
    return {**data, "framework": meta, "tags": tags, "principles": principles}


FRAMEWORK_FILES = [p for p in sorted(LIBRARY_DIR.glob("*.yaml")) if "crosswalk" not in p.name]


def empty_library():
    CrossReference.objects.all().delete()
    Principle.objects.all().delete()
    Section.objects.all().delete()
    Framework.objects.all().delete()


@pytest.mark.parametrize("path", FRAMEWORK_FILES, ids=lambda p: p.stem)
def test_framework_files_round_trip(tmp_path, path):
    """Import a library file, export it: the same data; re-import and export: the same text."""
    call_command("import_framework", str(path), stdout=StringIO())
    source = yaml.safe_load(path.read_text())
    meta = source["framework"]
    first = export(meta["slug"], meta["version"])
    expected = canonical(source)
    expected["framework"]["adopted_on"] = (
        str(meta["adopted_on"]) if meta.get("adopted_on") else None
    )
    assert yaml.safe_load(first) == expected
    empty_library()
    import_text(tmp_path, first)
    assert export(meta["slug"], meta["version"]) == first


def test_crosswalk_round_trips(tmp_path):
    for path in FRAMEWORK_FILES:
        call_command("import_framework", str(path), stdout=StringIO())
    crosswalk_file = LIBRARY_DIR / "valletta-2025-crosswalk.yaml"
    call_command("import_framework", str(crosswalk_file), stdout=StringIO())
    first = export("valletta-principles", "2025", "--crosswalk")
    source = yaml.safe_load(crosswalk_file.read_text())["mappings"]
    exported = yaml.safe_load(first)["mappings"]
    key = lambda m: (m["source"]["code"], m["target"]["framework"], m["target"]["code"])  # noqa: E731
    assert sorted(exported, key=key) == sorted(source, key=key)
    CrossReference.objects.all().delete()
    import_text(tmp_path, first)
    assert export("valletta-principles", "2025", "--crosswalk") == first


def test_latest_version_when_none_is_given(tmp_path):
    call_command(
        "import_framework", str(LIBRARY_DIR / "ctc-policy-guidance-pg3.yaml"), stdout=StringIO()
    )
    text = export("ctc-policy-guidance-pg3")
    assert yaml.safe_load(text)["framework"]["version"] == "2010"


def test_export_to_a_file(tmp_path):
    call_command(
        "import_framework", str(LIBRARY_DIR / "ctc-policy-guidance-pg3.yaml"), stdout=StringIO()
    )
    target = tmp_path / "pg3.yaml"
    call_command("export_framework", "ctc-policy-guidance-pg3", "--output", str(target))
    assert yaml.safe_load(target.read_text())["principles"][0]["code"] == "PG3-a"


def test_unknown_framework_is_a_clear_error():
    with pytest.raises(CommandError, match="no framework nothing-here"):
        export("nothing-here")

"""import_framework: every bad file is refused with its location, and nothing is written."""

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from principles.models import CrossReference, Framework, Principle, Section, Tag
from tests.factories import AssessmentFactory

pytestmark = [pytest.mark.core, pytest.mark.django_db]

GOOD = {
    "format": "ctframework.framework/1",
    "framework": {
        "slug": "national-checklist",
        "version": "2026",
        "title": "National action-plan checklist",
        "short_title": "Checklist",
        "issuing_body": "Ministry of the Interior",
        "kind": "recommendations",
        "adopted_on": "2026-01-15",
        "source_document": "Internal document 12",
        "item_label": "Item",
        "description": "A national checklist.",
        "assessable": True,
    },
    "tags": [{"slug": "victims", "name": "Victims of terrorism"}],
    "sections": [
        {"code": "general", "title": "General"},
        {"code": "general-victims", "title": "Victims", "parent": "general"},
    ],
    "principles": [
        {
            "code": "NC-1",
            "number": "1",
            "section": "general",
            "title": "Plan",
            "text": "There is a plan.\n\nIt has two paragraphs.",
        },
        {
            "code": "NC-2",
            "number": "2",
            "section": "general-victims",
            "title": "Victims",
            "text": "Victims are supported.",
            "tags": ["victims"],
        },
    ],
}


def write(tmp_path: Path, data, name="file.yaml") -> Path:
    path = tmp_path / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path


def snapshot():
    return [
        list(model.objects.order_by("pk").values())
        for model in (Framework, Section, Principle, Tag, CrossReference)
    ]


def import_file(path, *args):
    out, err = StringIO(), StringIO()
    call_command("import_framework", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(path) -> str:
    """Import `path`, assert it fails and changes nothing, and return what it printed."""
    before = snapshot()
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_framework", str(path), stdout=StringIO(), stderr=err)
    assert snapshot() == before
    return err.getvalue()


def modified(**changes):
    """A deep copy of GOOD with dotted-path changes applied (None deletes the key)."""
    data = yaml.safe_load(yaml.safe_dump(GOOD, sort_keys=False))
    for dotted, value in changes.items():
        *parents, last = [int(p) if p.isdigit() else p for p in dotted.split("__")]
        target = data
        for part in parents:
            target = target[part]
        if value is None:
            del target[last]
        else:
            target[last] = value
    return data


def test_a_good_file_imports(tmp_path):
    out, _ = import_file(write(tmp_path, GOOD))
    framework = Framework.objects.get(slug="national-checklist", version="2026")
    assert str(framework.adopted_on) == "2026-01-15"
    assert [p.code for p in framework.principles.order_by("order")] == ["NC-1", "NC-2"]
    nc2 = framework.principles.get(code="NC-2")
    assert nc2.section.parent.code == "general"
    assert [t.slug for t in nc2.tags.all()] == ["victims"]
    assert "Created: 6;" in out


def test_importing_twice_changes_nothing(tmp_path):
    path = write(tmp_path, GOOD)
    import_file(path)
    before = snapshot()
    out, _ = import_file(path)
    assert snapshot() == before
    assert "Created: 0; changed: 0; deleted: 0;" in out


def test_json_files_are_accepted(tmp_path):
    import json

    import_file(write(tmp_path, json.dumps(GOOD).encode(), "file.json"))
    assert Principle.objects.filter(framework__slug="national-checklist").count() == 2


def test_dry_run_writes_nothing_and_says_what_would_happen(tmp_path):
    out, _ = import_file(write(tmp_path, GOOD), "--dry-run")
    assert not Framework.objects.exists()
    assert "created: principle NC-2" in out
    assert "Would be created: 6;" in out


def test_a_changed_text_is_reported_and_updated(tmp_path):
    import_file(write(tmp_path, GOOD))
    out, _ = import_file(write(tmp_path, modified(principles__0__text="A new text.")))
    assert "changed: principle NC-1 (text)" in out
    assert Principle.objects.get(code="NC-1").text == "A new text."


def test_a_removed_principle_is_deleted(tmp_path):
    import_file(write(tmp_path, GOOD))
    data = modified()
    data["principles"].pop()
    out, _ = import_file(write(tmp_path, data))
    assert "deleted: principle NC-2" in out
    assert not Principle.objects.filter(code="NC-2").exists()


@pytest.mark.parametrize(
    "changes, expected",
    [
        (
            {"principles__1__code": "NC-1"},
            "principles[1].code (line 32): code 'NC-1' is used twice",
        ),
        ({"principles__0__text": None}, "principles[0] (line 24): 'text' is a required property"),
        ({"principles__0__text": "   "}, "principles[0].text (line 28): must not be empty"),
        ({"principles__0__section": "nowhere"}, "principles[0].section (line 26): unknown section"),
        ({"sections__1__parent": "later"}, "sections[1].parent (line 22): unknown section 'later'"),
        (
            {"principles__1__tags": ["youth"]},
            "principles[1].tags[0] (line 38): unknown tag 'youth'",
        ),
        ({"framework__version": 2026}, "framework.version (line 4): 2026 is not of type 'string'"),
        ({"framework__assessable": "yes"}, "framework.assessable (line 13): 'yes' is not of type"),
        ({"framework__kind": "law"}, "framework.kind (line 8): 'law' is not one of"),
        ({"framework__colour": "red"}, "framework (line 3): unknown key: 'colour' was unexpected"),
        ({"framework__adopted_on": "15 January"}, "framework.adopted_on (line 9): '15 January' is"),
        (
            {"principles__0__title": "x" * 501},
            "principles[0].title (line 27): is too long: 501 characters, at most 500",
        ),
        ({"format": "other/9"}, "format (line 1): must be 'ctframework.framework/2'"),
    ],
)
def test_bad_files_are_refused_with_their_location(tmp_path, changes, expected):
    err = refused(write(tmp_path, modified(**changes)))
    assert expected in err


def test_every_problem_is_reported_at_once(tmp_path):
    data = modified(principles__0__title="", principles__1__text="", framework__kind="law")
    err = refused(write(tmp_path, data))
    assert err.count("\n") >= 3


def test_non_utf8_is_refused(tmp_path):
    content = yaml.safe_dump(GOOD).replace("Plan", "Plän").encode("latin-1")
    assert "The file is not UTF-8" in refused(write(tmp_path, content))


def test_invalid_yaml_is_refused_with_a_line(tmp_path):
    err = refused(write(tmp_path, b"format: ctframework.framework/1\nframework: [unclosed\n"))
    assert "Not valid YAML" in err
    assert "(line 3)" in err


def test_oversize_file_is_refused(tmp_path):
    content = b"# " + b"x" * (20 * 1024 * 1024) + b"\n"
    assert "the limit is 20,971,520" in refused(write(tmp_path, content))


def test_yaml_tags_cannot_build_python_objects(tmp_path):
    err = refused(write(tmp_path, b"format: !!python/object/apply:os.system ['true']\n"))
    assert "Not valid YAML" in err


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_framework", str(tmp_path / "absent.yaml"))


def test_a_framework_with_assessments_is_never_changed_in_place(tmp_path):
    import_file(write(tmp_path, GOOD))
    AssessmentFactory(framework=Framework.objects.get(slug="national-checklist"))
    err = refused(write(tmp_path, modified(principles__0__text="Changed.")))
    assert "already has 1 assessment and is never changed in place" in err
    assert "change framework.version" in err
    # The same file unchanged is fine, and a new version imports beside the old one.
    import_file(write(tmp_path, GOOD))
    import_file(write(tmp_path, modified(framework__version="2026.1")))
    assert Framework.objects.filter(slug="national-checklist").count() == 2


def crosswalk(*mappings):
    return {"format": "ctframework.crosswalk/1", "mappings": list(mappings)}


def mapping(source="NC-1", target="OT-1", **extra):
    return {
        "source": {"framework": "national-checklist", "version": "2026", "code": source},
        "target": {"framework": "other", "version": "1", "code": target},
        "relationship": "intersects-with",
        "strength": 6,
        "rationale": "Both concern plans.",
        **extra,
    }


@pytest.fixture
def two_frameworks(tmp_path):
    import_file(write(tmp_path, GOOD, "a.yaml"))
    other = modified(framework__slug="other", framework__version="1")
    other["principles"] = [dict(GOOD["principles"][0], code="OT-1")]
    import_file(write(tmp_path, other, "b.yaml"))


def test_crosswalk_imports_and_reimports(tmp_path, two_frameworks):
    path = write(tmp_path, crosswalk(mapping()))
    import_file(path)
    ref = CrossReference.objects.get()
    assert (ref.source.code, ref.target.code, ref.strength) == ("NC-1", "OT-1", 6)
    out, _ = import_file(write(tmp_path, crosswalk(mapping(strength=8))))
    assert "changed: NC-1 intersects-with OT-1 (strength)" in out
    assert CrossReference.objects.get().strength == 8


@pytest.mark.parametrize(
    "mappings, expected",
    [
        ([mapping(target="OT-9")], "mappings[0].target: no principle OT-9 in framework other"),
        (
            [mapping(), mapping()],
            "mappings[1] (line 14): the same source and target as mappings[0]",
        ),
        ([mapping(strength=11)], "mappings[0].strength (line 12): 11 is greater than the maximum"),
        ([mapping(relationship="like")], "mappings[0].relationship (line 11): 'like' is not one"),
    ],
)
def test_bad_crosswalks_are_refused(tmp_path, two_frameworks, mappings, expected):
    assert expected in refused(write(tmp_path, crosswalk(*mappings)))


def test_a_principle_cannot_map_to_itself(tmp_path, two_frameworks):
    data = crosswalk(mapping())
    data["mappings"][0]["target"] = dict(data["mappings"][0]["source"])  # no YAML alias
    assert "a principle cannot map to itself" in refused(write(tmp_path, data))

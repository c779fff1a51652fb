"""Version 2 of the file format: the set's language and notes, items and sections that are
not assessable, and crosswalk review records (with the links a review removed). Version 1
files still import (the rest of the import tests use them)."""

import copy
from io import StringIO

import pytest
import yaml
from django.core.management import call_command

from principles.models import CrossReference, Framework, Principle, Section
from tests.principles.test_import_framework import GOOD, import_file, mapping, refused, write

pytestmark = [pytest.mark.core, pytest.mark.django_db]


def v2(data=GOOD, **framework):
    data = copy.deepcopy(data)
    data["format"] = "ctframework.framework/2"
    data["framework"].update({"language": "fr", "notes": "Adopted in Paris.", **framework})
    data["sections"][1]["assessable"] = False
    data["principles"][0]["notes"] = "Footnote 1: see the annex."
    return data


def test_a_version_2_framework_keeps_language_notes_and_assessable_marks(tmp_path):
    import_file(write(tmp_path, v2()))
    framework = Framework.objects.get(slug="national-checklist")
    assert (framework.language, framework.notes) == ("fr", "Adopted in Paris.")
    assert not Section.objects.get(code="general-victims").assessable
    first, second = Principle.objects.order_by("order")
    assert first.notes == "Footnote 1: see the annex." and first.is_assessable
    assert second.assessable and not second.is_assessable  # its section is not assessable


def test_version_1_reads_as_english_and_everything_assessable(tmp_path):
    import_file(write(tmp_path, GOOD))
    framework = Framework.objects.get()
    assert framework.language == "en" and framework.notes == ""
    assert all(p.is_assessable for p in framework.principles.select_related("section"))


def test_version_2_needs_the_language_and_version_1_refuses_version_2_keys(tmp_path):
    data = v2()
    del data["framework"]["language"]
    assert "framework (line 3): 'language' is a required property" in refused(write(tmp_path, data))
    old = copy.deepcopy(GOOD)
    old["principles"][0]["notes"] = "not in version 1"
    assert "unknown key: 'notes' was unexpected" in refused(write(tmp_path, old))
    unknown = v2(language="de")
    assert "'de' is not one of" in refused(write(tmp_path, unknown))


def test_a_framework_exported_and_imported_again_is_the_same(tmp_path):
    import_file(write(tmp_path, v2()))
    out = StringIO()
    call_command("export_framework", "national-checklist", stdout=out)
    exported = yaml.safe_load(out.getvalue())
    assert exported["format"] == "ctframework.framework/2"
    assert exported["framework"]["language"] == "fr"
    assert exported["sections"][1]["assessable"] is False
    assert exported["principles"][0]["notes"] == "Footnote 1: see the annex."
    Principle.objects.all().delete()
    Framework.objects.all().delete()
    import_file(write(tmp_path, exported, "again.yaml"))
    again = StringIO()
    call_command("export_framework", "national-checklist", stdout=again)
    assert again.getvalue() == out.getvalue()


REVIEW = {"verdict": "kept", "note": "Both ask for a plan.", "reviewed_on": "2026-12-02"}


@pytest.fixture
def linked(tmp_path):
    import_file(write(tmp_path, v2(), "a.yaml"))
    other = v2(slug="other", version="1")
    other["principles"] = [
        dict(other["principles"][0], code="OT-1"),
        dict(other["principles"][0], code="OT-2"),
    ]
    import_file(write(tmp_path, other, "b.yaml"))


def crosswalk_2(mappings, removed=()):
    return {"format": "ctframework.crosswalk/2", "mappings": mappings, "removed": list(removed)}


def test_review_records_are_kept_and_removed_links_are_deleted(tmp_path, linked):
    import_file(write(tmp_path, crosswalk_2([mapping(), mapping(target="OT-2")])))
    assert CrossReference.objects.count() == 2
    reviewed = crosswalk_2(
        [mapping(review=REVIEW)],
        removed=[mapping(target="OT-2", review={**REVIEW, "verdict": "removed"})],
    )
    out, _ = import_file(write(tmp_path, reviewed, "reviewed.yaml"))
    assert "deleted: NC-1 intersects-with OT-2 (removed by review)" in out
    link = CrossReference.objects.get()
    assert (link.target.code, link.review_verdict, link.review_note) == (
        "OT-1",
        "kept",
        "Both ask for a plan.",
    )
    assert link.reviewed_on.isoformat() == "2026-12-02"


@pytest.mark.parametrize(
    "data, expected",
    [
        (
            crosswalk_2([mapping(review={**REVIEW, "verdict": "removed"})]),
            "mappings[0].review.verdict (line 15): only a link under 'removed' has the verdict",
        ),
        (
            crosswalk_2([mapping()], removed=[mapping(review=REVIEW)]),
            "removed[0] (line 15): the same source and target as mappings[0]",
        ),
        (
            crosswalk_2([mapping(review={"verdict": "kept"})]),
            "'note' is a required property",
        ),
    ],
)
def test_bad_review_records_are_refused(tmp_path, linked, data, expected):
    assert expected in refused(write(tmp_path, data))

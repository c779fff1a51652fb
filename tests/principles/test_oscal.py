"""OSCAL: every export validated by compliance-trestle's OSCAL 1.2 models; the seed sets and
the crosswalk round trip through OSCAL; NIST's published catalogs (1.1.x, public domain,
tests/data/oscal) import faithfully: parameters written in, enhancements under their
control, withdrawn controls never scored; problems are placed in the catalog."""

import json
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from trestle.oscal.catalog import Catalog
from trestle.oscal.mapping import MappingCollection

from assessments.services import assessment_create
from principles.exporting import framework_export
from principles.fixture_builder import LIBRARY_DIR
from principles.interop import oscal
from principles.library_files import LibraryFileError, read_library_file
from principles.models import CrossReference, Framework, Principle, Section
from principles.services import library_file_import
from tests.factories import StrategyFactory

pytestmark = [pytest.mark.django_db]

OSCAL_FILES = Path(__file__).resolve().parent.parent / "data" / "oscal"
NIST_REV4 = OSCAL_FILES / "NIST_SP-800-53_rev4_catalog-min.json"
FRAMEWORK_FILES = [p for p in sorted(LIBRARY_DIR.glob("*.yaml")) if "crosswalk" not in p.name]


def export(*args) -> str:
    out = StringIO()
    call_command("export_framework", *args, stdout=out)
    return out.getvalue()


def import_file(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    call_command("import_framework", str(path), stdout=StringIO())


def valid_catalog(document: dict) -> Catalog:
    """The catalog as trestle's OSCAL 1.2 model reads it (raises on any schema error)."""
    assert set(document) == {"catalog"}
    return Catalog.model_validate(document["catalog"])


def empty_library():
    CrossReference.objects.all().delete()
    Principle.objects.filter(parent__isnull=False).delete()
    Principle.objects.all().delete()
    Section.objects.all().delete()
    Framework.objects.all().delete()


@pytest.mark.parametrize("path", FRAMEWORK_FILES, ids=lambda p: p.stem)
def test_each_seed_set_round_trips_through_oscal(tmp_path, path):
    """Export a seed set as OSCAL JSON and YAML (both valid OSCAL 1.2), import the JSON into
    an empty library: the same set (texts, structure, numbering, tags, translations,
    not-assessable marks), as its own export in the import format shows."""
    call_command("import_framework", str(path), stdout=StringIO())
    meta = yaml.safe_load(path.read_text())["framework"]
    before = export(meta["slug"], meta["version"])
    as_json = export(meta["slug"], meta["version"], "--format", "oscal")
    catalog = valid_catalog(json.loads(as_json))
    assert catalog.metadata.oscal_version.root.root == oscal.OSCAL_VERSION
    assert valid_catalog(
        yaml.safe_load(export(meta["slug"], meta["version"], "--format", "oscal-yaml"))
    )
    empty_library()
    import_file(tmp_path, "catalog.json", as_json)
    assert export(meta["slug"], meta["version"]) == before


def test_the_crosswalk_round_trips_as_an_oscal_mapping_collection(tmp_path):
    for path in FRAMEWORK_FILES:
        call_command("import_framework", str(path), stdout=StringIO())
    call_command("import_framework", str(LIBRARY_DIR / "valletta-2025-crosswalk.yaml"))
    before = export("valletta-principles", "2025", "--crosswalk")
    as_json = export("valletta-principles", "2025", "--crosswalk", "--format", "oscal")
    document = json.loads(as_json)
    collection = MappingCollection.model_validate(document["mapping-collection"])
    maps = [m for mapping in collection.mappings for m in mapping.maps]
    assert len(maps) == CrossReference.objects.count()
    link = CrossReference.objects.select_related("source", "target").first()
    found = next(
        m
        for m in maps
        if m.sources[0].id_ref == link.source.code and m.targets[0].id_ref == link.target.code
    )
    assert found.relationship == link.relationship and found.remarks == link.rationale
    CrossReference.objects.all().delete()
    import_file(tmp_path, "mappings.json", as_json)
    assert export("valletta-principles", "2025", "--crosswalk") == before


@pytest.fixture
def rev4(db):
    report = library_file_import(content=NIST_REV4.read_bytes())
    assert not report.dry_run
    return Framework.objects.get(kind="control-catalogue")


def test_nist_sp_800_53_rev4_imports_faithfully(rev4):
    assert rev4.title.startswith("NIST Special Publication 800-53 Revision 4")
    assert rev4.version == "2015-01-22"
    assert rev4.issuing_body == "Joint Task Force, Transformation Initiative"
    assert rev4.sections.count() == 18
    items = {p.code: p for p in rev4.principles.select_related("parent", "section")}
    assert len(items) == 922
    # Enhancements under their control, ids and labels kept as codes and numbers.
    enhancement = items["ac-2.1"]
    assert (enhancement.number, enhancement.parent.code) == ("AC-2(1)", "ac-2")
    assert enhancement.section.code == "ac"
    assert sum(1 for p in items.values() if p.parent_id) == 666
    # Parameters written in with their labels, selections with their choices.
    assert "[Assignment: organization-defined information system account types]" in (
        items["ac-2"].text
    )
    assert "[Selection: removes; disables]" in items["ac-2.2"].text
    assert not any("{{" in p.text or "{{" in p.notes for p in items.values())
    # The statement's items on their own lines, after their labels; guidance as notes.
    assert "\nh. Notifies account managers:\n1. When accounts are no longer required;" in (
        items["ac-2"].text
    )
    assert items["ac-2"].notes
    # Withdrawn controls: marked, not assessable, their text says where they went.
    withdrawn = [p for p in items.values() if p.withdrawn]
    assert len(withdrawn) == 96 and not any(p.assessable for p in withdrawn)
    assert items["ac-2.10"].withdrawn or any(p.text.startswith("Withdrawn") for p in withdrawn)


def test_a_withdrawn_control_is_never_scored(rev4, malta, assessor):
    call_command("loaddata", "score-scales", verbosity=0)
    rev4.assessable = True
    rev4.save()
    assessment = assessment_create(
        strategy=StrategyFactory(jurisdiction=malta), framework=rev4, created_by=assessor
    )
    scored = set(assessment.scores.values_list("principle__code", flat=True))
    assert len(scored) == 922 - 96
    assert not scored & set(rev4.principles.filter(withdrawn=True).values_list("code", flat=True))


def test_the_imported_catalog_exports_back_as_valid_oscal(rev4):
    document = json.loads(framework_export(rev4, fmt="oscal"))
    catalog = valid_catalog(document)
    controls = [c for g in catalog.groups for c in g.controls]
    assert len(controls) == 256
    assert sum(len(c.controls or []) for c in controls) == 666


def test_nested_groups_and_a_selection_of_one_or_more_from_the_oscal_example():
    data = read_library_file((OSCAL_FILES / "basic-catalog.json").read_bytes())
    sections = {s["code"]: s for s in data["sections"]}
    assert sections["s1.1"]["parent"] == "s1"
    item = next(p for p in data["principles"] if p["code"] == "s1.1.1")
    assert item["number"] == "1.1.1" and item["section"] == "s1.1"
    assert (
        "[Selection (one or more): initiating a device lock after [Assignment: a duration] of "
        "inactivity; requiring the user to initiate a device lock before leaving the system "
        "unattended]" in item["text"]
    )


def broken_catalog() -> bytes:
    document = json.loads((OSCAL_FILES / "basic-catalog.json").read_text())
    control = document["catalog"]["groups"][0]["groups"][0]["controls"][1]
    control["props"] = [{"name": "label", "value": "a label far longer than twenty characters"}]
    document["catalog"]["groups"][1]["id"] = "_!"
    return json.dumps(document).encode()


def test_every_problem_is_placed_in_the_catalog_and_nothing_is_written(tmp_path):
    with pytest.raises(LibraryFileError) as caught:
        library_file_import(content=broken_catalog())
    assert [str(p) for p in caught.value.problems] == [
        "catalog.groups[1] (group _!): the id '_!' cannot be a code (letters, digits, '.', "
        "'-', '_')"
    ]
    document = json.loads(broken_catalog())
    document["catalog"]["groups"][1]["id"] = "s2"
    with pytest.raises(LibraryFileError) as caught:
        library_file_import(content=json.dumps(document).encode())
    (problem,) = caught.value.problems
    assert problem.location == (
        "catalog.groups[0] (group s1).groups[0] (group s1.1).controls[1] (control s1.1.2).number"
    )
    assert "is too long" in problem.message
    assert not Framework.objects.exists()
    path = tmp_path / "broken.json"
    path.write_bytes(broken_catalog())
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_framework", str(path), stdout=StringIO(), stderr=StringIO())


def test_a_mapping_collection_naming_unknown_sets_is_refused_with_its_place():
    document = {
        "mapping-collection": {
            "uuid": "6b1a0f3e-9c2d-4e5f-8a7b-1c2d3e4f5a6b",
            "mappings": [
                {
                    "source-resource": {"type": "catalog", "href": "#nowhere"},
                    "target-resource": {"type": "catalog", "href": "#nowhere"},
                    "maps": [],
                }
            ],
        }
    }
    with pytest.raises(LibraryFileError) as caught:
        read_library_file(json.dumps(document).encode())
    assert [p.location for p in caught.value.problems] == [
        "mapping-collection.mappings[0].source-resource",
        "mapping-collection.mappings[0].target-resource",
    ]


def test_the_library_page_and_the_api_offer_the_oscal_files(client, rev4):
    call_command("import_framework", str(LIBRARY_DIR / "valletta-principles-2025.yaml"))
    page = client.get(f"/library/{rev4.slug}/{rev4.version}/").content.decode()
    url = f"/library/{rev4.slug}/{rev4.version}/export/oscal/"
    assert f'href="{url}"' in page and "Withdrawn" in page
    response = client.get(url)
    assert response["Content-Disposition"] == (
        f'attachment; filename="{rev4.slug}-2015-01-22-oscal.json"'
    )
    valid_catalog(json.loads(response.content))
    yaml_file = client.get(f"/library/{rev4.slug}/{rev4.version}/export/oscal-yaml/")
    valid_catalog(yaml.safe_load(yaml_file.content))
    assert client.get(f"/library/{rev4.slug}/{rev4.version}/export/pdf/").status_code == 404

    framework = Framework.objects.get(slug="valletta-principles")
    api = client.get(f"/api/v1/frameworks/{framework.pk}/export/")
    assert api.status_code == 200
    assert valid_catalog(api.json()).metadata.title == framework.title
    assert client.get(f"/api/v1/frameworks/{framework.pk}/export/", {"as": "x"}).status_code == 400


@pytest.mark.parametrize("name", ["basic-catalog.json", NIST_REV4.name])
def test_the_third_party_catalogs_imported_are_valid_oscal(name):
    """The files the import tests read are valid for the same OSCAL models (1.1 files read
    by the 1.2 models: the changes between them do not touch catalogs)."""
    valid_catalog(json.loads((OSCAL_FILES / name).read_text()))


def test_a_parameter_that_refers_to_itself_is_written_once_and_bounded():
    """Twenty references to itself in one choice, six levels deep, would expand 20^6
    times; each parameter is written once and a reference back is an assignment."""
    loop = " ".join(["{{ insert: param, p1 }}"] * 20)
    document = {
        "catalog": {
            "uuid": "6b1a0f3e-9c2d-4e5f-8a7b-1c2d3e4f5a6b",
            "metadata": {"title": "Loops", "version": "1", "oscal-version": "1.1.2"},
            "groups": [
                {
                    "id": "g",
                    "title": "G",
                    "controls": [
                        {
                            "id": "c-1",
                            "title": "C",
                            "params": [{"id": "p1", "select": {"choice": [loop]}}],
                            "parts": [
                                {
                                    "id": "c-1_smt",
                                    "name": "statement",
                                    "prose": "Do {{ insert: param, p1 }}.",
                                }
                            ],
                        }
                    ],
                }
            ],
        }
    }
    data = read_library_file(json.dumps(document).encode())
    text = data["principles"][0]["text"]
    assert text.startswith("Do [Selection: [Assignment: p1] [Assignment: p1]")
    assert len(text) < 2100


@pytest.mark.parametrize(
    "catalog",
    [
        {"metadata": "x"},
        {"metadata": {}, "groups": [1]},
        {"metadata": {"props": [{"name": "slug", "ns": oscal.NS, "value": 5}]}},
    ],
    ids=["metadata-text", "group-number", "prop-number"],
)
def test_values_of_the_wrong_type_are_a_problem_not_a_crash(catalog):
    with pytest.raises(LibraryFileError) as caught:
        read_library_file(json.dumps({"catalog": catalog}).encode())
    assert len(caught.value.problems) >= 1

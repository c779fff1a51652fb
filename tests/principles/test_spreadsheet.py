"""Principle sets from spreadsheets: the template the admin import page offers, filled in and
imported through the same checks; every problem at its cell; formulas refused; nothing
half-written."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from principles.interop import spreadsheet
from principles.library_files import LibraryFileError
from principles.models import Framework, Principle
from principles.services import library_file_import

pytestmark = [pytest.mark.core, pytest.mark.django_db]

SET = {
    "slug": "aldoria-guidelines",
    "version": "2026",
    "title": "Aldorian Guidelines on Counter-Terrorism Coordination",
    "short_title": "Aldorian Guidelines",
    "issuing_body": "Aldorian Council",
    "kind": "recommendations",
    "adopted_on": "2026-03-01",
    "source_document": "AC/2026/4",
    "item_label": "Guideline",
    "language": "en",
    "assessable": "yes",
}
ITEMS = [
    # section, code, number, title, text, tags, parent, assessable, notes, title:fr
    {
        "section": "Part I > Coordination",
        "number": "1",
        "title": "A national coordinator",
        "text": "States designate a national coordinator.",
        "tags": "coordination",
        "title:fr": "Un coordonnateur national",
    },
    {
        "section": "Part I > Coordination",
        "number": "1.1",
        "title": "Mandate",
        "text": "The coordinator has a written mandate.",
        "parent": "1",
    },
    {
        "section": "Part II",
        "code": "G-2",
        "number": "2",
        "title": "Review",
        "text": "The strategy is reviewed every five years.",
        "assessable": "no",
        "notes": "Footnote 3.",
    },
]


def filled(items=ITEMS, meta=SET, *, formula_at=None) -> bytes:
    """The template filled in like an administrator would."""
    book = load_workbook(io.BytesIO(spreadsheet.template()))
    for row in book["Set"].iter_rows(min_row=2):
        if row[0].value in meta:
            row[1].value = meta[row[0].value]
    book["Tags"].append(["coordination", "Coordination"])
    sheet = book["Items"]
    header = [cell.value for cell in sheet[1]]
    for item in items:
        sheet.append([item.get(column) for column in header])
    if formula_at:
        sheet[formula_at] = '=HYPERLINK("http://evil.example","x")'
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_template_filled_in_imports_as_a_set():
    report = library_file_import(content=filled())
    assert not report.dry_run
    framework = Framework.objects.get(slug="aldoria-guidelines", version="2026")
    assert framework.kind == "recommendations" and str(framework.adopted_on) == "2026-03-01"
    sections = {s.code: s for s in framework.sections.select_related("parent")}
    assert sections["coordination"].parent.code == "part-i"
    assert sections["part-ii"].parent is None
    items = {p.code: p for p in framework.principles.select_related("parent", "section")}
    assert list(items) == ["1", "1.1", "G-2"]
    assert items["1.1"].parent.code == "1" and items["1"].section.code == "coordination"
    assert [t.slug for t in items["1"].tags.all()] == ["coordination"]
    assert items["1"].translations == {"fr": {"title": "Un coordonnateur national"}}
    assert not items["G-2"].assessable and items["G-2"].notes == "Footnote 3."
    # The same workbook again changes nothing.
    again = library_file_import(content=filled())
    assert not again.created and not again.changed


@pytest.mark.parametrize(
    ("items", "formula_at", "expected"),
    [
        (
            [{**ITEMS[0], "title": None}],
            None,
            "Items row 2: 'title' is a required property",
        ),
        (
            [{**ITEMS[0], "tags": "coordination, unknown-theme"}],
            None,
            "Items!F2 (tags)[1]: unknown tag 'unknown-theme': declare it in the top-level "
            "tags list",
        ),
        (
            [ITEMS[0], {**ITEMS[2], "code": None, "number": "1"}],
            None,
            "Items!C3 (number): code '1' is used twice",
        ),
        (
            [{**ITEMS[0], "number": "1" * 21}],
            None,
            "Items!C2 (number): is too long: 21 characters, at most 20",
        ),
        ([{**ITEMS[0], "assessable": "perhaps"}], None, "Items!H2 (assessable): write yes or no"),
        ([ITEMS[0]], "E2", "Items!E2 (text): a formula: type the value instead"),
        (
            [{**ITEMS[1], "parent": "9"}],
            None,
            "Items!G2 (parent): unknown item '9': a parent must be declared before the "
            "items it refines",
        ),
    ],
    ids=["missing", "unknown-tag", "duplicate", "too-long", "flag", "formula", "parent"],
)
def test_each_problem_is_reported_at_its_cell_and_nothing_is_written(items, formula_at, expected):
    with pytest.raises(LibraryFileError) as caught:
        library_file_import(content=filled(items, formula_at=formula_at))
    assert expected in [str(p) for p in caught.value.problems]
    assert not Framework.objects.exists() and not Principle.objects.exists()


def test_a_damaged_workbook_and_one_without_the_sheets_are_refused():
    with pytest.raises(LibraryFileError) as caught:
        library_file_import(content=filled()[:2000])
    assert str(caught.value) == "file: The file is not a readable zip container."
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    with pytest.raises(LibraryFileError) as caught:
        library_file_import(content=out.getvalue())
    assert "The workbook has no sheet Set: start from the template." in str(caught.value)


def test_the_admin_import_page_offers_the_template_and_imports_it(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("admin:principles_framework_import")).content.decode()
    url = reverse("admin:principles_framework_import_template")
    assert f'href="{url}"' in page
    book = load_workbook(io.BytesIO(client.get(url).content))
    assert book.sheetnames == ["Read me", "Set", "Tags", "Items"]
    assert [c.value for c in book["Items"][1]][:5] == ["section", "code", "number", "title", "text"]
    upload = io.BytesIO(filled())
    upload.name = "aldoria.xlsx"
    response = client.post(
        reverse("admin:principles_framework_import"), {"file": upload, "dry_run": ""}
    )
    assert response.status_code == 200
    assert Framework.objects.filter(slug="aldoria-guidelines").exists()


def rewritten(content: bytes, member: str, change) -> bytes:
    """The workbook with one member of its zip package rewritten by `change`."""
    import zipfile

    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, change(data) if info.filename == member else data)
    return out.getvalue()


def test_a_sheet_claiming_fewer_rows_than_it_holds_loses_none():
    import re

    content = rewritten(
        filled(),
        "xl/worksheets/sheet4.xml",
        lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:I1"/>', xml),
    )
    library_file_import(content=content)
    assert Principle.objects.count() == 3


def test_a_sheet_with_a_document_type_declaration_is_refused_not_a_crash():
    content = rewritten(
        filled(),
        "xl/worksheets/sheet4.xml",
        lambda xml: xml.replace(
            b"<worksheet", b'<!DOCTYPE worksheet [<!ENTITY x "y">]><worksheet', 1
        ),
    )
    with pytest.raises(LibraryFileError) as caught:
        library_file_import(content=content)
    assert "The workbook cannot be read" in str(caught.value)
    assert not Framework.objects.exists()

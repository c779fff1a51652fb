"""The exports' new columns: the overall index, the observations (only for those who may see
them), section names carrying their parent where they repeat; the XLSX's layout."""

import csv
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments import exports
from assessments.models import Assessment, Observation
from assessments.services import ScoreInput, score_save
from tests.factories import PrincipleFactory, SectionFactory, make_assessment

pytestmark = [pytest.mark.core, pytest.mark.django_db]

ANNEX = "The ministry differs on this item"
GENERAL = "A general remark of the ministry"


@pytest.fixture
def framework():
    """Two top-level sections, each with a sub-section titled the same."""
    substantive = SectionFactory(code="sub", title="Substantive principles", order=0)
    framework = substantive.framework
    sections = [
        substantive,
        SectionFactory(
            framework=framework,
            code="sub-reg",
            title="Regional counter-terrorism strategies",
            parent=substantive,
            order=1,
        ),
    ]
    procedural = SectionFactory(
        framework=framework, code="proc", title="Procedural principles", order=2
    )
    sections += [
        procedural,
        SectionFactory(
            framework=framework,
            code="proc-reg",
            title="Regional counter-terrorism strategies",
            parent=procedural,
            order=3,
        ),
    ]
    for i, section in enumerate(sections):
        PrincipleFactory(
            framework=framework,
            section=section,
            code=f"EX-{i + 1}",
            number=str(i + 1),
            title=f"Item {i + 1}",
            order=i,
        )
    return framework


@pytest.fixture
def assessment(framework, malta, kenya, assessor, ministry_malta):
    assessment = make_assessment(
        jurisdiction=malta,
        assessors=[assessor],
        framework=framework,
        sharing=Assessment.Sharing.PARTNERS,
        partners=[kenya],
    )
    scores = assessment.scores.select_related("principle").order_by("principle__order")
    for score, code in zip(scores, ["4", "1", "2"], strict=False):  # EX-4 left unscored
        score_save(
            score=score,
            user=assessor,
            expected_version=0,
            data=ScoreInput(assessment.scale.levels.get(code=code), "Why", "Quote", "p. 1", ""),
        )
    Observation.objects.create(
        assessment=assessment,
        principle=framework.principles.get(code="EX-2"),
        author=ministry_malta,
        text=ANNEX,
    )
    Observation.objects.create(
        assessment=assessment, principle=None, author=ministry_malta, text=GENERAL
    )
    return assessment


INDEX = round(100 * 7 / 12, 1)  # (4 + 1 + 2) / (3 × 4), over the three scored items
SECTIONS = [
    "Substantive principles",
    "Substantive principles › Regional counter-terrorism strategies",
    "Procedural principles",
    "Procedural principles › Regional counter-terrorism strategies",
]


def csv_rows(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_carries_the_index_sections_with_parents_and_observations(assessment):
    body, _, _ = exports.to_csv(assessment, name_editors=True, with_observations=True)
    rows = csv_rows(body)
    assert list(rows[0]) == [*exports.COLUMNS, "overall_index", "observations"]
    assert [r["section"] for r in rows] == SECTIONS
    assert {r["overall_index"] for r in rows} == {str(INDEX)}
    observations = {r["code"]: r["observations"] for r in rows}
    assert ANNEX in observations["EX-2"] and "maria-ministry" in observations["EX-2"]
    assert observations["EX-1"] == observations["EX-3"] == observations["EX-4"] == ""


def test_xlsx_has_widths_a_frozen_header_wrapped_text_and_the_new_sheets(assessment):
    body, _, _ = exports.to_xlsx(assessment, name_editors=True, with_observations=True)
    book = load_workbook(io.BytesIO(body))
    # The last, very hidden, is the signed record that lets the file come back filled in.
    assert book.sheetnames == ["Scores", "Summary", "Sections", "Observations", "ctframework"]
    assert book["ctframework"].sheet_state == "veryHidden"
    sheet = book["Scores"]
    header = [cell.value for cell in sheet[1]]
    assert header == [*exports.COLUMNS, "overall_index", "observations"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    widths = {
        h: sheet.column_dimensions[c.column_letter].width
        for h, c in zip(header, sheet[1], strict=True)
    }
    assert widths["code"] == 12 and widths["evidence"] == 60 and widths["section"] == 32
    assert all(cell.alignment.wrap_text for row in sheet.iter_rows() for cell in row)
    first = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert first["overall_index"] == INDEX and first["section"] == SECTIONS[0]
    summary = {row[0].value: row[1].value for row in book["Summary"].iter_rows(min_row=2)}
    assert summary["overall_index"] == INDEX
    assert (summary["scored"], summary["total"], summary["complete"]) == (3, 4, False)
    sections = [[c.value for c in row] for row in book["Sections"].iter_rows(min_row=2)]
    assert [s[0] for s in sections] == SECTIONS
    assert sections[3][1:] == [0, 1, 0, 0, None, False]  # nothing scored: no coverage
    observations = [[c.value for c in row] for row in book["Observations"].iter_rows()]
    assert observations[0] == ["principle", "principle_title", "author", "date", "text"]
    assert observations[1][:3] == ["EX-2", "Item 2", "maria-ministry"]
    assert observations[2][0] is None and observations[2][4] == GENERAL
    assert book["Observations"].freeze_panes == "A2"


def test_json_carries_the_summary_and_the_observations(assessment):
    body, _, _ = exports.to_json(assessment, name_editors=True, with_observations=True)
    data = json.loads(body)
    assert data["summary"]["overall_index"] == INDEX
    assert (data["summary"]["scored"], data["summary"]["total"]) == (3, 4)
    assert [s["section"] for s in data["summary"]["sections"]] == SECTIONS
    assert [s["section"] for s in data["scores"]] == SECTIONS
    assert [(o["principle"], o["principle_title"], o["text"]) for o in data["observations"]] == [
        ("EX-2", "Item 2", ANNEX),
        (None, None, GENERAL),
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_no_observations_unless_asked(assessment, fmt):
    """The default leaks nothing: callers that do not say `with_observations` get none."""
    body, _, _ = exports.EXPORTERS[fmt](assessment, name_editors=True)
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(body))
        assert "Observations" not in book.sheetnames
        body = "".join(
            str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row
        ).encode()
        assert "overall_index" in body.decode()
    assert ANNEX.encode() not in body and GENERAL.encode() not in body
    assert b"observations" not in body


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_a_partner_exports_no_observations(client, assessment, ministry_kenya, fmt):
    """A partner may see the finalized assessment, never the jurisdiction's annex."""
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.FINALIZED)
    client.force_login(ministry_kenya)
    response = client.get(reverse("assessments:export", args=[assessment.pk, fmt]))
    assert response.status_code == 200
    body = response.content
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(body))
        assert "Observations" not in book.sheetnames
        body = "".join(
            str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row
        ).encode()
    assert ANNEX.encode() not in body and GENERAL.encode() not in body

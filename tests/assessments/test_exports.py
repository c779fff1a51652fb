"""CSV, XLSX and JSON exports open in their readers, neutralise formulas, and are scoped."""

import csv
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.services import ScoreInput, score_save
from tests.factories import make_assessment

pytestmark = [pytest.mark.core, pytest.mark.django_db]

HOSTILE = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def assessment(malta, assessor):
    assessment = make_assessment(jurisdiction=malta, assessors=[assessor], principles=3)
    first = assessment.scores.order_by("principle__order").first()
    score_save(
        score=first,
        user=assessor,
        expected_version=0,
        data=ScoreInput(
            assessment.scale.levels.get(code="2"), HOSTILE, "+1 evidence", "@p. 3", "-cut"
        ),
    )
    return assessment


def download(client, assessment, fmt):
    response = client.get(reverse("assessments:export", args=[assessment.pk, fmt]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"] == (
        f'attachment; filename="mlt-assessment-{assessment.pk}.{fmt}"'
    )
    return response.content


def test_csv(client, assessment, assessor):
    client.force_login(assessor)
    text = download(client, assessment, "csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 3
    first = rows[0]
    assert first["level"] == "Partially addressed" and first["value"] == "2"
    assert first["justification"] == "'" + HOSTILE
    assert first["evidence"] == "'+1 evidence"
    assert first["location"] == "'@p. 3"
    assert first["recommendation"] == "'-cut"
    assert rows[1]["level"] == ""


def test_xlsx(client, assessment, assessor):
    client.force_login(assessor)
    sheet = load_workbook(io.BytesIO(download(client, assessment, "xlsx"))).active
    header = [cell.value for cell in sheet[1]]
    first = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert first["justification"] == "'" + HOSTILE
    assert first["value"] == 2
    assert sheet.max_row == 4
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_json_carries_the_framework_reference(client, assessment, assessor):
    client.force_login(assessor)
    data = json.loads(download(client, assessment, "json"))
    assert data["framework"] == {
        "slug": assessment.framework.slug,
        "version": assessment.framework.version,
        "title": assessment.framework.title,
    }
    assert data["assessment"]["jurisdiction"] == "MLT"
    assert data["scores"][0]["justification"] == HOSTILE  # JSON is data, not a spreadsheet
    assert [level["code"] for level in data["scale"]["levels"]][-1] == "na"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_exports_are_404_outside_scope(client, assessment, ministry_kenya, ministry_malta, fmt):
    url = reverse("assessments:export", args=[assessment.pk, fmt])
    for outsider in (ministry_kenya, ministry_malta):  # a draft is not shared with Malta yet
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_unknown_format_is_404(client, assessment, assessor):
    client.force_login(assessor)
    assert client.get(f"/assessments/{assessment.pk}/export.exe").status_code == 404

"""CSV, XLSX and JSON exports of an assessment's scores."""

import csv
import io
import json

from openpyxl import Workbook

from . import selectors
from .models import Assessment

COLUMNS = [
    "code",
    "number",
    "section",
    "title",
    "level",
    "value",
    "justification",
    "evidence",
    "location",
    "recommendation",
    "updated_by",
    "updated_at",
]
# A spreadsheet runs a cell starting with one of these as a formula (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """Prefix a quote to text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def rows(assessment: Assessment, *, name_editors: bool) -> list[list]:
    """One row per principle. Who edited is named only for those who may see the history."""
    scores = selectors.assessment_scores(assessment).select_related("updated_by")
    return [
        [
            score.principle.code,
            score.principle.number,
            score.principle.section.title,
            score.principle.title,
            score.level.label if score.level_id else "",
            score.level.value if score.level_id else None,
            score.justification,
            score.evidence,
            score.location,
            score.recommendation,
            score.updated_by.get_username() if name_editors and score.updated_by_id else "",
            score.updated_at.isoformat() if score.updated_at else "",
        ]
        for score in scores
    ]


def to_csv(assessment: Assessment, *, name_editors: bool):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows(assessment, name_editors=name_editors):
        writer.writerow([neutralise(v) for v in row])
    return out.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8", "csv"


def to_xlsx(assessment: Assessment, *, name_editors: bool):
    book = Workbook()
    sheet = book.active
    sheet.title = "Scores"
    sheet.append(COLUMNS)
    for row in rows(assessment, name_editors=name_editors):
        sheet.append([neutralise(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), XLSX_CONTENT_TYPE, "xlsx"


def to_json(assessment: Assessment, *, name_editors: bool):
    framework = assessment.framework
    data = {
        "assessment": {
            "id": assessment.pk,
            "title": str(assessment),
            "status": assessment.status,
            "sharing": assessment.sharing,
            "revision": assessment.revision,
            "strategy": assessment.strategy.title,
            "jurisdiction": assessment.strategy.jurisdiction.code,
        },
        "framework": {
            "slug": framework.slug,
            "version": framework.version,
            "title": framework.title,
        },
        "scale": {
            "slug": assessment.scale.slug,
            "levels": [
                {"code": level.code, "value": level.value, "label": level.label}
                for level in assessment.scale.levels.all()
            ],
        },
        "scores": [
            dict(zip(COLUMNS, row, strict=True))
            for row in rows(assessment, name_editors=name_editors)
        ],
    }
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return body.encode(), "application/json", "json"


EXPORTERS = {"csv": to_csv, "xlsx": to_xlsx, "json": to_json}

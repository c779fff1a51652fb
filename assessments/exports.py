"""CSV, XLSX and JSON exports of an assessment's scores.

Every format carries one row per assessable principle (COLUMNS), the overall index (see
`gap_analysis`: over the scored items only, with how many are scored) and, only for those
who may see them (`permissions.can_see_observations`), the jurisdiction's observations.
Section names carry their parent where titles repeat ("Substantive principles › Regional
counter-terrorism strategies").
"""

import csv
import io
import json

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from . import permissions, selectors
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
# CSV and XLSX rows also carry these: the overall index on every row (a flat file has
# nowhere else to put it), and the observations on the row's principle when allowed.
INDEX_COLUMN = "overall_index"
OBSERVATIONS_COLUMN = "observations"
# Where a ministry reader writes an observation on an item offline (assessments/offline.py).
NEW_OBSERVATION_COLUMN = "new_observation"
# A spreadsheet runs a cell starting with one of these as a formula (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Column widths (in characters) of the XLSX sheets; long text columns wrap.
XLSX_WIDTHS = {
    "code": 12,
    "number": 8,
    "section": 32,
    "title": 40,
    "level": 22,
    "value": 7,
    "justification": 60,
    "evidence": 60,
    "location": 20,
    "recommendation": 60,
    "updated_by": 16,
    "updated_at": 26,
    INDEX_COLUMN: 13,
    OBSERVATIONS_COLUMN: 60,
    NEW_OBSERVATION_COLUMN: 60,
    "principle": 12,
    "principle_title": 40,
    "author": 24,
    "date": 12,
    "text": 80,
    "item": 44,
    "scored": 9,
    "total": 9,
    "not_applicable": 15,
    "achieved": 10,
    "possible": 10,
    "coverage": 10,
    "complete": 10,
}
XLSX_DEFAULT_WIDTH = 16


def neutralise(value):
    """Prefix a quote to text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class Export:
    """Everything the three formats write, gathered once in a fixed number of queries."""

    def __init__(self, assessment: Assessment, *, name_editors: bool, with_observations: bool):
        self.assessment = assessment
        self.with_observations = with_observations
        scores = list(selectors.assessment_scores(assessment).select_related("updated_by"))
        self.scores = scores
        self.analysis = selectors.assessment_gap_analysis(assessment, scores)
        labels = {s.section_id: s.label for s in self.analysis.sections}
        self.observations = self._observations() if with_observations else []
        self.rows = [
            [
                score.principle.code,
                score.principle.number,
                labels.get(score.principle.section_id, score.principle.section.title),
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

    def _observations(self) -> list[dict]:
        annex = self.assessment.observations.select_related("principle", "author")
        return [
            {
                "principle": o.principle.code if o.principle_id else None,
                "principle_title": o.principle.title if o.principle_id else None,
                "author": o.author.get_full_name() or o.author.get_username(),
                "date": o.created_at.date().isoformat(),
                "text": o.text,
            }
            for o in annex.order_by("created_at", "pk")
        ]

    @property
    def overall_index(self) -> float | None:
        return self.analysis.overall_index

    def flat_columns(self) -> list[str]:
        extra = [OBSERVATIONS_COLUMN] if self.with_observations else []
        return [*COLUMNS, INDEX_COLUMN, *extra]

    def flat_rows(self) -> list[list]:
        """The rows of CSV and XLSX: COLUMNS, the overall index, the observations."""
        on_principle: dict[str, list[str]] = {}
        for o in self.observations:
            if o["principle"]:
                on_principle.setdefault(o["principle"], []).append(
                    f"{o['author']} ({o['date']}): {o['text']}"
                )
        index = "" if self.overall_index is None else self.overall_index
        out = []
        for row in self.rows:
            extra = ["\n\n".join(on_principle.get(row[0], []))] if self.with_observations else []
            out.append([*row, index, *extra])
        return out

    def summary(self) -> dict:
        overall = self.analysis.overall
        return {
            "overall_index": self.overall_index,
            "scored": overall.scored,
            "total": overall.total,
            "not_applicable": overall.not_applicable,
            "complete": overall.complete,
            "sections": [
                {
                    "section": s.label,
                    "scored": s.scored,
                    "total": s.total,
                    "achieved": s.achieved,
                    "possible": s.possible,
                    "coverage": s.coverage,
                    "complete": s.complete,
                }
                for s in self.analysis.sections
                if s.total  # a section without an assessable item counts nowhere
            ],
        }


def rows(assessment: Assessment, *, name_editors: bool) -> list[list]:
    """One row per principle (COLUMNS). Who edited is named only for those who may see the
    history."""
    return Export(assessment, name_editors=name_editors, with_observations=False).rows


def to_csv(assessment: Assessment, *, name_editors: bool, with_observations: bool = False):
    export = Export(assessment, name_editors=name_editors, with_observations=with_observations)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(export.flat_columns())
    for row in export.flat_rows():
        writer.writerow([neutralise(v) for v in row])
    return out.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8", "csv"


def _sheet(book, title: str, header: list[str], body: list[list], *, first: bool = False):
    """A sheet with a bold frozen header, set column widths and wrapped, top-aligned text."""
    sheet = book.active if first else book.create_sheet()
    sheet.title = title
    sheet.append(header)
    for row in body:
        sheet.append([neutralise(v) for v in row])
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        cell.font = bold
    for column in sheet.iter_cols(min_row=1, max_row=sheet.max_row):
        for cell in column:
            cell.alignment = wrap
    for cell in sheet[1]:
        width = XLSX_WIDTHS.get(header[cell.column - 1], XLSX_DEFAULT_WIDTH)
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = "A2"
    return sheet


def to_xlsx(
    assessment: Assessment,
    *,
    name_editors: bool,
    with_observations: bool = False,
    add_observations: bool = False,
):
    """The workbook of the scores; with `add_observations` (a ministry reader while the
    assessment is shared) a column NEW_OBSERVATION_COLUMN to fill in and upload back."""
    export = Export(assessment, name_editors=name_editors, with_observations=with_observations)
    book = Workbook()
    columns = export.flat_columns() + ([NEW_OBSERVATION_COLUMN] if add_observations else [])
    _sheet(book, "Scores", columns, export.flat_rows(), first=True)
    summary = export.summary()  # None stays an empty cell
    _sheet(
        book,
        "Summary",
        ["item", "value"],
        [
            ["overall_index", summary["overall_index"]],
            ["scored", summary["scored"]],
            ["total", summary["total"]],
            ["not_applicable", summary["not_applicable"]],
            ["complete", summary["complete"]],
        ],
    )
    columns = ["section", "scored", "total", "achieved", "possible", "coverage", "complete"]
    _sheet(book, "Sections", columns, [[s[c] for c in columns] for s in summary["sections"]])
    if with_observations:
        columns = ["principle", "principle_title", "author", "date", "text"]
        _sheet(
            book, "Observations", columns, [[o[c] for c in columns] for o in export.observations]
        )
    from .offline import add_signature_sheet

    # What lets the workbook, filled in offline, be uploaded back (docs/offline-assessment.md).
    add_signature_sheet(book, assessment, export.scores)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), XLSX_CONTENT_TYPE, "xlsx"


def to_json(assessment: Assessment, *, name_editors: bool, with_observations: bool = False):
    export = Export(assessment, name_editors=name_editors, with_observations=with_observations)
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
        "summary": export.summary(),
        "scores": [dict(zip(COLUMNS, row, strict=True)) for row in export.rows],
    }
    if with_observations:
        data["observations"] = export.observations
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return body.encode(), "application/json", "json"


def to_oscal(assessment: Assessment, **rights):
    """OSCAL assessment results in JSON (assessments/interop.py)."""
    from .interop import to_oscal

    return to_oscal(assessment, **rights)


def to_oscal_yaml(assessment: Assessment, **rights):
    """OSCAL assessment results in YAML (assessments/interop.py)."""
    from .interop import to_oscal_yaml

    return to_oscal_yaml(assessment, **rights)


def export_for(user, assessment: Assessment, fmt: str) -> tuple[bytes, str, str]:
    """The export in `fmt` as `user` may have it: editors named only for those who may see
    the history, observations only for those who may read them, and the column for a new
    observation in the workbook of those who may add one."""
    rights = {
        "name_editors": permissions.can_see_history(user, assessment),
        "with_observations": permissions.can_see_observations(user, assessment),
    }
    if fmt == "xlsx":
        rights["add_observations"] = permissions.can_add_observation(user, assessment)
    return EXPORTERS[fmt](assessment, **rights)


EXPORTERS = {
    "csv": to_csv,
    "xlsx": to_xlsx,
    "json": to_json,
    "oscal": to_oscal,
    "oscal-yaml": to_oscal_yaml,
}

"""Assessments filled in offline (docs/offline-assessment.md).

The XLSX export carries a very hidden sheet holding a signed record of its assessment, its
framework version and, for each row of the Scores sheet, the score's id, the item's code and
the score's version when exported. The workbook an assessor uploads back is read against
that record and compared item by item with what is saved now (`offline_read`, a preview
that writes nothing); on confirmation (`offline_apply`) each change goes through
`services.score_save` with the version of the file, so that an edit made online since the
export is never overwritten: it comes back as a conflict. Nothing else is ever written.
"""

import io
from dataclasses import dataclass, field

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ctframework.safe_parsing import LIMITS, UnsafeFile, open_zip

from . import permissions
from .exports import FORMULA_PREFIXES, NEW_OBSERVATION_COLUMN
from .models import Assessment, Score
from .services import (
    AssessmentLocked,
    ScoreConflict,
    ScoreInput,
    observation_add,
    score_input_clean,
    score_save,
)

SIGNATURE_SHEET = "ctframework"
SALT = "assessments.offline"
CELL_CHARS = 30_000  # a cell holds 32,767 characters: the signed record spans cells
PREVIEW_MAX_AGE_S = 3600  # a preview must be confirmed within the hour
TEXT_FIELDS = ["justification", "evidence", "location", "recommendation"]
MAX_OBSERVATION_CHARS = 10_000  # Observation.text


class OfflineFileError(Exception):
    """A workbook that cannot be applied to this assessment; `problems` say where and why."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass
class ItemChange:
    """What an uploaded row would change on one item, or why it cannot."""

    code: str
    number: str
    title: str
    fields: dict[str, tuple[str, str]] = field(default_factory=dict)  # name: (saved, file)
    conflict: bool = False  # someone saved the item since the export


@dataclass
class OfflinePreview:
    changes: list[ItemChange]
    unchanged: int
    token: str  # the applicable changes, signed, for offline_apply

    @property
    def applicable(self) -> list[ItemChange]:
        return [c for c in self.changes if not c.conflict]

    @property
    def conflicts(self) -> list[ItemChange]:
        return [c for c in self.changes if c.conflict]


@dataclass
class OfflineResult:
    applied: list[str]
    conflicts: list[str]


def add_signature_sheet(book, assessment: Assessment, scores: list[Score]) -> None:
    """Add the hidden signed record of an export whose Scores sheet has one row per score,
    from row 2 in `scores` order."""
    record = {
        "assessment": assessment.pk,
        "framework": [assessment.framework.slug, assessment.framework.version],
        "rows": [[row, s.pk, s.principle.code, s.version] for row, s in enumerate(scores, start=2)],
    }
    token = signing.dumps(record, salt=SALT, compress=True)
    sheet = book.create_sheet(SIGNATURE_SHEET)
    for index in range(0, len(token), CELL_CHARS):
        sheet.append([token[index : index + CELL_CHARS]])
    sheet.sheet_state = "veryHidden"


def offline_read(*, assessment: Assessment, user, content: bytes) -> OfflinePreview:
    """What the uploaded workbook would change, item by item; writes nothing. The assigned
    assessors of a draft change scores; a ministry reader of a shared assessment adds
    observations (the column new_observation). Raises OfflineFileError when the user may do
    neither now, and for a file that is not this assessment's export, was altered, or holds
    a formula, an unknown level or a value that cannot be saved."""
    if not may_upload(user, assessment):
        raise OfflineFileError(
            [_("You cannot edit the scores of this assessment in its current state.")]
        )
    book = _open(content)
    try:
        return _preview(assessment, user, book)
    except OfflineFileError:
        raise
    except Exception as exc:  # openpyxl reads a sheet only now: damaged or hostile XML
        raise OfflineFileError(
            [_("The workbook cannot be read (%(error)s).") % {"error": exc}]
        ) from None


def may_upload(user, assessment: Assessment) -> bool:
    """Who may fill the assessment in offline: its assigned assessors (scores, while a
    draft) and its ministry readers (observations, while shared)."""
    return permissions.can_edit_scores(user, assessment) or permissions.can_add_observation(
        user, assessment
    )


def _preview(assessment: Assessment, user, book) -> OfflinePreview:
    record = _record(book, assessment)
    if "Scores" not in book.sheetnames:
        raise OfflineFileError([_("The workbook has no sheet Scores.")])
    edits = permissions.can_edit_scores(user, assessment)
    observes = permissions.can_add_observation(user, assessment)
    sheet = book["Scores"]
    header = [str(c.value or "") for c in next(sheet.iter_rows(max_row=1))]
    columns = {name: index for index, name in enumerate(header)}
    needed = ["code", "level", *TEXT_FIELDS] + ([NEW_OBSERVATION_COLUMN] if observes else [])
    if missing := [name for name in needed if name not in columns]:
        raise OfflineFileError(
            [_("The sheet Scores has no column %(name)s.") % {"name": name} for name in missing]
        )
    scores = {
        s.pk: s
        for s in assessment.scores.select_related("principle", "level").filter(
            pk__in=[row[1] for row in record["rows"]]
        )
    }
    levels = list(assessment.scale.levels.all())
    by_row = {row[0]: row for row in record["rows"]}
    problems, changes, unchanged, applicable, observations = [], [], 0, [], []
    for number, cells in enumerate(sheet.iter_rows(min_row=2), start=2):
        values = [cell.value for cell in cells]
        if all(v in (None, "") for v in values):
            continue
        expected = by_row.get(number)
        code = _text(values[columns["code"]]) if columns["code"] < len(values) else ""
        if expected is None or expected[2] != code or expected[1] not in scores:
            problems.append(
                _(
                    "Scores row %(row)s: the item %(code)s is not where the export put it; the "
                    "rows were moved, added or altered."
                )
                % {"row": number, "code": code or "?"}
            )
            continue
        for cell in cells:
            if cell.data_type == "f":
                problems.append(
                    _("Scores!%(cell)s: a formula: type the value instead")
                    % {"cell": cell.coordinate}
                )
        score = scores[expected[1]]
        if observes:
            text = _untouched(_cell(values, columns[NEW_OBSERVATION_COLUMN])).strip()
            if len(text) > MAX_OBSERVATION_CHARS:
                problems.append(
                    _("Scores row %(row)s (%(code)s), %(field)s: %(message)s")
                    % {
                        "row": number,
                        "code": code,
                        "field": NEW_OBSERVATION_COLUMN,
                        "message": ngettext(
                            "At most %(limit)s character.",
                            "At most %(limit)s characters.",
                            MAX_OBSERVATION_CHARS,
                        )
                        % {"limit": MAX_OBSERVATION_CHARS},
                    }
                )
            elif text:
                principle = score.principle
                changes.append(
                    ItemChange(
                        principle.code,
                        principle.number,
                        principle.title,
                        {"observation": ("", text)},
                    )
                )
                observations.append({"principle": principle.pk, "text": text})
        wanted = {name: _untouched(_cell(values, columns[name])) for name in TEXT_FIELDS}
        level_text = _text(_cell(values, columns["level"]))
        level = _level(level_text, levels)
        if level_text and level is None:
            problems.append(
                _("Scores!%(cell)s: %(value)s is not a level of the scale (%(levels)s)")
                % {
                    "cell": f"{_column_letter(columns['level'])}{number}",
                    "value": level_text,
                    "levels": "; ".join(lv.label for lv in levels),
                }
            )
            continue
        try:
            score_input_clean(assessment, ScoreInput(level, *(wanted[n] for n in TEXT_FIELDS)))
        except ValidationError as exc:
            problems += [
                _("Scores row %(row)s (%(code)s), %(field)s: %(message)s")
                % {"row": number, "code": code, "field": name, "message": " ".join(messages)}
                for name, messages in exc.message_dict.items()
            ]
            continue
        saved = {name: getattr(score, name) for name in TEXT_FIELDS}
        fields = {
            name: (saved[name], wanted[name]) for name in TEXT_FIELDS if saved[name] != wanted[name]
        }
        if (score.level_id or None) != (level.pk if level else None):
            fields["level"] = (
                score.level.label if score.level_id else "",
                level.label if level else "",
            )
        if not fields:
            if not (observes and text):
                unchanged += 1
            continue
        if not edits:
            # A ministry's file: only new observations are read. A changed score is said,
            # not dropped without a word.
            problems.append(
                _(
                    "Scores row %(row)s (%(code)s): the scores are the assessors'; only the "
                    "column new_observation is read from your file (changed: %(fields)s)."
                )
                % {"row": number, "code": code, "fields": ", ".join(sorted(fields))}
            )
            continue
        change = ItemChange(
            score.principle.code,
            score.principle.number,
            score.principle.title,
            fields,
            conflict=score.version != expected[3],
        )
        changes.append(change)
        if not change.conflict:
            applicable.append(
                {
                    "score": score.pk,
                    "version": expected[3],
                    "level": level.pk if level else None,
                    **wanted,
                }
            )
    if problems:
        raise OfflineFileError(problems)
    token = signing.dumps(
        {
            "assessment": assessment.pk,
            "user": user.pk,
            "changes": applicable,
            "observations": observations,
        },
        salt=SALT + ".preview",
        compress=True,
    )
    return OfflinePreview(changes, unchanged, token)


def offline_apply(*, assessment: Assessment, user, token: str) -> OfflineResult:
    """Apply a confirmed preview: each change saved with the version of the file, so that
    whatever was saved since (even between the preview and now) is kept, as a conflict."""
    try:
        preview = signing.loads(token, salt=SALT + ".preview", max_age=PREVIEW_MAX_AGE_S)
    except signing.SignatureExpired:
        raise OfflineFileError(
            [_("The preview is more than an hour old: upload the file again.")]
        ) from None
    except signing.BadSignature:
        raise OfflineFileError([_("The preview was altered: upload the file again.")]) from None
    if preview["assessment"] != assessment.pk or preview["user"] != user.pk:
        raise OfflineFileError([_("This preview is not yours or not this assessment's.")])
    scores = {s.pk: s for s in assessment.scores.select_related("principle")}
    levels = {lv.pk: lv for lv in assessment.scale.levels.all()}
    applied, conflicts = [], []
    try:
        # All or nothing but the conflicts: a change that can no longer be saved (the
        # assessment moved on to review meanwhile) leaves every score as it was.
        with transaction.atomic():
            for change in preview["changes"]:
                score = scores[change["score"]]
                data = ScoreInput(
                    levels.get(change["level"]), *(change[name] for name in TEXT_FIELDS)
                )
                try:
                    score_save(
                        score=score, user=user, expected_version=change["version"], data=data
                    )
                except ScoreConflict:
                    conflicts.append(score.principle.code)
                else:
                    applied.append(score.principle.code)
            principles = {p.pk: p for p in assessment.framework.principles.all()}
            for observation in preview.get("observations", []):
                principle = principles[observation["principle"]]
                observation_add(
                    assessment=assessment, user=user, text=observation["text"], principle=principle
                )
                applied.append(principle.code)
    except PermissionDenied as exc:
        raise OfflineFileError([str(exc), _("Nothing was saved.")]) from None
    except (AssessmentLocked, ValidationError) as exc:
        message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        raise OfflineFileError([message, _("Nothing was saved.")]) from None
    return OfflineResult(applied, conflicts)


def _open(content: bytes):
    from openpyxl import load_workbook

    try:
        with open_zip(content, LIMITS):
            pass
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        for sheet in book.worksheets:
            # A sheet's stored size may be wrong: read what it holds, not what it claims.
            sheet.reset_dimensions()
        return book
    except UnsafeFile as exc:
        raise OfflineFileError([str(exc)]) from None
    except Exception as exc:  # openpyxl raises many kinds on a damaged package
        raise OfflineFileError(
            [_("The workbook cannot be read (%(error)s).") % {"error": exc}]
        ) from None


def _record(book, assessment: Assessment) -> dict:
    """The signed record of the export, checked against this assessment."""
    if SIGNATURE_SHEET not in book.sheetnames:
        raise OfflineFileError(
            [_("This is not a CT Framework export of an assessment (its record is missing).")]
        )
    token = "".join(str(row[0] or "") for row in book[SIGNATURE_SHEET].iter_rows(values_only=True))
    try:
        record = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise OfflineFileError(
            [_("The file's record of its export was altered; download the export again.")]
        ) from None
    if record["assessment"] != assessment.pk:
        raise OfflineFileError(
            [
                _("This file is the export of another assessment (no. %(id)s).")
                % {"id": record["assessment"]}
            ]
        )
    if record["framework"] != [assessment.framework.slug, assessment.framework.version]:
        raise OfflineFileError([_("This file was exported against another framework version.")])
    return record


def _cell(values: list, index: int):
    return values[index] if index < len(values) else None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _untouched(value) -> str:
    """A text cell as the assessor typed it: the export's quote before a value a spreadsheet
    would run as a formula is taken off again."""
    text = "" if value is None else str(value)
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def _level(text: str, levels):
    """The level a cell names by its label, its code or its value; None for an empty cell."""
    if not text:
        return None
    wanted = text.casefold()
    for level in levels:
        if wanted in (level.label.casefold(), level.code.casefold(), str(level.value)):
            return level
    return None


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)

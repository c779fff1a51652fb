"""Principle sets as spreadsheets: the XLSX template administrators fill in, and a filled-in
template read as a framework file (docs/framework-format.md#spreadsheets).

The workbook has three sheets: `Set` (one row per field of the set: field, value), `Tags`
(slug, name) and `Items` (one row per item: its section path, code, number, title, text,
tags, parent, assessable, notes, and a title and text column per translation). Sections
come from the paths ("Part I > Chapter 2"), in the order they first appear. A problem is
reported at its cell (`Items!E7`), and a cell holding a formula is refused.
"""

import io
import re

from django.utils.text import slugify
from django.utils.translation import gettext as _

from ctframework.languages import CODES
from ctframework.safe_parsing import LIMITS, UnsafeFile, open_zip

SET_FIELDS = [
    ("slug", "A short name in lowercase letters, digits and hyphens: valletta-principles."),
    ("version", "The version, as its issuer numbers it: 2025."),
    ("title", "The full title."),
    ("short_title", "A short title for lists."),
    ("issuing_body", "Who issued it."),
    ("kind", "principles, recommendations, policy-guidance, meeting-outcome or control-catalogue."),
    ("adopted_on", "The date it was adopted (YYYY-MM-DD), if known."),
    ("source_document", "The document it comes from (symbol or title)."),
    ("source_url", "Where the document is published, if anywhere."),
    ("item_label", "What one item is called: Principle, Recommendation…"),
    ("description", "A paragraph on what the set is for."),
    ("language", "The language of its texts: ar, zh-hans, en, fr, ru or es."),
    ("assessable", "yes if strategies are scored against it, else no."),
]
ITEM_COLUMNS = ["section", "code", "number", "title", "text", "tags", "parent", "assessable"]
ITEM_COLUMNS += ["notes"]
TRANSLATED = ["title", "text"]
PATH_SEPARATOR = re.compile(r"\s*[>›]\s*")
YES, NO = {"yes", "true", "1", "y", "oui", "sí", "si"}, {"no", "false", "0", "n", "non"}


class SpreadsheetProblem(Exception):
    """A workbook that cannot be read as a set; `problems` are (place, message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{p}: {m}" for p, m in problems))


def is_spreadsheet(content: bytes) -> bool:
    return content[:4] == b"PK\x03\x04"


def template() -> bytes:
    """The empty template, with a sheet of instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    about = book.active
    about.title = "Read me"
    for line in (
        "A principle set for CT Framework: fill in the sheets Set, Tags and Items, then "
        "upload the workbook on the admin page Import a principle set.",
        "Set: one value per field (column B). Tags: one tag per row (slug, name).",
        "Items: one row per item, in the document's order. section is the path of its "
        "section, parts separated by '>' (Part I > Regional strategies); code is optional "
        "(the number is used); tags are tag slugs separated by commas; parent is the code "
        "of the item it refines; assessable is yes or no (yes when empty).",
        "title:fr, text:fr and the like hold translations (ar, zh-hans, en, fr, ru, es).",
        "Type values: a cell holding a formula is refused.",
    ):
        about.append([line])
    about.column_dimensions["A"].width = 120
    sheet = book.create_sheet("Set")
    sheet.append(["field", "value", "help"])
    for field, help_text in SET_FIELDS:
        sheet.append([field, None, help_text])
    book.create_sheet("Tags").append(["slug", "name"])
    items = book.create_sheet("Items")
    items.append(
        ITEM_COLUMNS + [f"{field}:{code}" for code in CODES for field in TRANSLATED if code != "en"]
    )
    for sheet in book.worksheets[1:]:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def framework_file(content: bytes) -> tuple[dict, dict[str, str]]:
    """The framework file data of a filled-in template, and for each converted entry and
    field (`principles[3].title`) the cell it came from."""
    from openpyxl import load_workbook

    try:
        with open_zip(content, LIMITS):
            pass
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except UnsafeFile as exc:
        raise SpreadsheetProblem([("", str(exc))]) from None
    except Exception as exc:  # openpyxl raises many kinds on a damaged package
        raise SpreadsheetProblem(
            [("", _("The workbook cannot be read (%(error)s).") % {"error": exc})]
        ) from None
    try:
        return _framework_file(book)
    except SpreadsheetProblem:
        raise
    except Exception as exc:  # openpyxl reads a sheet only now: damaged or hostile XML
        message = _("The workbook cannot be read (%(error)s).") % {"error": exc}
        raise SpreadsheetProblem([("", message)]) from None


def _framework_file(book) -> tuple[dict, dict[str, str]]:
    problems: list[tuple[str, str]] = []
    missing = [name for name in ("Set", "Items") if name not in book.sheetnames]
    if missing:
        raise SpreadsheetProblem(
            [
                (
                    "",
                    _("The workbook has no sheet %(name)s: start from the template.")
                    % {"name": name},
                )
                for name in missing
            ]
        )
    places: dict[str, str] = {"framework": "Set"}

    def rows(name: str):
        """(row number, {column name: (value, cell name)}) of a sheet, after its header."""
        if name not in book.sheetnames:
            return
        sheet = book[name]
        sheet.reset_dimensions()  # read what the sheet holds, not the size it claims
        header = None
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            if header is None:
                header = [str(c.value).strip() if c.value is not None else "" for c in cells]
                continue
            values = {}
            for column, cell in zip(header, cells, strict=False):
                if not column or cell.value is None:
                    continue
                place = f"{name}!{cell.coordinate} ({column})"
                if cell.data_type == "f" or str(cell.value).startswith("="):
                    problems.append((place, _("a formula: type the value instead")))
                    continue
                values[column] = (_text(cell.value), place)
            if values:
                yield number, values

    meta, meta_places = {}, {}
    for _number, values in rows("Set"):
        if "field" in values and "value" in values:
            field = values["field"][0]
            meta[field], meta_places[field] = values["value"]
    framework = {key: meta[key] for key, _help in SET_FIELDS if meta.get(key)}
    if "assessable" in framework:
        framework["assessable"] = _flag(
            framework["assessable"], meta_places["assessable"], problems
        )
    else:
        framework["assessable"] = True
    framework.setdefault("language", "en")
    for key in meta_places:
        places[f"framework.{key}"] = meta_places[key]

    tags = []
    for number, values in rows("Tags"):
        tag = {key: values[key][0] for key in ("slug", "name") if key in values}
        places[f"tags[{len(tags)}]"] = f"Tags row {number}"
        tags.append(tag)

    sections, section_codes, principles = [], {}, []
    for row, values in rows("Items"):
        index = len(principles)
        places[f"principles[{index}]"] = f"Items row {row}"
        for column, (_value, place) in values.items():
            if ":" not in column:
                places[f"principles[{index}].{column}"] = place
        path = values.get("section", ("", ""))[0]
        item = {"section": _section(path, sections, section_codes)}
        for field in ("number", "title", "text"):
            if field in values:
                item[field] = values[field][0]
        if "code" not in values and "number" in values:
            # The code is the number's: a problem with it is the number cell's.
            places[f"principles[{index}].code"] = values["number"][1]
        item["code"] = values["code"][0] if "code" in values else _code_of(item.get("number", ""))
        if "tags" in values:
            item["tags"] = [t.strip() for t in values["tags"][0].split(",") if t.strip()]
        if "parent" in values:
            item["parent"] = values["parent"][0]
        if "assessable" in values:
            item["assessable"] = _flag(*values["assessable"], problems)
        if "notes" in values:
            item["notes"] = values["notes"][0]
        translations = {}
        for column, (value, place) in values.items():
            field, _sep, language = column.partition(":")
            if language and field in TRANSLATED:
                translations.setdefault(language, {})[field] = value
                places[f"principles[{index}].translations.{language}.{field}"] = place
        if translations:
            item["translations"] = translations
        principles.append(item)
    if problems:
        raise SpreadsheetProblem(problems)
    data = {"format": "ctframework.framework/2", "framework": framework}
    if tags:
        data["tags"] = tags
    data["sections"] = sections
    data["principles"] = principles
    return data, places


def _text(value) -> str:
    """A cell's value as text: whole numbers without ".0", dates as YYYY-MM-DD."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "date") and callable(value.date):
        return value.date().isoformat()
    return str(value).strip()


def _flag(value: str, place: str, problems: list) -> bool:
    if value.lower() in YES:
        return True
    if value.lower() not in NO:
        problems.append((place, _("write yes or no")))
    return False


def _code_of(number: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", number).strip("-._") or number


def _section(path: str, sections: list[dict], codes: dict[tuple, str]) -> str:
    """The code of the section at `path`, adding it (and its parents) on first sight."""
    parts = [part for part in PATH_SEPARATOR.split(path) if part] or [_("Items")]
    parent = None
    for depth in range(len(parts)):
        key = tuple(parts[: depth + 1])
        if key not in codes:
            code = slugify(parts[depth])[:40] or f"section-{len(sections) + 1}"
            if code in codes.values():
                code = f"{code}-{len(sections) + 1}"
            codes[key] = code
            entry = {"code": code, "title": parts[depth]}
            if parent:
                entry["parent"] = parent
            sections.append(entry)
        parent = codes[key]
    return parent

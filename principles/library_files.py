"""Reading and checking principle-set files (docs/framework-format.md) before anything is written.

`read_library_file()` parses YAML or JSON, checks it against the JSON Schema and the rules a
schema cannot express (unique codes, known sections and tags), and either returns the data
or raises `LibraryFileError` listing every problem with its location in the file.
"""

import datetime
import json
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import yaml
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from jsonschema import Draft202012Validator, FormatChecker

from ctframework.safe_parsing import LIMITS, UnsafeFile, load_json_or_yaml

from .interop import oscal, spreadsheet

FRAMEWORK_FORMAT = "ctframework.framework/2"
CROSSWALK_FORMAT = "ctframework.crosswalk/2"
# Version 1 files still import: they are checked against the version 1 schema, then read as
# version 2 (whose every addition is optional or has a default).
FORMATS_1 = {
    "ctframework.framework/1": FRAMEWORK_FORMAT,
    "ctframework.crosswalk/1": CROSSWALK_FORMAT,
}
MAX_FILE_BYTES = LIMITS.max_bytes
SCHEMAS = Path(__file__).parent / "schemas"
SCHEMA_PATH = SCHEMAS / "framework.schema.json"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (`principles[3].text`, line 57) and what."""

    location: str
    message: str
    line: int | None = None

    def __str__(self):
        where = self.location or "file"
        if self.line:
            where = _("%(where)s (line %(line)s)") % {"where": where, "line": self.line}
        return f"{where}: {self.message}"


class LibraryFileError(Exception):
    """A file that cannot be imported; `problems` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@cache
def load_schema(version: int = 2) -> dict:
    name = "framework.schema.json" if version == 2 else f"framework.v{version}.schema.json"
    return json.loads((SCHEMAS / name).read_text())


def _validator_for(kind: str, version: int = 2) -> Draft202012Validator:
    schema = load_schema(version)
    subschema = {"$defs": schema["$defs"], "$ref": f"#/$defs/{kind}"}
    return Draft202012Validator(subschema, format_checker=FormatChecker())


def format_path(path) -> str:
    """Turn ['principles', 3, 'text'] into 'principles[3].text'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _LineIndex:
    """Maps a data path to the line it stands on in a YAML or JSON file. The node tree is
    built (by libyaml) only when a problem needs a line number."""

    def __init__(self, text: str):
        self.text = text

    @cached_property
    def root(self):
        try:
            return yaml.compose(self.text, Loader=yaml.CSafeLoader)
        except yaml.YAMLError:
            return None

    def line_of(self, path) -> int | None:
        node, line = self.root, None
        for part in path:
            if node is None:
                break
            line = node.start_mark.line + 1
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if k.value == part), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                node = node.value[part] if part < len(node.value) else None
            else:
                node = None
        return node.start_mark.line + 1 if node is not None else line


def _dates_to_text(value):
    """YAML reads 2025-03-13 as a date; the format (and JSON) carries it as text."""
    if isinstance(value, dict):
        return {k: _dates_to_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_to_text(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _schema_problems(data: dict, kind: str, lines: _LineIndex, version: int) -> list[Problem]:
    problems = []
    validator = _validator_for(kind, version)
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.path)):
        path = list(error.absolute_path)
        message = error.message
        if error.validator == "additionalProperties":
            message = _("unknown key: %(key)s") % {"key": message.split("(")[-1].rstrip(")")}
        elif error.validator == "pattern" and error.instance is not None:
            message = (
                _("must not be empty")
                if isinstance(error.instance, str) and not error.instance.strip()
                else _("%(value)r has characters that are not allowed here")
                % {"value": error.instance}
            )
        elif error.validator == "maxLength":
            message = ngettext(
                "is too long: %(length)s character, at most %(limit)s",
                "is too long: %(length)s characters, at most %(limit)s",
                len(error.instance),
            ) % {
                "length": len(error.instance),
                "limit": error.validator_value,
            }
        elif error.validator == "type" and isinstance(error.instance, int | float):
            message += " (write it in quotes)" if "'string'" in message else ""
        problems.append(Problem(format_path(path), message, lines.line_of(path)))
    return problems


def _framework_rule_problems(data: dict, lines: _LineIndex) -> list[Problem]:
    """The rules a schema cannot express: uniqueness and references inside the file."""
    problems = []

    def problem(path, message):
        problems.append(Problem(format_path(path), message, lines.line_of(path)))

    tags = set()
    for i, tag in enumerate(data.get("tags", [])):
        if tag["slug"] in tags:
            problem(
                ["tags", i, "slug"], _("tag %(slug)r is declared twice") % {"slug": tag["slug"]}
            )
        tags.add(tag["slug"])

    sections = set()
    for i, section in enumerate(data["sections"]):
        if section["code"] in sections:
            problem(
                ["sections", i, "code"],
                _("section code %(code)r is used twice") % {"code": section["code"]},
            )
        parent = section.get("parent")
        if parent is not None and parent not in sections:
            problem(
                ["sections", i, "parent"],
                _("unknown section %(code)r: a parent must be declared before its children")
                % {"code": parent},
            )
        sections.add(section["code"])

    original = data["framework"].get("language")
    for path, entry in _translated_entries(data):
        if original in entry.get("translations", {}):
            problem(
                [*path, "translations", original],
                _(
                    "%(language)r is the set's own language: its text is the original, not a "
                    "translation"
                )
                % {"language": original},
            )

    codes = set()
    for i, principle in enumerate(data["principles"]):
        if principle["code"] in codes:
            problem(
                ["principles", i, "code"],
                _("code %(code)r is used twice") % {"code": principle["code"]},
            )
        parent = principle.get("parent")
        if parent is not None and parent not in codes:
            problem(
                ["principles", i, "parent"],
                _("unknown item %(code)r: a parent must be declared before the items it refines")
                % {"code": parent},
            )
        if principle.get("withdrawn") and principle.get("assessable"):
            problem(
                ["principles", i, "assessable"],
                _("a withdrawn item cannot be assessed"),
            )
        codes.add(principle["code"])
        if principle["section"] not in sections:
            problem(
                ["principles", i, "section"],
                _("unknown section %(code)r") % {"code": principle["section"]},
            )
        for j, tag in enumerate(principle.get("tags", [])):
            if tag not in tags:
                problem(
                    ["principles", i, "tags", j],
                    _("unknown tag %(tag)r: declare it in the top-level tags list") % {"tag": tag},
                )
    return problems


def _translated_entries(data: dict):
    """(path, entry) of everything in a framework file that may carry translations."""
    yield ["framework"], data["framework"]
    for key in ("tags", "sections", "principles"):
        for i, entry in enumerate(data.get(key, [])):
            yield [key, i], entry


def _crosswalk_rule_problems(data: dict, lines: _LineIndex) -> list[Problem]:
    problems, seen = [], {}
    entries = [("mappings", i, m) for i, m in enumerate(data["mappings"])]
    entries += [("removed", i, m) for i, m in enumerate(data.get("removed", []))]
    for key, i, mapping in entries:
        source = tuple(mapping["source"].values())
        target = tuple(mapping["target"].values())
        path = [key, i]
        if source == target:
            problems.append(
                Problem(
                    format_path(path), _("a principle cannot map to itself"), lines.line_of(path)
                )
            )
        if (source, target) in seen:
            problems.append(
                Problem(
                    format_path(path),
                    _("the same source and target as %(other)s")
                    % {"other": seen[(source, target)]},
                    lines.line_of(path),
                )
            )
        seen.setdefault((source, target), format_path(path))
        verdict = mapping.get("review", {}).get("verdict")
        if (key == "removed") != (verdict == "removed") and verdict is not None:
            where = format_path([*path, "review", "verdict"])
            message = (
                _("a removed link's verdict is 'removed'")
                if key == "removed"
                else _("only a link under 'removed' has the verdict 'removed'")
            )
            problems.append(Problem(where, message, lines.line_of([*path, "review"])))
    return problems


def read_library_file(content: bytes) -> dict:
    """Parse and check a framework or crosswalk file; return its data or raise LibraryFileError."""
    if spreadsheet.is_spreadsheet(content):
        return _read_spreadsheet(content)
    try:
        data, text = load_json_or_yaml(content)
    except UnsafeFile as exc:
        raise LibraryFileError([Problem("", str(exc), exc.line)]) from None
    if not isinstance(data, dict):
        raise LibraryFileError([Problem("", _("the file must hold a mapping with a 'format' key"))])
    data = _dates_to_text(data)
    if oscal.is_catalog(data):
        return _read_oscal_catalog(data)
    if oscal.is_mapping_collection(data):
        return _read_oscal_mappings(data)
    lines = _LineIndex(text)
    declared = data.get("format")
    version = 1 if declared in FORMATS_1 else 2
    current = FORMATS_1.get(declared, declared)
    kind = {FRAMEWORK_FORMAT: "frameworkFile", CROSSWALK_FORMAT: "crosswalkFile"}.get(current)
    if kind is None:
        raise LibraryFileError(
            [
                Problem(
                    "format",
                    _("must be %(framework)r or %(crosswalk)r (or version 1 of either)")
                    % {"framework": FRAMEWORK_FORMAT, "crosswalk": CROSSWALK_FORMAT},
                    lines.line_of(["format"]),
                )
            ]
        )
    problems = _schema_problems(data, kind, lines, version)
    if not problems:
        rules = _framework_rule_problems if kind == "frameworkFile" else _crosswalk_rule_problems
        problems = rules(data, lines)
    if problems:
        raise LibraryFileError(problems)
    if version == 1:
        data["format"] = current
        if kind == "frameworkFile":
            data["framework"].setdefault("language", "en")
    return data


def _read_oscal_catalog(document: dict) -> dict:
    """An OSCAL catalog read as a framework file, checked like one; each problem is placed
    where its control or group is in the catalog."""
    return _read_converted(lambda: oscal.framework_file(document), "frameworkFile")


def _read_oscal_mappings(document: dict) -> dict:
    """An OSCAL mapping collection read as a crosswalk file, checked like one."""
    return _read_converted(lambda: (oscal.crosswalk_file(document), {}), "crosswalkFile")


def _read_spreadsheet(content: bytes) -> dict:
    """A filled-in spreadsheet template read as a framework file, checked like one; each
    problem is placed at its cell."""
    return _read_converted(lambda: spreadsheet.framework_file(content), "frameworkFile")


def _read_converted(convert, kind: str) -> dict:
    """The data `convert()` makes of another format, with the places its entries came from,
    checked like a file of `kind`; LibraryFileError with every problem at its place."""
    try:
        data, places = convert()
    except (oscal.CatalogProblem, spreadsheet.SpreadsheetProblem) as exc:
        problems = [Problem(place, message) for place, message in exc.problems]
        raise LibraryFileError(problems) from None
    except (TypeError, AttributeError, ValueError, KeyError) as exc:
        # A value of the wrong type where the format wants an object, a list or text.
        message = _("the file does not have the structure of its format (%(error)s)")
        raise LibraryFileError([Problem("", message % {"error": exc})]) from None
    no_lines = _LineIndex("")
    problems = _schema_problems(data, kind, no_lines, 2)
    if not problems:
        rules = _framework_rule_problems if kind == "frameworkFile" else _crosswalk_rule_problems
        problems = rules(data, no_lines)
    if problems:
        raise LibraryFileError([_placed(problem, places) for problem in problems])
    return data


def _placed(problem: Problem, places: dict[str, str]) -> Problem:
    """Where a problem is in the file it came from: `principles[12].number` becomes
    `catalog.groups[0].controls[3] (control ac-2.1).number` in an OSCAL catalog, `Items!C14`
    in a spreadsheet."""
    location = problem.location
    # The longest prefix of the location that names a place: `principles[3].tags[0]` is
    # placed by `principles[3].tags` (a cell) before `principles[3]` (a row).
    ends = [len(location)] + [i for i in range(len(location) - 1, 0, -1) if location[i] in ".["]
    for end in ends:
        if location[:end] in places:
            rest = location[end:]
            return Problem(f"{places[location[:end]]}{rest}", problem.message)
    return problem


def principle_key(ref: dict) -> tuple[str, str, str]:
    """The natural key of a principle reference in a crosswalk: (framework, version, code)."""
    return (ref["framework"], ref["version"], ref["code"])

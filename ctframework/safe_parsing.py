"""Bounded parsing of files people upload: JSON, YAML and zip containers (XLSX, DOCX).

Every import reads its file through here, so a hostile file is refused quickly and in
bounded memory with a message saying which limit it broke, while real sets load fast:

- JSON is parsed by the standard library's C parser, never by the YAML loader.
- YAML is parsed by libyaml (PyYAML's C loader); anchors and aliases are refused before
  anything is built, since a few hundred bytes of nested aliases expand without limit.
- After parsing, nesting depth, the number of values and the length of each text are
  checked against `ParseLimits` without recursion.
- A zip container is checked from its directory (member count, declared sizes and
  compression ratio) before any member is read: Python's zipfile never inflates a member
  beyond its declared size.

The limits admit real sets with room to spare: NIST SP 800-53 rev 4 as OSCAL JSON is 2.7 MB,
92,000 values and 21 levels deep.
"""

import json
import zipfile
from dataclasses import dataclass
from io import BytesIO
from typing import Any

import yaml
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ctframework.languages import number


@dataclass(frozen=True)
class ParseLimits:
    max_bytes: int = 20 * 1024 * 1024
    max_depth: int = 64
    max_values: int = 1_000_000
    max_text: int = 100_000
    # Zip containers
    max_members: int = 10_000
    max_unpacked_bytes: int = 200 * 1024 * 1024
    max_ratio: int = 200


LIMITS = ParseLimits()


class UnsafeFile(ValueError):
    """The file breaks a parse limit or is not well-formed; the message says which and where
    (`line` when known)."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        super().__init__(message)


def check_size(content: bytes, limits: ParseLimits = LIMITS) -> None:
    if len(content) > limits.max_bytes:
        raise UnsafeFile(
            ngettext(
                "The file is %(size)s byte; the limit is %(limit)s.",
                "The file is %(size)s bytes; the limit is %(limit)s.",
                len(content),
            )
            % {"size": number(len(content)), "limit": number(limits.max_bytes)}
        )


def looks_like_json(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[")


def load_json(text: str, limits: ParseLimits = LIMITS) -> Any:
    """Parse JSON with the C parser, then check the structure's limits."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise UnsafeFile(_deeper_than(limits)) from None
    except json.JSONDecodeError as exc:
        raise UnsafeFile(
            _("Not valid JSON: %(problem)s (column %(column)s).")
            % {"problem": exc.msg, "column": exc.colno},
            exc.lineno,
        ) from None
    check_structure(data, limits)
    return data


def load_yaml(text: str, limits: ParseLimits = LIMITS) -> Any:
    """Parse YAML with libyaml, refusing anchors and aliases, then check the limits."""
    loader = yaml.CSafeLoader
    depth = values = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise UnsafeFile(
                    _("YAML anchors and aliases (& and *) are not accepted."),
                    event.start_mark.line + 1,
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > limits.max_depth:
                    raise UnsafeFile(
                        _deeper_than(limits),
                        event.start_mark.line + 1,
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            if isinstance(event, yaml.NodeEvent):
                values += 1
                if values > limits.max_values:
                    raise UnsafeFile(_too_many(limits), event.start_mark.line + 1)
        data = yaml.load(text, Loader=loader)  # noqa: S506 (CSafeLoader is the safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        if "nesting depth" in problem:  # libyaml's own ceiling, reached before ours
            raise UnsafeFile(_deeper_than(limits), mark.line + 1 if mark else None) from None
        raise UnsafeFile(
            _("Not valid YAML: %(problem)s.") % {"problem": problem},
            mark.line + 1 if mark else None,
        ) from None
    check_structure(data, limits)
    return data


def load_json_or_yaml(content: bytes, limits: ParseLimits = LIMITS) -> tuple[Any, str]:
    """Decode UTF-8 and parse as JSON (when it starts like JSON) or YAML; returns the data and
    the text, for reporting lines."""
    check_size(content, limits)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnsafeFile(
            _("The file is not UTF-8 (byte %(byte)s: %(reason)s).")
            % {"byte": exc.start, "reason": exc.reason}
        ) from None
    data = load_json(text, limits) if looks_like_json(text) else load_yaml(text, limits)
    return data, text


def _deeper_than(limits: ParseLimits) -> str:
    return ngettext(
        "The file is nested more than %(depth)s level deep.",
        "The file is nested more than %(depth)s levels deep.",
        limits.max_depth,
    ) % {"depth": limits.max_depth}


def _too_many(limits: ParseLimits) -> str:
    return ngettext(
        "The file holds more than %(count)s value.",
        "The file holds more than %(count)s values.",
        limits.max_values,
    ) % {"count": number(limits.max_values)}


def check_structure(data: Any, limits: ParseLimits = LIMITS) -> None:
    """Depth, number of values and text lengths, walked without recursion."""
    stack = [(data, 1)]
    values = 0
    while stack:
        value, depth = stack.pop()
        values += 1
        if values > limits.max_values:
            raise UnsafeFile(_too_many(limits))
        if depth > limits.max_depth:
            raise UnsafeFile(_deeper_than(limits))
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for pair in value.items() for item in pair)
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str) and len(value) > limits.max_text:
            raise UnsafeFile(
                ngettext(
                    "A text in the file is %(length)s character long; the limit is %(limit)s.",
                    "A text in the file is %(length)s characters long; the limit is %(limit)s.",
                    len(value),
                )
                % {"length": number(len(value)), "limit": number(limits.max_text)}
            )


def open_zip(content: bytes, limits: ParseLimits = LIMITS) -> zipfile.ZipFile:
    """A zip container, opened only after its directory shows it stays within the limits."""
    check_size(content, limits)
    try:
        archive = zipfile.ZipFile(BytesIO(content))
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise UnsafeFile(_("The file is not a readable zip container.")) from None
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise UnsafeFile(
            ngettext(
                "The file holds %(count)s part; the limit is %(limit)s.",
                "The file holds %(count)s parts; the limit is %(limit)s.",
                len(members),
            )
            % {"count": number(len(members)), "limit": number(limits.max_members)}
        )
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members) or 1
    if unpacked > limits.max_unpacked_bytes or unpacked / packed > limits.max_ratio:
        raise UnsafeFile(
            ngettext(
                "The file unpacks to %(size)s byte (%(ratio)s times its size); the limits "
                "are %(limit)s bytes and %(max_ratio)s times: it may be a zip bomb.",
                "The file unpacks to %(size)s bytes (%(ratio)s times its size); the limits "
                "are %(limit)s bytes and %(max_ratio)s times: it may be a zip bomb.",
                unpacked,
            )
            % {
                "size": number(unpacked),
                "ratio": unpacked // packed,
                "limit": number(limits.max_unpacked_bytes),
                "max_ratio": limits.max_ratio,
            }
        )
    return archive

"""The paragraph numbers a document prints ("[P3]", "3.", "Article 3", "§ 3"), so that a
location cites the document's own number rather than the app's count of passages.

A style counts as the document's numbering only when it is used throughout: enough
paragraphs carry it and their numbers mostly go up. A list of points ("1. … 2. …") inside an
unnumbered document is not numbering.
"""

import re
from dataclasses import dataclass

MIN_NUMBERED = 3
MIN_SHARE = 0.4  # of the document's paragraphs
MIN_RISING = 0.7  # of consecutive numbered paragraphs whose number goes up


@dataclass(frozen=True)
class Style:
    name: str
    pattern: re.Pattern
    label: str  # how a location cites it; {n} is the number, {word} the printed word


STYLES = [
    Style("bracketed", re.compile(r"^\[\s*P\s*(?P<n>\d{1,5})\s*\]"), "¶ {n}"),
    Style("section-sign", re.compile(r"^§\s*(?P<n>\d{1,5})\b"), "§ {n}"),
    Style(
        "article",
        re.compile(
            r"^(?P<word>Article|Art\.|Artículo|Artigo|Статья|المادة)\s*(?P<n>\d{1,5})\b",
            re.IGNORECASE,
        ),
        "{word} {n}",
    ),
    Style("dotted", re.compile(r"^(?P<n>\d{1,5})\.(?=\s)"), "¶ {n}"),
    Style("parenthesised", re.compile(r"^\((?P<n>\d{1,5})\)(?=\s)"), "¶ {n}"),
]


def paragraph_labels(paragraphs: list[str]) -> list[str]:
    """For each paragraph, how a location cites it by the document's own number ("¶ 3",
    "§ 3", "Article 3"), or "" when the document does not number its paragraphs (or this
    paragraph carries no number)."""
    best, best_matches = None, []
    for style in STYLES:
        matches = [style.pattern.match(text.strip()) for text in paragraphs]
        found = [m for m in matches if m]
        if len(found) > len([m for m in best_matches if m]):
            best, best_matches = style, matches
    found = [m for m in best_matches if m]
    if best is None or len(found) < MIN_NUMBERED or len(found) < MIN_SHARE * len(paragraphs):
        return [""] * len(paragraphs)
    numbers = [int(m.group("n")) for m in found]
    rising = sum(b > a for a, b in zip(numbers, numbers[1:], strict=False))
    if rising < MIN_RISING * (len(numbers) - 1):
        return [""] * len(paragraphs)
    return [
        best.label.format(n=int(m.group("n")), word=m.groupdict().get("word") or "") if m else ""
        for m in best_matches
    ]

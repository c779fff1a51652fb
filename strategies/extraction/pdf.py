"""Paragraphs of a PDF, found from where pypdf places each line on the page.

1. Read every line of every page with its vertical position and font size.
2. Drop running headers and footers (the same text at the top or bottom of many pages)
   and bare page numbers.
3. On each page, start a new paragraph where the gap to the previous line is clearly wider
   than the page's usual line spacing, where the font size changes, or at a bullet.
4. Join a paragraph that runs on from one page to the next.
"""

import re
import statistics
from collections import Counter
from dataclasses import dataclass

from .formats import open_pdf
from .passages import PARAGRAPH, ExtractedPassage, classify, is_page_furniture, join_lines

PARAGRAPH_GAP = 1.35  # times the usual line spacing
FURNITURE_LINES = 2  # lines at the top and at the bottom of a page that may be furniture
_BULLET = re.compile(r"^[•▪●◦‣∙·–—\-*]\s|^\(?[a-z0-9]{1,3}\)\s")
_ENDS_SENTENCE = tuple('.!?:;"”’)')


@dataclass
class Line:
    text: str
    y: float
    size: float


def pdf_blocks(data: bytes) -> tuple[list[ExtractedPassage], int, int]:
    """The paragraphs of the PDF, the number of pages and how many pages had no text."""
    from pypdf import mult

    reader = open_pdf(data)
    pages: list[list[Line]] = []
    for page in reader.pages:
        lines: list[Line] = []
        pending: list[str] = []
        where: list[tuple[float, float]] = []

        def visit(text, cm, tm, font_dict, font_size, lines=lines, pending=pending, where=where):
            if not text:
                return
            matrix = mult(tm, cm)
            pieces = text.split("\n")
            for i, piece in enumerate(pieces):
                if piece:
                    pending.append(piece)
                    where.append((matrix[5], abs(font_size * matrix[3]) or font_size))
                if i < len(pieces) - 1 and pending:
                    _close_line(lines, pending, where)

        page.extract_text(visitor_text=visit)
        if pending:
            _close_line(lines, pending, where)
        pages.append(lines)
    _drop_furniture(pages)
    blocks: list[ExtractedPassage] = []
    for number, lines in enumerate(pages, start=1):
        for paragraph in _paragraphs(lines):
            text = join_lines([line.text for line in paragraph])
            if not text:
                continue
            if blocks and _runs_on(blocks[-1], text, number):
                blocks[-1].text = join_lines([blocks[-1].text, text])
                continue
            blocks.append(ExtractedPassage(classify(text), text, number))
    empty = sum(1 for lines in pages if not lines)
    return blocks, len(pages), empty


def _close_line(lines: list[Line], pending: list[str], where: list) -> None:
    text = "".join(pending).strip()
    if text:
        y, size = where[0]
        lines.append(Line(text, y, round(size, 1)))
    pending.clear()
    where.clear()


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower()).strip()


def _drop_furniture(pages: list[list[Line]]) -> None:
    """Remove bare page numbers, and lines at a page's edge that repeat on many pages."""
    edges = Counter()
    for lines in pages:
        keys = {_furniture_key(line.text) for line in lines[:FURNITURE_LINES]}
        keys |= {_furniture_key(line.text) for line in lines[-FURNITURE_LINES:]}
        edges.update(keys)
    threshold = max(3, 0.4 * len(pages))
    repeated = {key for key, count in edges.items() if count >= threshold}
    for lines in pages:
        edge = set(range(min(FURNITURE_LINES, len(lines))))
        edge |= set(range(max(0, len(lines) - FURNITURE_LINES), len(lines)))
        lines[:] = [
            line
            for i, line in enumerate(lines)
            if not is_page_furniture(line.text)
            and not (i in edge and _furniture_key(line.text) in repeated)
        ]


def _paragraphs(lines: list[Line]) -> list[list[Line]]:
    if not lines:
        return []
    gaps = [a.y - b.y for a, b in zip(lines, lines[1:], strict=False) if a.y - b.y > 0.5]
    usual = statistics.median(gaps) if gaps else 0
    # Lines in a larger font (a heading wrapped onto two lines) are spaced wider.
    usual_size = statistics.median(line.size for line in lines)
    paragraphs = [[lines[0]]]
    for previous, line in zip(lines, lines[1:], strict=False):
        gap = previous.y - line.y
        spacing = usual * max(1.0, line.size / usual_size) if usual_size > 0 else usual
        new = (
            gap < -0.5  # back up the page: a new column or a floating block
            or (usual and gap > PARAGRAPH_GAP * spacing)
            or abs(line.size - previous.size) > 0.6
            or bool(_BULLET.match(line.text))
        )
        if new:
            paragraphs.append([line])
        else:
            paragraphs[-1].append(line)
    return paragraphs


def _runs_on(previous: ExtractedPassage, text: str, page: int) -> bool:
    """A paragraph cut by a page break: the last one on the page before ends mid-sentence
    and this one, first on its page, is no heading."""
    return (
        previous.kind == PARAGRAPH
        and previous.page == page - 1
        and not previous.text.endswith(_ENDS_SENTENCE)
        and (text[:1].islower() or classify(text) == PARAGRAPH)
    )

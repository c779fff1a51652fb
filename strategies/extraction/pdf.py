"""Paragraphs of a PDF, found from where pypdf places each line on the page.

1. Read every line of every page with its vertical position and font size.
2. Drop running headers and footers (the same text at the top or bottom of many pages)
   and bare page numbers.
3. On each page, start a new paragraph where the gap to the previous line is clearly wider
   than the page's usual line spacing, where the font size changes, or at a bullet.
4. Join a paragraph that runs on from one page to the next.

A page without a text layer (a scan) is handed to `read_scanned`, which returns the lines OCR
read on it; those come with Tesseract's own paragraphs and their word confidence, and go
through steps 2 and 4 like any other page.
"""

import re
import statistics
from collections import Counter
from collections.abc import Callable
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
    paragraph: int | None = None  # OCR: Tesseract's paragraph; text layer: found from gaps
    confidence: float | None = None  # OCR: the mean confidence of the line's words


# Given the numbers of the pages without text, the lines OCR read on each.
ScannedPageReader = Callable[[list[int]], dict[int, list]]


def pdf_blocks(
    data: bytes, read_scanned: ScannedPageReader | None = None
) -> tuple[list[ExtractedPassage], int, int, int]:
    """The paragraphs of the PDF, the number of pages, how many pages had no text and how
    many pages were read by OCR."""
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
    scanned = [number for number, lines in enumerate(pages, start=1) if not lines]
    read_by_ocr = 0
    if scanned and read_scanned is not None:
        for number, ocr_lines in read_scanned(scanned).items():
            pages[number - 1] = [
                Line(line.text, -line.top, 0.0, line.paragraph, line.confidence)
                for line in ocr_lines
            ]
            read_by_ocr += 1
    _drop_furniture(pages)
    blocks: list[ExtractedPassage] = []
    for number, lines in enumerate(pages, start=1):
        for paragraph in _paragraphs(lines):
            text = join_lines([line.text for line in paragraph])
            if not text:
                continue
            confidence = _confidence(paragraph)
            previous = blocks[-1] if blocks else None
            if previous and (
                _runs_on(previous, text, number) or _ocr_runs_on(previous, paragraph, number)
            ):
                previous.text = join_lines([previous.text, text])
                previous.ocr_confidence = _lowest(previous.ocr_confidence, confidence)
                continue
            ocr = paragraph[0].paragraph is not None
            blocks.append(ExtractedPassage(classify(text), text, number, ocr=ocr))
            blocks[-1].ocr_confidence = confidence
    empty = sum(1 for lines in pages if not lines)
    return blocks, len(pages), empty, read_by_ocr


def _confidence(lines: list[Line]) -> float | None:
    """The mean confidence of OCR'd lines, weighted by their length; None for a text layer."""
    rated = [(line.confidence, len(line.text)) for line in lines if line.confidence is not None]
    if not rated:
        return None
    return round(sum(c * n for c, n in rated) / max(1, sum(n for _, n in rated)), 1)


def _lowest(a: float | None, b: float | None) -> float | None:
    return min(x for x in (a, b) if x is not None) if a is not None or b is not None else None


def _close_line(lines: list[Line], pending: list[str], where: list) -> None:
    text = "".join(pending).strip()
    if text:
        y, size = where[0]
        lines.append(Line(text, y, round(size, 1)))
    pending.clear()
    where.clear()


def _furniture_key(text: str) -> str:
    """The line without its numbers: a footer is the same on every page whatever the page
    number, and OCR may read a footer and the page number beside it as one line."""
    return " ".join(re.sub(r"\d+", " ", text.lower()).split())


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
    if lines[0].paragraph is not None:  # read by OCR: Tesseract's paragraphs
        paragraphs = [[lines[0]]]
        for previous, line in zip(lines, lines[1:], strict=False):
            if line.paragraph == previous.paragraph:
                paragraphs[-1].append(line)
            else:
                paragraphs.append([line])
        return paragraphs
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


def _ocr_runs_on(previous: ExtractedPassage, paragraph: list[Line], page: int) -> bool:
    """Tesseract ends a paragraph early when its last line is short (often in Arabic): an
    OCR'd paragraph on the same page that ends mid-sentence goes on in the next one."""
    return (
        previous.ocr
        and paragraph[0].paragraph is not None
        and previous.page == page
        and previous.kind == PARAGRAPH
        and not previous.text.endswith(_ENDS_SENTENCE)
    )


def _runs_on(previous: ExtractedPassage, text: str, page: int) -> bool:
    """A paragraph cut by a page break: the last one on the page before ends mid-sentence
    and this one, first on its page, is no heading."""
    return (
        previous.kind == PARAGRAPH
        and previous.page == page - 1
        and not previous.text.endswith(_ENDS_SENTENCE)
        and (text[:1].islower() or classify(text) == PARAGRAPH)
    )

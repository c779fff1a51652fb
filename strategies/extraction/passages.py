"""Split a document's text into passages: paragraphs and headings, each with its page.

The formats differ in what they tell us. A DOCX names its headings (styles) and its
paragraphs; plain text separates paragraphs by blank lines and pages by form feeds; a PDF
only places lines on a page, so paragraphs are found from the vertical gaps between lines
(see pdf.py). What is common to all three lives here.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .errors import UnreadableDocument
from .formats import DOCX, PDF, TEXT, decode_text
from .numbering import paragraph_labels

HEADING = "heading"
PARAGRAPH = "paragraph"

MAX_HEADING_WORDS = 15
MAX_PASSAGE_CHARS = 6000  # longer blocks (a PDF without paragraph gaps) are cut at sentences
# What ends a paragraph's last line, and never a heading's: Latin, Chinese and Arabic marks.
_TERMINAL = tuple('.;:!?,"”’)]。！？；：，」』）؟؛،۔')
_SENTENCE_END = re.compile(r"(?<=[.!?؟۔])\s+|(?<=[。！？])")
_PAGE_NUMBER = re.compile(r"^\W*(page\s*)?\d{1,4}(\s*(of|/)\s*\d{1,4})?\W*$", re.IGNORECASE)


@dataclass
class ExtractedPassage:
    """One passage as read from the file, before it is stored."""

    kind: str
    text: str
    page: int | None = None
    heading: str = ""
    number_label: str = ""  # the document's own paragraph number, as cited
    ocr: bool = False  # read from a scanned page by OCR
    ocr_confidence: float | None = None  # the OCR engine's mean word confidence, 0 to 100


@dataclass
class Extraction:
    passages: list[ExtractedPassage]
    page_count: int | None
    pages_without_text: int = 0
    pages_read_by_ocr: int = 0


def extract_passages(data: bytes, fmt: str, read_scanned=None) -> Extraction:
    """The document's passages in reading order, each under its nearest heading. A PDF's
    pages without text are given to `read_scanned` (see pdf.pdf_blocks) to be read by OCR.

    Raises UnreadableDocument when the file holds no text to map (a scan, an empty file).
    """
    read_by_ocr = 0
    if fmt == PDF:
        from .pdf import pdf_blocks

        blocks, page_count, empty_pages, read_by_ocr = pdf_blocks(data, read_scanned)
    elif fmt == DOCX:
        from .docx import docx_blocks

        blocks, page_count, empty_pages = docx_blocks(data)
    elif fmt == TEXT:
        blocks, page_count, empty_pages = text_blocks(decode_text(data) or "")
    else:
        raise UnreadableDocument(_("Unknown document format %(format)s.") % {"format": fmt})
    passages = _with_headings([p for block in blocks for p in _split_long(block)])
    paragraphs = [p for p in passages if p.kind == PARAGRAPH]
    for passage, label in zip(
        paragraphs, paragraph_labels([p.text for p in paragraphs]), strict=True
    ):
        passage.number_label = label
    if sum(len(p.text) for p in passages if p.kind == PARAGRAPH) < 50:
        if fmt == PDF and read_by_ocr:
            raise UnreadableDocument(
                _(
                    "The PDF is scanned and OCR found no text on its pages. Check that the "
                    "scan is legible and set the strategy's language if it is known, then try "
                    "again; or ask the ministry for a copy with text."
                )
            )
        if fmt == PDF:
            raise UnreadableDocument(
                _(
                    "The PDF has no text layer: it seems to be scanned page images. Run it "
                    "through OCR (most PDF tools can) and upload the result."
                )
            )
        raise UnreadableDocument(_("The document contains no text to map."))
    return Extraction(passages, page_count, empty_pages, read_by_ocr)


def text_blocks(text: str) -> tuple[list[ExtractedPassage], int | None, int]:
    """Plain text: form feeds separate pages, blank lines separate paragraphs. A file without
    blank lines has one paragraph per line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    pages = text.split("\f")
    paged = len(pages) > 1
    blank_separated = re.search(r"\n[ \t]*\n", text) is not None
    blocks = []
    for number, page in enumerate(pages, start=1):
        chunks = re.split(r"\n[ \t]*\n", page) if blank_separated else page.split("\n")
        for chunk in chunks:
            paragraph = join_lines(chunk.split("\n"))
            if paragraph and not _PAGE_NUMBER.match(paragraph):
                blocks.append(
                    ExtractedPassage(classify(paragraph), paragraph, number if paged else None)
                )
    empty = sum(1 for page in pages if not page.strip()) if paged else 0
    return blocks, len(pages) if paged else None, empty


def join_lines(lines: list[str]) -> str:
    """One paragraph from its wrapped lines; a line broken after a hyphen ("counter-",
    "ALD-") joins the next without a space, keeping the hyphen."""
    text = ""
    for raw in lines:
        line = " ".join(raw.replace("\x00", " ").split())  # NUL cannot be stored as text
        if not line:
            continue
        if text.endswith("-") and text[-2:-1].isalnum():
            text += line
        else:
            text = f"{text} {line}" if text else line
    return text


def classify(text: str, *, looks_like_heading: bool | None = None) -> str:
    """HEADING for a short line without closing punctuation, PARAGRAPH otherwise."""
    if looks_like_heading is not None:
        return HEADING if looks_like_heading else PARAGRAPH
    words = len(text.split())
    if words > MAX_HEADING_WORDS or len(text) > 150:
        return PARAGRAPH
    if words == 0 or text.endswith(_TERMINAL) or text[0].islower():
        return PARAGRAPH
    return HEADING


def is_page_furniture(text: str) -> bool:
    """A bare page number ("12", "Page 3 of 40")."""
    return bool(_PAGE_NUMBER.match(text))


def _split_long(passage: ExtractedPassage) -> list[ExtractedPassage]:
    if len(passage.text) <= MAX_PASSAGE_CHARS:
        return [passage]
    parts, current = [], ""
    for sentence in _sentences(passage.text):
        if current and len(current) + len(sentence) > MAX_PASSAGE_CHARS:
            parts.append(current.strip())
            current = ""
        current += sentence
    parts.append(current.strip())
    # A sentence longer than a passage is cut where it must: no text is dropped.
    return [
        ExtractedPassage(
            PARAGRAPH,
            part[start : start + MAX_PASSAGE_CHARS],
            passage.page,
            ocr=passage.ocr,
            ocr_confidence=passage.ocr_confidence,
        )
        for part in parts
        for start in range(0, len(part), MAX_PASSAGE_CHARS)
    ]


def _sentences(text: str):
    """The sentences of `text`, each with the space after it (Chinese and Japanese full stops
    end a sentence without one)."""
    start = 0
    for end in _SENTENCE_END.finditer(text):
        yield text[start : end.end()]
        start = end.end()
    yield text[start:]


def _with_headings(passages: list[ExtractedPassage]) -> list[ExtractedPassage]:
    heading = ""
    for passage in passages:
        if passage.kind == HEADING:
            heading = passage.text[:500]
        else:
            passage.heading = heading
    return passages

"""Paragraphs of a Word (.docx) document, with the page numbers Word left in the file.

Word stores no pages, but it records where the last rendering broke them
(`w:lastRenderedPageBreak`) and keeps explicit page breaks (`w:br w:type="page"`). Where a
document has neither, its passages have no page and are located by their position.
"""

from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from .formats import open_docx
from .passages import HEADING, PARAGRAPH, ExtractedPassage, classify, join_lines

_RENDERED_BREAK = qn("w:lastRenderedPageBreak")
_BREAK = qn("w:br")
_TEXT = qn("w:t")
_TAB = qn("w:tab")
_TYPE = qn("w:type")


def docx_blocks(data: bytes) -> tuple[list[ExtractedPassage], int | None, int]:
    """The document's paragraphs and table rows in order, the page count if known, 0."""
    document = open_docx(data)
    blocks: list[ExtractedPassage] = []
    page, seen_break = 1, False
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                cells = []
                for cell in row.cells:
                    text = join_lines([p.text for p in cell.paragraphs])
                    if text and text not in cells:  # merged cells repeat their text
                        cells.append(text)
                if cells:
                    blocks.append(ExtractedPassage(PARAGRAPH, " | ".join(cells), page))
            continue
        text, breaks_before, breaks_after = _paragraph_text(item)
        seen_break = seen_break or bool(breaks_before or breaks_after)
        page += breaks_before
        if text:
            blocks.append(ExtractedPassage(_kind(item, text), text, page))
        page += breaks_after
    if not seen_break:
        for block in blocks:
            block.page = None
        return blocks, None, 0
    return blocks, page, 0


def _paragraph_text(paragraph: Paragraph) -> tuple[str, int, int]:
    """The paragraph's text, the page breaks before its first character and those after."""
    parts: list[str] = []
    before = after = 0
    if paragraph.paragraph_format.page_break_before:
        before += 1
    for element in paragraph._p.iter(_TEXT, _TAB, _BREAK, _RENDERED_BREAK):
        if element.tag == _TEXT:
            parts.append(element.text or "")
        elif element.tag == _TAB or (element.tag == _BREAK and element.get(_TYPE) != "page"):
            parts.append(" ")
        elif "".join(parts).strip():
            after += 1
        else:
            before += 1
    return join_lines(["".join(parts)]), before, after


def _kind(paragraph: Paragraph, text: str) -> str:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if style.startswith(("Heading", "Title", "Subtitle")):
        return HEADING
    if style.startswith("List"):
        return PARAGRAPH
    return classify(text)

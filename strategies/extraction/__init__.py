"""Reading strategy documents: recognise the format by content, extract text page by page and
split it into passages (paragraphs and headings, with their page and position).

Everything here is a pure function of the file's bytes; storing the result is the job of
strategies.services. Each unreadable case raises UnreadableDocument with a message an
assessor can act on.
"""

from .errors import UnreadableDocument
from .formats import check_readable, detect_format
from .passages import ExtractedPassage, extract_passages

__all__ = [
    "ExtractedPassage",
    "UnreadableDocument",
    "check_readable",
    "detect_format",
    "extract_passages",
]

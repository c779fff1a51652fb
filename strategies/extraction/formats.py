"""Which of the accepted formats a file is, judged by its bytes and never by its name."""

import io
import zipfile

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ctframework.safe_parsing import ParseLimits, UnsafeFile, open_zip

from .errors import UnreadableDocument

PDF, DOCX, TEXT = "pdf", "docx", "txt"

# A DOCX is a ZIP package with a main document part; its parts may not expand without bound.
DOCX_MAIN_PART = "word/document.xml"
DOCX_LIMITS = ParseLimits(max_bytes=25 * 1024 * 1024, max_unpacked_bytes=100 * 1024 * 1024)
MAX_PAGES = 2000
# Compound File Binary: legacy .doc, and the container Word uses for password-protected .docx.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def detect_format(data: bytes) -> str:
    """PDF, DOCX or plain text, from the content; anything else is refused."""
    if not data:
        raise UnreadableDocument(_("The file is empty."))
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return PDF
    if data.startswith(OLE_MAGIC):
        raise UnreadableDocument(
            _(
                "This is a password-protected Word document or an old-style .doc file. Save it "
                "as .docx without a password (or as PDF) and upload it again."
            )
        )
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                names = set(package.namelist())
        except zipfile.BadZipFile as exc:
            raise UnreadableDocument(
                _("The file looks like a Word document but its package is damaged.")
            ) from exc
        if DOCX_MAIN_PART in names:
            return DOCX
        raise UnreadableDocument(
            _("The file is a ZIP archive, not a Word (.docx) document. Upload PDF, DOCX or text.")
        )
    if decode_text(data) is not None:
        return TEXT
    raise UnreadableDocument(
        _("This is not a PDF, a Word (.docx) document or plain text. Upload one of those.")
    )


def decode_text(data: bytes) -> str | None:
    """The text of a plain-text file (UTF-8, UTF-16 with a byte-order mark, or Windows-1252),
    or None when the bytes are not text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    else:
        if b"\x00" in data:
            return None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                return None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    return None if controls > len(text) / 1000 else text


def check_readable(data: bytes, fmt: str) -> None:
    """The cheap checks made at upload, before anything is stored: the file opens, is not
    password-protected and is within the limits. Text extraction itself runs in a task."""
    if fmt == PDF:
        open_pdf(data)
    elif fmt == DOCX:
        open_docx(data)


def open_pdf(data: bytes):
    """A pypdf reader for the file, or UnreadableDocument."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableDocument(
                _(
                    "The PDF is password-protected. Remove the protection (or ask the "
                    "ministry for an open copy) and upload it again."
                )
            )
        pages = len(reader.pages)
    except UnreadableDocument:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise UnreadableDocument(
            _("The PDF is damaged and cannot be read (%(error)s).") % {"error": exc}
        ) from exc
    except Exception as exc:  # pypdf raises many kinds on hostile input; none may escape
        if "encrypt" in str(exc).lower() or "crypt" in type(exc).__name__.lower():
            raise UnreadableDocument(
                _("The PDF is encrypted in a way that cannot be opened.")
            ) from exc
        raise UnreadableDocument(
            _("The PDF is damaged and cannot be read (%(error)s).") % {"error": exc}
        ) from exc
    if pages == 0:
        raise UnreadableDocument(_("The PDF has no pages."))
    if pages > MAX_PAGES:
        raise UnreadableDocument(
            ngettext(
                "The PDF has %(pages)s page; at most %(limit)s are accepted.",
                "The PDF has %(pages)s pages; at most %(limit)s are accepted.",
                pages,
            )
            % {"pages": pages, "limit": MAX_PAGES}
        )
    return reader


def open_docx(data: bytes):
    """A python-docx document for the file, or UnreadableDocument."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with open_zip(data, DOCX_LIMITS):
            pass
    except UnsafeFile as exc:
        raise UnreadableDocument(
            _("The Word document cannot be read safely: %(error)s") % {"error": exc}
        ) from exc
    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableDocument(
            _("The Word document is damaged and cannot be read (%(error)s).") % {"error": exc}
        ) from exc
    except Exception as exc:  # lxml and python-docx errors on malformed XML
        raise UnreadableDocument(
            _("The Word document is damaged and cannot be read (%(error)s).") % {"error": exc}
        ) from exc

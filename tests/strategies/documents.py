"""Strategy documents made in memory for the tests: real PDF, DOCX and text files, and the
unreadable kinds an assessor may upload (encrypted, scanned, damaged, not a document).

Every builder returns bytes; `upload()` wraps them as the file a browser or API client sends.
The texts share words that appear nowhere else (WORD_ONLY_IN_MALTA) so scoping tests can
search for them.
"""

import base64
import functools
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

# Words that appear only in the Maltese, or only in the Kenyan, strategy's text.
WORD_ONLY_IN_MALTA = "Marsaxlokk"
WORD_ONLY_IN_KENYA = "Mombasa"

RUNNING_HEADER = "Malta National Counter-Terrorism Strategy 2019"
RUNNING_FOOTER = "Restricted draft for consultation"

# (heading, [paragraphs]) in reading order; the PDF puts each section on its own page.
SECTIONS = [
    (
        "Prevention of radicalisation",
        [
            "The Government will prevent radicalisation by working with schools, families and "
            "community organisations across Malta and Gozo.",
            "Youth services receive training to recognise early signs of violent extremism "
            f"and to refer young people to support in {WORD_ONLY_IN_MALTA} and elsewhere.",
        ],
    ),
    (
        "Protection of critical infrastructure",
        [
            "Ports, airports and energy installations are assessed every year by the "
            "protective security unit of the police.",
            "Operators of critical infrastructure report incidents to the national "
            "coordinator within twenty-four hours.",
        ],
    ),
    (
        "Pursuit and prosecution",
        [
            "Investigations of terrorist offences are led by the counter-terrorism unit "
            "under the direction of the Attorney General.",
            "Judicial cooperation with European partners follows the applicable mutual "
            "legal assistance instruments.",
        ],
    ),
]

# A single sentence long enough that, at the end of a page, it runs on to the next one.
RUN_ON = (
    "The national coordinator chairs a standing committee of the ministries responsible for "
    "home affairs, justice, foreign affairs, finance, education and health together with the "
    "police, the armed forces, the security service and the financial intelligence analysis "
    "unit and this committee meets every quarter to review the threat assessment and the "
    "implementation of each measure of the action plan and it reports once a year to the "
    "Cabinet and to the House of Representatives on the progress made and on the resources "
    "that each body has devoted to the prevention of terrorism and violent extremism in the "
    "country and abroad where Maltese citizens or interests are concerned."
)
# Paragraphs that fill the fourth page so that RUN_ON starts near its foot.
FILLERS = [
    f"Filler paragraph {n} describes a measure of the action plan in some detail, so that "
    "the page fills up before the coordination text begins."
    for n in range(1, 6)
]
PDF_PAGES = 5


def pdf_passages() -> list[tuple[int, str, str, str]]:
    """(page, kind, heading, text) of every passage the PDF should give, in order."""
    expected = []
    for page, (heading, paragraphs) in enumerate(SECTIONS, start=1):
        expected.append((page, "heading", "", heading))
        expected += [(page, "paragraph", heading, text) for text in paragraphs]
    expected.append((4, "heading", "", RUN_ON_HEADING))
    expected += [(4, "paragraph", RUN_ON_HEADING, text) for text in FILLERS + [RUN_ON]]
    return expected


RUN_ON_HEADING = "Coordination and review"


def pdf_html() -> str:
    """Each section on its own page, a running header and footer with the page number, and
    a last section whose one long sentence is cut by a page break."""
    sections = []
    for heading, paragraphs in SECTIONS:
        body = "".join(f"<p>{text}</p>" for text in paragraphs)
        sections.append(f'<section style="break-after: page"><h2>{heading}</h2>{body}</section>')
    filler = "".join(f"<p>{text}</p>" for text in FILLERS)
    sections.append(f"<section><h2>{RUN_ON_HEADING}</h2>{filler}<p>{RUN_ON}</p></section>")
    return f"""<!doctype html><html><head><meta charset="utf-8"><style>
      @page {{
        size: A6; margin: 22mm 12mm;
        @top-center {{ content: "{RUNNING_HEADER}"; font-size: 7pt; }}
        @bottom-left {{ content: "{RUNNING_FOOTER}"; font-size: 7pt; }}
        @bottom-right {{ content: counter(page); font-size: 7pt; }}
      }}
      body {{ font-family: serif; font-size: 9pt; line-height: 1.3; }}
      h2 {{ font-size: 14pt; margin: 0 0 8pt; }}
      p {{ margin: 0 0 9pt; }}
    </style></head><body>{"".join(sections)}</body></html>"""


@functools.cache
def pdf_document() -> bytes:
    import weasyprint

    return weasyprint.HTML(string=pdf_html()).write_pdf()


DOCX_TABLE = [("Measure", "Lead body"), ("Threat assessment", "Security Service")]
DOCX_AFTER_BREAK_HEADING = "Monitoring and evaluation"
DOCX_AFTER_BREAK = (
    "The national coordinator publishes a yearly report on the implementation of every "
    "measure of this strategy."
)


@functools.cache
def docx_document() -> bytes:
    """Two headed sections, a table, an explicit page break and a third section after it."""
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    for heading, paragraphs in SECTIONS[:2]:
        document.add_heading(heading, level=2)
        for text in paragraphs:
            document.add_paragraph(text)
    table = document.add_table(rows=len(DOCX_TABLE), cols=2)
    for row, values in zip(table.rows, DOCX_TABLE, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_heading(DOCX_AFTER_BREAK_HEADING, level=2)
    document.add_paragraph(DOCX_AFTER_BREAK)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_passages() -> list[tuple[int, str, str, str]]:
    """(page, kind, heading, text) of every passage the DOCX should give, in order."""
    expected = []
    for heading, paragraphs in SECTIONS[:2]:
        expected.append((1, "heading", "", heading))
        expected += [(1, "paragraph", heading, text) for text in paragraphs]
    expected += [(1, "paragraph", SECTIONS[1][0], " | ".join(row)) for row in DOCX_TABLE]
    expected.append((2, "heading", "", DOCX_AFTER_BREAK_HEADING))
    expected.append((2, "paragraph", DOCX_AFTER_BREAK_HEADING, DOCX_AFTER_BREAK))
    return expected


MALTESE_SENTENCE = "Il-Gvern ta' Malta jikkoordina l-miżuri kollha ta' din l-istrateġija."


def text_document() -> bytes:
    """Headings and paragraphs separated by blank lines, in UTF-8 (with Maltese letters)."""
    return "\n\n".join(text for _page, _kind, _heading, text in text_passages()).encode()


def text_passages() -> list[tuple[None, str, str, str]]:
    """(page, kind, heading, text) of every passage the text file should give, in order."""
    expected = []
    for heading, paragraphs in SECTIONS:
        expected.append((None, "heading", "", heading))
        expected += [(None, "paragraph", heading, text) for text in paragraphs]
    expected.append((None, "paragraph", SECTIONS[-1][0], MALTESE_SENTENCE))
    return expected


KENYAN_PARAGRAPH = (
    f"County action plans against violent extremism are drawn up in {WORD_ONLY_IN_KENYA}, "
    "Nairobi and every other county with the participation of civil society."
)


def kenya_text_document() -> bytes:
    return f"Prevention in the counties\n\n{KENYAN_PARAGRAPH}".encode()


@functools.cache
def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf_document())).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_image() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(image)
    for y in range(60, 760, 24):  # lines that look like text, but are pixels
        draw.rectangle((50, y, 550, y + 10), fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@functools.cache
def scanned_pdf() -> bytes:
    """Two pages holding only an image each, and no text layer."""
    import weasyprint

    uri = "data:image/png;base64," + base64.b64encode(png_image()).decode()
    image = f'<img src="{uri}" style="width: 100%; break-after: page">'
    html = f"<html><head><style>@page {{ size: A5; margin: 0 }}</style></head><body>{image * 2}"
    return weasyprint.HTML(string=html + "</body></html>").write_pdf()


def garbage_pdf() -> bytes:
    return b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\nthis is not a PDF object\n"


def truncated_pdf() -> bytes:
    data = pdf_document()
    return data[: len(data) // 3]


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, content in parts.items():
            package.writestr(name, content)
    return out.getvalue()


def docx_without_main_part() -> bytes:
    """A ZIP package with the other parts of a DOCX but no word/document.xml."""
    with zipfile.ZipFile(io.BytesIO(docx_document())) as package:
        parts = {n: package.read(n) for n in package.namelist() if n != "word/document.xml"}
    return _zip(parts)


def docx_with_broken_xml() -> bytes:
    """A real DOCX whose word/document.xml is cut off in the middle of an element."""
    with zipfile.ZipFile(io.BytesIO(docx_document())) as package:
        parts = {n: package.read(n) for n in package.namelist()}
    main = parts["word/document.xml"]
    parts["word/document.xml"] = main[: len(main) // 2]
    return _zip(parts)


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def ole_document() -> bytes:
    """What Word writes for a password-protected .docx or a legacy .doc: a compound file."""
    return OLE_MAGIC + b"\x00" * 504 + b"EncryptedPackage" + b"\x00\x01\x02" * 200


def binary_file() -> bytes:
    return bytes(range(256)) * 16


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def scanned_copy(pdf: bytes, *, dpi: int = 200, pages: set[int] | None = None) -> bytes:
    """The PDF as a scanner gives it: each page (or each of `pages`, 1-based) rasterised to a
    grey image at `dpi` and wrapped in a PDF page of the same size, with no text layer; the
    other pages keep their text."""
    import subprocess
    import tempfile
    from pathlib import Path

    from PIL import Image
    from pypdf import PdfReader, PdfWriter

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(source), f"{folder}/page"],
            check=True,
        )
        images = sorted(Path(folder).glob("page-*.png"))
        original = PdfReader(io.BytesIO(pdf))
        writer = PdfWriter()
        for number, path in enumerate(images, start=1):
            if pages is not None and number not in pages:
                writer.add_page(original.pages[number - 1])
                continue
            out = io.BytesIO()
            Image.open(path).save(out, format="PDF", resolution=dpi)
            writer.add_page(PdfReader(out).pages[0])
        result = io.BytesIO()
        writer.write(result)
        return result.getvalue()


def html_pdf(body: str, *, lang: str = "en", font: str = "Noto Sans", size: str = "A5") -> bytes:
    """A one-column PDF of `body` (HTML paragraphs and headings) in `font`."""
    import weasyprint

    direction = "rtl" if lang == "ar" else "ltr"
    html = f"""<!doctype html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">
      <style>@page {{ size: {size}; margin: 15mm }} body {{ font-family: "{font}";
      font-size: 11pt; line-height: 1.4 }} h2 {{ font-size: 15pt }} p {{ margin: 0 0 10pt }}
      </style></head><body>{body}</body></html>"""
    return weasyprint.HTML(string=html).write_pdf()


# The fonts a scanned copy is printed in, per language (Debian's Noto packages).
SCAN_FONTS = {"ar": "Noto Sans Arabic", "zh-hans": "Noto Sans CJK SC"}


def scanned_text(text: bytes, language: str) -> bytes:
    """A strategy's plain text (paragraphs split by blank lines) printed on A4, short lines
    without a full stop as headings, and scanned at 200 dpi."""
    from html import escape

    body = []
    for paragraph in text.decode("utf-8").strip().split("\n\n"):
        heading = len(paragraph.split()) < 16 and not paragraph.endswith((".", "。"))
        tag = "h2" if heading else "p"
        body.append(f"<{tag}>{escape(paragraph)}</{tag}>")
    font = SCAN_FONTS.get(language, "Noto Sans")
    return scanned_copy(html_pdf("".join(body), lang=language, font=font, size="A4"))


def read_scanned_text(text: bytes, language: str) -> list:
    """The paragraphs OCR reads on a scanned copy of `text` (see scanned_text), in
    `language`, as the extraction reads them."""
    from strategies.extraction import extract_passages, ocr
    from strategies.extraction.passages import PARAGRAPH

    scan = scanned_text(text, language)
    extraction = extract_passages(
        scan, "pdf", read_scanned=lambda pages: ocr.read_pages(scan, pages, [language], timeout=900)
    )
    return [p for p in extraction.passages if p.kind == PARAGRAPH]

"""Reading scanned PDF pages by OCR: OCRmyPDF and Tesseract, run as a subprocess.

OCRmyPDF is a command, not a library call, here: it starts worker processes of its own,
which a Celery prefork child may not do. The pages to read are copied into a small PDF of
their own, OCRmyPDF reads it with Tesseract's hOCR output kept (`--keep-temporary-files`
in a temporary folder of ours), and each page comes back as lines grouped into Tesseract's
paragraphs, with the confidence Tesseract gives each word.

Tesseract reads one script far better than a mixture (Arabic read with English beside it
turns some words into Latin letters), so the languages of a batch are chosen before it is
read: the language an assessor set, else the script Tesseract's orientation and script
detection finds on the pages, narrowed to the jurisdiction's languages.
"""

import io
import os
import re
import shutil
import signal
import subprocess  # noqa: S404 - fixed commands, no shell, arguments we build
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from .errors import UnreadableDocument

# Tesseract's language data for each UN language (Debian's tesseract-ocr-* packages).
TESSERACT_LANGUAGES = {
    "ar": "ara",
    "en": "eng",
    "es": "spa",
    "fr": "fra",
    "ru": "rus",
    "zh-hans": "chi_sim",
}
# The UN languages written in each script Tesseract's script detection names.
SCRIPT_LANGUAGES = {
    "Arabic": ["ar"],
    "Cyrillic": ["ru"],
    "Han": ["zh-hans"],
    "HanS": ["zh-hans"],
    "Latin": ["en", "fr", "es"],
}
OSD_MIN_CONFIDENCE = 0.5  # below this Tesseract's script guess is noise (measured)
_BBOX = re.compile(r"bbox (-?\d+) (-?\d+) (-?\d+) (-?\d+)")
_CONFIDENCE = re.compile(r"x_wconf (\d+)")
_CJK_SPACE = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=[\u3000-\u9fff\uff00-\uffef])")


class OcrFailed(UnreadableDocument):
    """OCR could not run or did not finish; the document may be tried again."""


@dataclass
class OcrLine:
    """One line Tesseract read: its text, where it starts (pixels from the page's top), the
    paragraph Tesseract put it in, and the mean confidence of its words (0 to 100)."""

    text: str
    top: int
    paragraph: int
    confidence: float | None

    def as_json(self) -> dict:
        return {"text": self.text, "top": self.top, "par": self.paragraph, "conf": self.confidence}

    @classmethod
    def from_json(cls, data: dict) -> "OcrLine":
        return cls(data["text"], data["top"], data["par"], data["conf"])


def available() -> bool:
    """Whether OCRmyPDF and Tesseract are installed on this machine."""
    return bool(shutil.which("ocrmypdf") and shutil.which("tesseract"))


def read_pages(
    data: bytes, pages: list[int], languages: list[str], *, timeout: float
) -> dict[int, list[OcrLine]]:
    """OCR the given pages (1-based) of the PDF `data` in `languages` (UN language codes);
    each page's lines in reading order. Raises OcrFailed with a message for the assessor."""
    if not available():
        raise OcrFailed(
            _("The PDF is scanned and OCR is not installed on this server; ask its administrator.")
        )
    with tempfile.TemporaryDirectory(prefix="ctf-ocr-") as folder:
        work = Path(folder)
        (work / "in.pdf").write_bytes(_only_pages(data, pages))
        command = [
            shutil.which("ocrmypdf"),
            "--force-ocr",
            "--language",
            "+".join(TESSERACT_LANGUAGES[code] for code in languages),
            "--pdf-renderer",
            "hocr",
            "--output-type",
            "pdf",
            "--optimize",
            "0",
            "--jobs",
            str(min(2, os.cpu_count() or 1)),
            "--keep-temporary-files",
            "--quiet",
            str(work / "in.pdf"),
            str(work / "out.pdf"),
        ]
        try:
            finished = _run(command, timeout=timeout, env={"TMPDIR": folder})
        except subprocess.TimeoutExpired as exc:
            raise OcrFailed(
                _("Reading the scanned pages %(pages)s by OCR took too long.")
                % {"pages": _page_range(pages)}
            ) from exc
        if finished.returncode != 0:
            reason = finished.stderr.decode(errors="replace").strip().splitlines()[-1:] or [""]
            raise OcrFailed(
                _("OCR could not read the scanned pages %(pages)s (%(reason)s).")
                % {"pages": _page_range(pages), "reason": reason[0][:200]}
            )
        read = {}
        for index, page in enumerate(pages, start=1):
            found = list(work.glob(f"ocrmypdf.io.*/{index:06d}_ocr_hocr.hocr"))
            read[page] = parse_hocr(found[0].read_bytes()) if found else []
        return read


def page_script(data: bytes, page: int) -> str | None:
    """The script Tesseract sees on a scanned page ("Arabic", "Latin"…), or None when the
    page holds too little text to tell or is not one image."""
    image, tesseract = _page_image(data, page), shutil.which("tesseract")
    if image is None or tesseract is None:
        return None
    try:
        finished = _run([tesseract, "stdin", "stdout", "--psm", "0"], timeout=20, input=image)
    except subprocess.TimeoutExpired:
        return None
    found = dict(
        line.split(":", 1) for line in finished.stdout.decode().splitlines() if ":" in line
    )
    script = found.get("Script", "").strip()
    try:
        confidence = float(found.get("Script confidence", "0"))
    except ValueError:
        return None
    return script if script and confidence >= OSD_MIN_CONFIDENCE else None


def languages_for_script(script: str | None, preferred: list[str]) -> list[str]:
    """The languages to read a page of `script` in: those of `preferred` (the jurisdiction's
    UN languages) written in it, else every UN language written in it; with no script
    known, the preferred languages of the first one's script."""
    if script not in SCRIPT_LANGUAGES:
        first = preferred[0] if preferred else "en"
        script = next((s for s, codes in SCRIPT_LANGUAGES.items() if first in codes), "Latin")
    written = SCRIPT_LANGUAGES[script]
    return [code for code in preferred if code in written] or list(written)


def parse_hocr(markup: bytes) -> list[OcrLine]:
    """The lines of one hOCR page, with their paragraph and word confidence."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    root = etree.fromstring(markup, parser)
    if root is None:
        return []
    lines = []
    for number, paragraph in enumerate(root.iterfind(".//{*}p[@class='ocr_par']"), start=1):
        for line in paragraph.iterfind(".//{*}span"):
            if line.get("class") not in ("ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"):
                continue
            words, confidences = [], []
            for word in line.iterfind("{*}span[@class='ocrx_word']"):
                text = "".join(word.itertext()).strip()
                if text:
                    words.append(text)
                    if found := _CONFIDENCE.search(word.get("title", "")):
                        confidences.append(int(found.group(1)))
            if not words:
                continue
            box = _BBOX.search(line.get("title", ""))
            lines.append(
                OcrLine(
                    text=_CJK_SPACE.sub("", " ".join(words)),
                    top=int(box.group(2)) if box else 0,
                    paragraph=number,
                    confidence=round(sum(confidences) / len(confidences), 1)
                    if confidences
                    else None,
                )
            )
    return lines


def _run(command: list[str], *, timeout: float, input: bytes | None = None, env=None):
    """Run a command in a session of its own; on timeout the whole session is killed (OCRmyPDF's
    Tesseract and Ghostscript workers with it) and TimeoutExpired raised."""
    process = subprocess.Popen(  # noqa: S603 - our own arguments, no shell
        command,
        stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "OMP_THREAD_LIMIT": "1", **(env or {})},
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(input=input, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _only_pages(data: bytes, pages: list[int]) -> bytes:
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    for page in pages:
        writer.add_page(reader.pages[page - 1])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _page_image(data: bytes, page: int) -> bytes | None:
    """The page's largest image as PNG (a scanned page is one image), or None."""
    from pypdf import PdfReader

    try:
        images = PdfReader(io.BytesIO(data)).pages[page - 1].images
        largest = max(images, key=lambda image: len(image.data), default=None)
        if largest is None:
            return None
        out = io.BytesIO()
        largest.image.save(out, format="PNG")
    except Exception:  # an image pypdf cannot decode: OCRmyPDF will still rasterise the page
        return None
    return out.getvalue()


def _page_range(pages: list[int]) -> str:
    return f"{pages[0]}–{pages[-1]}" if len(pages) > 1 else str(pages[0])

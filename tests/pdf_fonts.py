"""What a PDF's text needs of its fonts: every character drawn by a font that has it.

A subset font embedded in a PDF keeps only the glyphs drawn, and Arabic letters are drawn by
their contextual forms, so the check reads the full font each embedded one comes from (found
through fontconfig by its family name) and asks its character map.
"""

import io
import re
import subprocess
from functools import cache
from html.parser import HTMLParser

from fontTools.ttLib import TTCollection, TTFont
from pypdf import PdfReader


def embedded_families(reader: PdfReader) -> set[str]:
    """The families of the fonts the PDF embeds ("Noto Naskh Arabic")."""
    families = set()
    for page in reader.pages:
        for ref in (page["/Resources"].get("/Font") or {}).values():
            base = str(ref.get_object()["/BaseFont"]).lstrip("/")
            name = re.sub(r"^[A-Z]{6}\+", "", base)
            style = r"(-(Regular|Bold|Italic|Oblique|BoldItalic|BoldOblique|Medium|Light))+$"
            families.add(re.sub(style, "", name).replace("-", " "))
    return families


@cache
def characters_of(family: str) -> frozenset[int]:
    """The code points the installed font of `family` has glyphs for."""
    found = subprocess.run(
        ["fc-match", "-f", "%{family}\n%{file}", family], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    if family not in found[0].split(","):
        raise AssertionError(f"font {family!r} is not installed (fc-match gave {found[0]!r})")
    path = found[1]
    fonts = TTCollection(path).fonts if path.endswith(".ttc") else [TTFont(path)]
    covered = set()
    for font in fonts:
        covered |= set(font.getBestCmap() or {})
    return frozenset(covered)


def uncovered_characters(pdf: bytes, html: str) -> set[str]:
    """Characters of the HTML's text that no font embedded in its PDF has a glyph for (a
    character no font has is drawn as an empty box, which the text layer does not show)."""
    reader = PdfReader(io.BytesIO(pdf))
    text = _Text()
    text.feed(html)
    covered = set()
    for family in embedded_families(reader):
        covered |= characters_of(family)
    return {ch for ch in set("".join(text.found)) if not ch.isspace() and ord(ch) not in covered}


class _Text(HTMLParser):
    """The text of an HTML document (styles and scripts left out)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script", "title")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script", "title")

    def handle_data(self, data):
        if not self._skip:
            self.found.append(data)

"""Every principle in principles/library/ is quoted verbatim from its source document.

The source documents are plain-text extractions kept outside the repository, in
../shared/seeds/ (see its README.md). The library files copy their wording and repair only
extraction artefacts, so after normalising both sides the same way every sentence of every
principle must be found in its source.
"""

import re
from functools import cache
from pathlib import Path

import pytest

from principles.library_files import FRAMEWORK_FORMAT, read_library_file

pytestmark = pytest.mark.core

LIBRARY_DIR = Path(__file__).resolve().parents[2] / "principles" / "library"
SEEDS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"

VALLETTA_UN_DOCUMENT = "valletta-principles-2025-un-document-zh-cover-en-annex.txt"
SEED_OF = {
    "valletta-principles-2025": VALLETTA_UN_DOCUMENT,
    # The good practices come from the conference's summary of discussions, in the same document.
    "valletta-2025-good-practices": VALLETTA_UN_DOCUMENT,
    "gctf-valletta-recommendations": "valletta-recommendations-parliamentarians-gctf.txt",
    "ctc-policy-guidance-pg3": "ctc-policy-guidance-pg3-international-cooperation.txt",
    "rome-2024-coordination-mechanism": "rome-2024-coordination-mechanism-outcome.txt",
    "cted-2017-judicial-cooperation": (
        "cted-2017-technical-consultations-judicial-law-enforcement.txt"
    ),
}
# Titles are checked only where the document prints one for every item. Elsewhere the authors
# had to compose some: the summary's good practices (VGP-1 "SMART action points", ...) and
# PG3-g, whose title shortens its text. Rome 2024 and CTED 2017 titles are printed headings
# too, but the check is kept to the two sets whose titles are the documents' own headings.
TITLES_PRINTED = {"valletta-principles-2025", "gctf-valletta-recommendations"}

FOOTNOTE_LINE = re.compile(r"^[¹²³⁴⁵⁶⁷⁸⁹⁰]+ .*$", re.MULTILINE)
LINK = re.compile(r"\[([^\]]*)\]\(#[^)]*\)")
SUPERSCRIPT_DIGITS = re.compile(r"[¹²³⁴⁵⁶⁷⁸⁹⁰]")
WHITESPACE = re.compile(r"\s+")

needs_seeds = pytest.mark.skipif(
    not SEEDS_DIR.is_dir(),
    reason=f"the source documents live outside the repository and {SEEDS_DIR} is absent",
)


def normalise(text: str) -> str:
    text = text.replace("**", "").replace("*", "")
    text = LINK.sub(lambda m: m.group(1).replace("\\(", "(").replace("\\)", ")"), text)
    text = SUPERSCRIPT_DIGITS.sub("", text)
    return WHITESPACE.sub(" ", text).strip()


@cache
def source_text(seed: str) -> str:
    """The source document without its footnote lines (GCTF prints them mid-sentence)."""
    raw = (SEEDS_DIR / seed).read_text(encoding="utf-8")
    return normalise(FOOTNOTE_LINE.sub("", raw))


@cache
def library(stem: str) -> dict:
    return read_library_file((LIBRARY_DIR / f"{stem}.yaml").read_bytes())


def framework_files() -> list[str]:
    return sorted(
        path.stem
        for path in LIBRARY_DIR.glob("*.yaml")
        if library(path.stem)["format"] == FRAMEWORK_FORMAT
    )


def principle_params(stems):
    return [
        pytest.param(stem, item["code"], id=f"{stem}:{item['code']}")
        for stem in sorted(stems)
        for item in library(stem)["principles"]
    ]


def principle(stem: str, code: str) -> dict:
    return next(item for item in library(stem)["principles"] if item["code"] == code)


def test_every_framework_file_has_a_source_document():
    assert set(framework_files()) == set(SEED_OF), (
        "map every framework file in principles/library/ to its source document in SEED_OF"
    )


@needs_seeds
@pytest.mark.parametrize("stem", sorted(SEED_OF))
def test_source_document_exists(stem):
    assert (SEEDS_DIR / SEED_OF[stem]).is_file(), f"{stem}: {SEED_OF[stem]} not in {SEEDS_DIR}"


@needs_seeds
@pytest.mark.parametrize(("stem", "code"), principle_params(SEED_OF))
def test_text_is_verbatim(stem, code):
    source = source_text(SEED_OF[stem])
    text = normalise(principle(stem, code)["text"])
    assert text
    missing = [sentence for sentence in text.split(". ") if sentence not in source]
    assert missing == [], f"{stem} {code}: not in {SEED_OF[stem]}: {missing}"


@needs_seeds
@pytest.mark.parametrize(("stem", "code"), principle_params(TITLES_PRINTED))
def test_title_is_printed(stem, code):
    # Case-insensitive: some titles are printed in capitals.
    source = source_text(SEED_OF[stem]).casefold()
    title = normalise(principle(stem, code)["title"])
    assert title.casefold() in source, f"{stem} {code}: title {title!r} not in {SEED_OF[stem]}"

"""Which of the six UN languages a strategy's passages are written in, detected offline.

lingua-language-detector carries its models inside its wheel: nothing is downloaded. It is
asked to choose among the six UN languages only, the languages the product searches and
suggests in; a passage in another language is read as the closest of them. The detector is
built once per worker process, on first use (the web processes never build it: detection
runs in the extraction task).
"""

from functools import cache

from django.db.models import QuerySet, Sum
from django.db.models.functions import Length
from lingua import Language, LanguageDetectorBuilder

CODE = {
    Language.ARABIC: "ar",
    Language.CHINESE: "zh-hans",
    Language.ENGLISH: "en",
    Language.FRENCH: "fr",
    Language.RUSSIAN: "ru",
    Language.SPANISH: "es",
}

# Below this many letters a passage in a Latin script ("Introduction", "Annex 2") says too
# little to tell English, French and Spanish apart: it takes the language around it. A
# passage in Arabic, Cyrillic or Chinese script is told by its script, however short.
SHORT = 25


@cache
def _detector():
    return LanguageDetectorBuilder.from_languages(*CODE).build()


def detect_languages(texts: list[str]) -> list[str]:
    """The language code of each text, "" when none of the texts says anything.

    A text too short or too uncertain to tell takes the language of the next text that has
    one (a heading belongs to the section below it; the last ones, of the text before them),
    so a bilingual document keeps its languages passage by passage.
    """
    detected = _detector().detect_languages_in_parallel_of(texts)
    sure = [
        CODE[language] if language is not None and _long_enough(text, language) else None
        for text, language in zip(texts, detected, strict=True)
    ]
    last = next((code for code in reversed(sure) if code), "")
    out, following = [], last
    for code in reversed(sure):
        following = code or following
        out.append(following)
    return out[::-1]


def main_language(passages: QuerySet) -> str:
    """The language most of `passages`' text is in (by characters), "" for none."""
    weights = (
        passages.exclude(language="")
        .values("language")
        .annotate(size=Sum(Length("text")))
        .order_by("-size", "language")
    )
    first = weights.first()
    return first["language"] if first else ""


def _long_enough(text: str, language: Language) -> bool:
    if language in (Language.ARABIC, Language.CHINESE, Language.RUSSIAN):
        return True
    return sum(character.isalpha() for character in text) >= SHORT

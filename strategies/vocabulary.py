"""From English to the other UN languages: the words a strategy written in French, Spanish,
Russian, Arabic or Chinese uses for each English term of the principle texts.

Principle sets are published in English (their official translations, where a set has
them, are used as they are: suggestions.principle_query). To rank a French strategy's
paragraphs against an English principle, the principle's query terms are carried over
through a bilingual vocabulary (dictionary-based cross-language retrieval): one file per
language in strategies/data/vocabulary/, keyed by the English Snowball stems of the
principle texts (english_stems.txt lists them with the words they come from), each with the
words a government strategy in that language would write, in the UN's terminology. The
files were written for the app, without sight of the evaluation strategies.
"""

from functools import cache
from pathlib import Path

import yaml

FOLDER = Path(__file__).parent / "data" / "vocabulary"


@cache
def translations(language: str) -> dict[str, dict[str, float]]:
    """English stem → {index term of `language`: share of the English term's weight}.

    A word that makes several index terms (a Chinese word, indexed by its character pairs)
    shares the weight among them, so a long Chinese term counts as much as a short one.
    """
    from .ranking import index_terms  # the ranking imports this module

    path = FOLDER / f"{language}.yaml"
    if not path.exists():
        return {}
    table = {}
    for stem, words in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
        shares: dict[str, float] = {}
        for word in words or ():
            terms = index_terms(str(word), language)
            for term in terms:
                shares[term] = max(shares.get(term, 0.0), 1 / len(terms))
        if shares:
            table[str(stem)] = shares
    return table

"""Lexical ranking of strategy passages against a principle: Okapi BM25 over stemmed words.

Passages are turned into index terms once, when a document is extracted (`index_terms`,
stored on each passage). A query is a bag of weighted terms (`QueryBuilder`); `PassageIndex`
ranks the passages of one strategy against it through an inverted index, so one ranking
touches only the passages that share a term with the query.
"""

import itertools
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import snowballstemmer

from . import vocabulary
from .thesaurus import CONCEPTS

K1 = 1.2
B = 0.6  # strategies mix one-line measures and long paragraphs: length matters less
HEADING_WEIGHT = 1.0
EXPANSION_WEIGHT = 0.5
TRANSLATED = 1.0  # a term carried into another language, against its English weight
# A principle with its crosswalk texts and thesaurus words comes to about 370 terms; the
# weakest add little to the ranking but cost time on every passage that has them.
MAX_QUERY_TERMS = 200  # a passage's heading counts, but less than its own words
RANKED_CACHE_SIZE = 2000  # remembered rankings per index (a principle × its exclusions)

# Function words, and words every strategy and every principle use so often that they say
# nothing about which principle a passage addresses.
STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each either few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just may me might more most must my myself no nor not now of off on
    once only or other our ours ourselves out over own same shall she should so some such than
    that the their theirs them themselves then there these they this those through to too
    under until up upon very was we were what when where whether which while who whom why will
    with within without would you your yours yourself yourselves one two three four five
    per cent percent e g i e etc including include includes well ensure ensuring
    """.split()  # noqa: SIM905 - a word list reads better as words
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
# Snowball stemmers of the UN languages; Chinese is indexed by character pairs instead, and
# a passage of unknown language is read as English.
STEMMERS = {"ar": "arabic", "en": "english", "es": "spanish", "fr": "french", "ru": "russian"}
CHINESE = "zh-hans"
_ELISION = re.compile(r"^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)['’]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=8)
def _stemmer(language: str):
    return snowballstemmer.stemmer(STEMMERS.get(language, "english"))


@lru_cache(maxsize=200_000)
def _stem(word: str, language: str = "en") -> str:
    return _stemmer(language).stemWord(word)


def words(text: str, language: str = "en") -> list[str]:
    """The lower-cased content words of `text`, possessives dropped (and, in English, the
    function words; in the other languages the weights of BM25 leave them aside)."""
    stopwords = STOPWORDS if language not in STEMMERS or language == "en" else frozenset()
    found = []
    for match in _WORD.finditer(text.lower()):
        word = match.group()
        if language == "fr":
            word = _ELISION.sub("", word)  # l'État, d'actes, qu'il
        word = re.sub(r"['’]s?$", "", word)
        if len(word) > 1 and word not in stopwords:
            found.append(word)
    return found


def index_terms(text: str, language: str = "en") -> list[str]:
    """The terms a text in `language` is indexed under: stemmed words, and the character
    pairs of Chinese words (which are written without spaces)."""
    terms = []
    for word in words(text, language):
        if _HAN.match(word):
            terms += [word[i : i + 2] for i in range(len(word) - 1)] or [word]
        else:
            terms.append(_stem(word, language))
    return terms


def passage_terms(text: str, heading: str = "", language: str = "en") -> str:
    """What a passage stores for ranking: its terms, then `|`, then its heading's terms."""
    own = " ".join(index_terms(text, language))
    context = " ".join(index_terms(heading, language))
    return f"{own} | {context}" if context else own


@dataclass
class Ranked:
    passage_id: int
    score: float


class PassageIndex:
    """BM25 over a fixed set of passages (one strategy's); built from stored terms.

    The BM25 weight of a term in a passage does not depend on the query, so it is computed
    once here, for every (term, passage) pair at once, and kept as one sparse matrix by
    term (rows sorted by term; `starts` gives each term's run): ranking is then a weighted
    count over the runs of the query's terms, which stays fast on a strategy of tens of
    thousands of passages.
    """

    def __init__(self, passages: list[tuple[int, str]], languages=frozenset({"en"})):
        self.languages = languages  # of the passages: what a query must be carried into
        self.ids: list[int] = []
        # A new term gets the next id when first seen (all in C: this loop is the cost).
        self.vocabulary: dict[str, int] = defaultdict(itertools.count().__next__)
        term_id = self.vocabulary.__getitem__
        term_ids: list[int] = []
        frequencies: list[float] = []
        rows: list[int] = []
        lengths: list[float] = []
        for row, (passage_id, stored) in enumerate(passages):
            own, _, context = stored.partition(" | ")
            counts: Counter = Counter(own.split())
            for term in context.split():
                counts[term] += HEADING_WEIGHT
            self.ids.append(passage_id)
            term_ids.extend(map(term_id, counts))
            frequencies.extend(counts.values())
            rows.extend([row] * len(counts))
            lengths.append(sum(counts.values()))
        self.vocabulary = dict(self.vocabulary)  # lookups must not add terms
        self.size = len(self.ids)
        self.row_of = {passage_id: row for row, passage_id in enumerate(self.ids)}
        terms = np.array(term_ids, dtype=np.int32)
        tf = np.array(frequencies, dtype=np.float64)
        row_of_pair = np.array(rows, dtype=np.int32)
        length = np.array(lengths, dtype=np.float64)
        average = float(length.mean()) if self.size else 0.0
        norm = K1 * (1 - B + B * length / average) if average else np.full(self.size, K1)
        weights = tf * (K1 + 1) / (tf + norm[row_of_pair])
        order = np.argsort(terms, kind="stable")  # by term, passages in order within one
        self.rows = row_of_pair[order]
        self.weights = weights[order]
        frequency = np.bincount(terms, minlength=len(self.vocabulary))
        self.starts = np.concatenate(([0], np.cumsum(frequency)))
        self.idfs = np.log(1 + (self.size - frequency + 0.5) / (frequency + 0.5))
        self._ranked: dict[tuple, list[Ranked]] = {}

    def rank_cached(self, key, query, *, limit: int, exclude: frozenset) -> list[Ranked]:
        """`rank(query())`, remembered under `key` (what the query depends on) for as long
        as this index lives: the index is replaced when a document of the strategy changes,
        so a checklist opened again ranks nothing."""
        cache_key = (key, limit, exclude)
        found = self._ranked.get(cache_key)
        if found is None:
            if len(self._ranked) >= RANKED_CACHE_SIZE:
                self._ranked.clear()
            found = self._ranked[cache_key] = self.rank(query(), limit=limit, exclude=exclude)
        return found

    def rank(self, query: dict[str, float], *, limit: int = 5, exclude=()) -> list[Ranked]:
        """The best `limit` passages for the weighted query terms, best first (ties: the
        earlier passage)."""
        if not self.size:
            return []
        rows, contributions = [], []
        for term, weight in query.items():
            term_id = self.vocabulary.get(term)
            if term_id is not None:
                run = slice(self.starts[term_id], self.starts[term_id + 1])
                rows.append(self.rows[run])
                contributions.append(self.weights[run] * (self.idfs[term_id] * weight))
        if not rows:
            return []
        # One pass over every posting of every query term: a weighted count per passage.
        scores = np.bincount(
            np.concatenate(rows), weights=np.concatenate(contributions), minlength=self.size
        )
        for passage_id in exclude:
            row = self.row_of.get(passage_id)
            if row is not None:
                scores[row] = 0.0
        matching = np.flatnonzero(scores > 0)
        if len(matching) > limit:
            # The `limit` best, with every row tied with the last of them kept for the order.
            kth = np.partition(scores[matching], len(matching) - limit)[len(matching) - limit]
            matching = matching[scores[matching] >= kth]
        order = np.lexsort((matching, -scores[matching]))[:limit]
        return [Ranked(self.ids[row], float(scores[row])) for row in matching[order]]


class QueryBuilder:
    """The weighted terms a principle is searched with: its title counts most, then its text
    and themes, then the texts it is linked to in the crosswalk."""

    TITLE, TEXT, TAG, RELATED = 2.0, 1.0, 1.0, 0.35

    def __init__(self):
        self.weights: Counter = Counter()

    def add(self, text: str, weight: float, language: str = "en") -> "QueryBuilder":
        for term, count in Counter(index_terms(text, language)).items():
            # Repetition in a long text adds a little, not linearly.
            self.weights[term] += weight * (1 + math.log(count))
        return self

    def expand(self, weight: float = EXPANSION_WEIGHT) -> "QueryBuilder":
        """Add the other words of every thesaurus concept the query touches, each at
        `weight` times the strongest query term that brought it in."""
        added: dict[str, float] = {}
        for term, term_weight in self.weights.items():
            for related in _concept_neighbours().get(term, ()):
                added[related] = max(added.get(related, 0.0), weight * term_weight)
        for term, extra in added.items():
            self.weights[term] += extra
        return self

    def translate(self, languages) -> "QueryBuilder":
        """Carry the English terms over into each of `languages` through the bilingual
        vocabulary (strategies.vocabulary), each at TRANSLATED times the English weight;
        the English terms stay, for English passages and the words languages share."""
        english = dict(self.weights)
        for language in sorted(set(languages) - {"en", ""}):
            table = vocabulary.translations(language)
            for term, weight in english.items():
                for target, share in table.get(term, {}).items():
                    carried = weight * TRANSLATED * share
                    self.weights[target] = max(self.weights.get(target, 0.0), carried)
        return self

    def build(self, languages: int = 1) -> dict[str, float]:
        """The query: the MAX_QUERY_TERMS strongest terms per language and their weights."""
        strongest = sorted(self.weights.items(), key=lambda item: (-item[1], item[0]))
        return dict(strongest[: MAX_QUERY_TERMS * max(languages, 1)])


@lru_cache(maxsize=1)
def _concept_neighbours() -> dict[str, frozenset[str]]:
    neighbours: dict[str, set[str]] = defaultdict(set)
    for concept in CONCEPTS:
        stems = {term for word in concept for term in index_terms(word)}
        for stem in stems:
            neighbours[stem] |= stems - {stem}
    return {stem: frozenset(others) for stem, others in neighbours.items()}

"""Full-text search of passages in the six UN languages.

PostgreSQL: each passage's stored vector is made with the text-search configuration of the
passage's language (arabic, english, french, russian, spanish: stemming and stop words of
that language; the Arabic stemmer also drops diacritics). Chinese, which PostgreSQL cannot
split into words, is indexed as overlapping pairs of characters (bigrams, as Lucene's CJK
analyzer does) under the 'simple' configuration, and so is a passage whose language is not
known. A query is parsed in every configuration and the results joined with OR, so one
search box finds "terrorisme" in French passages and "الإرهاب" in Arabic ones, and the
query stays one constant the GIN index answers.

SQLite (the embedded default): each word of the query as a substring.
"""

import re

from django.contrib.postgres.search import SearchConfig, SearchQuery, SearchVector
from django.db import connection
from django.db.models import Case, CharField, QuerySet, Value, When

CONFIGS = {"ar": "arabic", "en": "english", "fr": "french", "ru": "russian", "es": "spanish"}
BIGRAMS = "zh-hans"  # indexed as character pairs
SIMPLE = "simple"

# Han ideographs (the unified blocks and their extensions A and compatibility forms).
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_BATCH = 500


def han_bigrams(text: str) -> str:
    """The text with each run of Chinese characters written as its overlapping pairs
    ("恐怖主义" → "恐怖 怖主 主义"); a lone character stays; other words are unchanged."""

    def pairs(match: re.Match) -> str:
        run = match.group()
        if len(run) == 1:
            return f" {run} "
        return " " + " ".join(run[i : i + 2] for i in range(len(run) - 1)) + " "

    return _HAN.sub(pairs, text)


def index_for_search(passages: QuerySet) -> None:
    """Store the full-text vector of `passages`, each in its language (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return
    passages.exclude(language=BIGRAMS).update(
        search_vector=SearchVector("text", config=SearchConfig(_config_column()))
    )
    chinese = list(passages.filter(language=BIGRAMS).only("pk", "text"))
    for passage in chinese:
        passage.search_vector = SearchVector(Value(han_bigrams(passage.text)), config=SIMPLE)
    # The queryset's own model: the migration that first indexed by language passes its own.
    passages.model._base_manager.bulk_update(chinese, ["search_vector"], batch_size=_BATCH)


def search_query(query: str) -> SearchQuery:
    """`query` (web-search syntax: words, "phrases", -not, or) parsed in each language's
    configuration, and as Chinese character pairs, joined with OR."""
    combined = SearchQuery(han_bigrams(query), search_type="websearch", config=SIMPLE)
    for config in CONFIGS.values():
        combined |= SearchQuery(query, search_type="websearch", config=config)
    return combined


def headline_config():
    """Per passage, the configuration its headline is marked with (an SQL expression)."""
    return SearchConfig(_config_column())


def _config_column() -> Case:
    return Case(
        *(When(language=code, then=Value(config)) for code, config in CONFIGS.items()),
        default=Value(SIMPLE),
        output_field=CharField(),
    )

"""Reads of strategy documents and passages that pages and the API share."""

import re

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import mark_safe

from assessments import permissions

from . import text_search
from .models import Passage

SEARCH_LIMIT = 100
EXCERPT_CHARACTERS = 360


def matching_passages(passages: QuerySet[Passage], query: str) -> QuerySet[Passage]:
    """The passages that match every word of `query` (PostgreSQL: full-text search in each
    passage's language over the stored vectors, best first; SQLite: each word as a
    substring, in order)."""
    query = _clean(query)  # PostgreSQL refuses NUL in text
    if not re.search(r"\w", query):
        return passages.none()
    if connection.vendor == "postgresql":
        # The stored vector, GIN-indexed (migration strategies 0008).
        search = text_search.search_query(query)
        return (
            passages.filter(search_vector=search)
            .annotate(rank=SearchRank(F("search_vector"), search))
            .order_by("-rank", "document_id", "position")
        )
    matches = Q()
    for word in re.findall(r"\w+", query):
        matches &= Q(text__icontains=word)
    return passages.filter(matches)


def search_passages(user, query: str, *, strategy=None) -> list[Passage]:
    """Passages of the strategies `user` may see that match `query`, best first; each with
    `.excerpt`, safe HTML of the text around the match with the matched words in <mark>."""
    passages = permissions.visible_passages(user).select_related(
        "document", "strategy__jurisdiction"
    )
    if strategy is not None:
        passages = passages.filter(strategy=strategy)
    found = matching_passages(passages, query)
    if connection.vendor == "postgresql":
        found = found.annotate(
            headline=SearchHeadline(
                "text",
                text_search.search_query(_clean(query)),
                config=text_search.headline_config(),
                start_sel=_MARK_START,
                stop_sel=_MARK_STOP,
                max_words=60,
                min_words=25,
            )
        )
    results = list(found[:SEARCH_LIMIT])
    for passage in results:
        headline = getattr(passage, "headline", None)
        if passage.language == text_search.BIGRAMS:
            headline = None  # PostgreSQL does not split Chinese into words to mark
        passage.excerpt = highlighted(headline, passage.text, query)
    return results


# Marks PostgreSQL puts around matched words: control characters that no text contains,
# turned into <mark> only after the text is escaped (the text itself is never trusted HTML).
_MARK_START, _MARK_STOP = "\x02", "\x03"


def highlighted(headline: str | None, text: str, query: str) -> str:
    """Safe HTML: the headline PostgreSQL marked, or else the text around the first match
    with the query's words marked (Chinese words also by their character pairs)."""
    if headline is None:
        headline = _marked_excerpt(text, query)
    safe = escape(headline.replace("\x00", ""))
    return mark_safe(  # noqa: S308 (escaped above; only our own marks become tags)
        safe.replace(_MARK_START, "<mark>").replace(_MARK_STOP, "</mark>")
    )


def _marked_excerpt(text: str, query: str) -> str:
    words = re.findall(r"\w+", query)
    words += [pair for word in words for pair in text_search.han_bigrams(word).split()]
    # The longest first, so that a whole word is marked rather than a pair inside it.
    alternatives = sorted({re.escape(word) for word in words}, key=len, reverse=True)
    if not alternatives:
        return text[:EXCERPT_CHARACTERS]
    pattern = re.compile("(" + "|".join(alternatives) + ")", re.IGNORECASE)
    first = pattern.search(text)
    start = max(0, first.start() - EXCERPT_CHARACTERS // 3) if first else 0
    excerpt = text[start : start + EXCERPT_CHARACTERS]
    if start:
        excerpt = "…" + excerpt
    if start + EXCERPT_CHARACTERS < len(text):
        excerpt += "…"
    return pattern.sub(lambda m: _MARK_START + m.group(1) + _MARK_STOP, excerpt)


def _clean(query: str) -> str:
    return query.replace("\x00", " ").strip()[:200]


def reader_page(
    passages: QuerySet[Passage], *, number, passage_id=None, count: int | None = None
) -> Page:
    """One page of `passages` (READER_PAGE_SIZE of them), so that the reader of a strategy
    of tens of thousands of paragraphs stays small. With `passage_id`, the page holding
    that passage (`passages` must then be in reading order: document, position). `count`,
    when the caller knows it, saves the paginator's count query."""
    paginator = Paginator(passages, settings.READER_PAGE_SIZE)
    if count is not None:
        paginator.__dict__["count"] = count  # Paginator.count is a cached property
    if passage_id is not None:
        target = passages.filter(pk=passage_id).values("document_id", "position").first()
        if target is not None:
            before = passages.filter(
                Q(document_id__lt=target["document_id"])
                | Q(document_id=target["document_id"], position__lt=target["position"])
            ).count()
            number = before // settings.READER_PAGE_SIZE + 1
    return paginator.get_page(number)


def passage_id_param(value) -> int | None:
    """The `passage` query parameter as an id, or None."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None

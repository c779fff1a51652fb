"""Reads of strategy documents and passages that pages and the API share."""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

from assessments import permissions

from .models import Passage

SEARCH_LIMIT = 100


def matching_passages(passages: QuerySet[Passage], query: str) -> QuerySet[Passage]:
    """The passages that match every word of `query` (PostgreSQL: English full-text search
    over the indexed text, best first; SQLite: each word as a substring, in order)."""
    query = query.replace("\x00", " ").strip()[:200]  # PostgreSQL refuses NUL in text
    if not re.search(r"\w", query):
        return passages.none()
    if connection.vendor == "postgresql":
        # The same expression as the GIN index of migration strategies 0005.
        vector = SearchVector("text", config="english")
        search = SearchQuery(query, search_type="websearch", config="english")
        return (
            passages.annotate(search=vector, rank=SearchRank(vector, search))
            .filter(search=search)
            .order_by("-rank", "document_id", "position")
        )
    matches = Q()
    for word in re.findall(r"\w+", query):
        matches &= Q(text__icontains=word)
    return passages.filter(matches)


def search_passages(user, query: str, *, strategy=None) -> list[Passage]:
    """Passages of the strategies `user` may see that match `query`, best first."""
    passages = permissions.visible_passages(user).select_related(
        "document", "strategy__jurisdiction"
    )
    if strategy is not None:
        passages = passages.filter(strategy=strategy)
    return list(matching_passages(passages, query)[:SEARCH_LIMIT])

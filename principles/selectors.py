"""Reads of the principle library that views and the API share."""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Count, Q, QuerySet

from .models import Framework, Principle, Section

SEARCH_LIMIT = 50


def frameworks_with_counts() -> QuerySet[Framework]:
    return Framework.objects.annotate(principle_count=Count("principles")).order_by(
        "-assessable", "-adopted_on", "title"
    )


def framework_sections(framework: Framework) -> list[Section]:
    """The framework's sections in order, each with `.items` (its principles) and `.depth`."""
    principles = framework.principles.prefetch_related("tags").order_by("order")
    by_section = {}
    for principle in principles:
        by_section.setdefault(principle.section_id, []).append(principle)
    sections = list(framework.sections.order_by("order"))
    depth = {}
    for section in sections:
        depth[section.pk] = depth.get(section.parent_id, -1) + 1 if section.parent_id else 0
        section.depth = depth[section.pk]
        section.items = by_section.get(section.pk, [])
    return sections


def principle_cross_references(principle: Principle) -> tuple[list, list]:
    """The links from this principle and the links to it, strongest first; each with
    `.related` (the principle at the other end) and `.sentence` (the relationship said
    from this principle's side)."""
    outgoing = list(
        principle.references_out.select_related("target__framework").order_by(
            "-strength", "target__framework__title", "target__order"
        )
    )
    incoming = list(
        principle.references_in.select_related("source__framework").order_by(
            "-strength", "source__framework__title", "source__order"
        )
    )
    for ref in outgoing + incoming:
        ref.related = ref.target if ref.source_id == principle.pk else ref.source
        ref.sentence = ref.seen_from(principle)
    return outgoing, incoming


def search_principles(query: str) -> list[Principle]:
    """Principles matching `query`, best first: PostgreSQL full-text search, or a fallback."""
    query = query.strip()[:200]
    if not query:
        return []
    base = Principle.objects.select_related("framework", "section")
    if connection.vendor == "postgresql":
        vector = SearchVector("title", weight="A", config="english") + SearchVector(
            "text", weight="B", config="english"
        )
        words = re.findall(r"\w+", query)
        if not words:
            return []
        # Prefix matching, so "parliament" also finds "parliamentarians".
        search = SearchQuery(
            " & ".join(f"{word}:*" for word in words), search_type="raw", config="english"
        )
        return list(
            base.annotate(document=vector, rank=SearchRank(vector, search))
            .filter(document=search)
            .order_by("-rank", "framework__title", "order")[:SEARCH_LIMIT]
        )
    return _search_fallback(base, query)


def _search_fallback(base: QuerySet[Principle], query: str) -> list[Principle]:
    """SQLite: every word (or its stem) must appear; title hits weigh more than text hits."""
    words = [w.lower() for w in re.findall(r"\w+", query) if len(w) > 2]
    if not words:
        return []
    stems = [w[:-1] if len(w) > 4 and w.endswith("s") else w for w in words]
    stems = [s[:-3] if len(s) > 6 and s.endswith("ion") else s for s in stems]
    matches = Q()
    for stem in stems:
        matches &= Q(title__icontains=stem) | Q(text__icontains=stem)
    scored = []
    for principle in base.filter(matches).prefetch_related("tags"):
        title, text = principle.title.lower(), principle.text.lower()
        score = sum(3 * title.count(s) + text.count(s) for s in stems) / (1 + len(text) / 2000)
        scored.append((-score, principle.framework.title, principle.order, principle))
    return [p for *_, p in sorted(scored, key=lambda row: row[:3])][:SEARCH_LIMIT]

"""Reads for mapping a strategy against an assessment's principles: ranked suggestions, the
strategy reader with each passage's linked principles, and the coverage map.

Callers have already checked that the user may see the assessment and its strategy
(permissions.can_read_strategy_text); everything here stays within that one strategy.
"""

from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page
from django.db.models import Count, Q

from strategies.models import Passage, StrategyDocument
from strategies.ranking import PassageIndex, QueryBuilder
from strategies.selectors import matching_passages, reader_page

from .models import Assessment, EvidenceLink, Score
from .selectors import assessment_scores, related_guidance

SUGGESTIONS_SHOWN = 3
_INDEX_CACHE_SIZE = 16
_QUERY_CACHE_SIZE = 5000
_indexes: OrderedDict[int, tuple[tuple, PassageIndex]] = OrderedDict()
_queries: dict[tuple, dict[str, float]] = {}


@dataclass
class Suggestion:
    passage: Passage
    relevance: float


def query_key(principle, tags, related, languages=frozenset({"en"})) -> tuple:
    """What a principle's query depends on: its texts and their translations, themes and
    crosswalk links, and the languages of the passages it is matched against."""
    key = (principle.pk, hash(principle.title), hash(principle.text), tuple(t.pk for t in tags))
    key += (hash(repr(principle.translations)), tuple(sorted(languages)))
    return key + tuple((other.pk, ref.strength) for other, ref in related)


def principle_query(principle, tags, related, languages=frozenset({"en"})) -> dict[str, float]:
    """The weighted terms a principle's passages in `languages` are searched with (cached
    per content): its English texts, carried into the other languages through the
    bilingual vocabulary, and its own translations into them where the set has some."""
    key = query_key(principle, tags, related, languages)
    query = _queries.get(key)
    if query is None:
        builder = QueryBuilder()
        builder.add(principle.title, QueryBuilder.TITLE).add(principle.text, QueryBuilder.TEXT)
        for tag in tags:
            builder.add(tag.name, QueryBuilder.TAG)
        for other, ref in related:
            builder.add(other.text, QueryBuilder.RELATED * ref.strength / 10)
        builder.expand().translate(languages)
        for language in languages:
            translated = (principle.translations or {}).get(language, {})
            builder.add(translated.get("title", ""), QueryBuilder.TITLE, language)
            builder.add(translated.get("text", ""), QueryBuilder.TEXT, language)
        if len(_queries) >= _QUERY_CACHE_SIZE:
            _queries.clear()
        query = _queries[key] = builder.build(languages=len(languages))
    return query


def strategy_index(strategy_id: int) -> PassageIndex:
    """The ranking index of a strategy's ready documents, rebuilt when one changes."""
    key = tuple(
        StrategyDocument.objects.filter(
            strategy_id=strategy_id, status=StrategyDocument.Status.READY
        )
        .order_by("pk")
        .values_list("pk", "extracted_at", "language")  # a corrected language: new terms
    )
    cached = _indexes.get(strategy_id)
    if cached is not None and cached[0] == key:
        _indexes.move_to_end(strategy_id)
        return cached[1]
    rows = []
    if key:
        rows = list(
            Passage.objects.filter(
                document_id__in=[pk for pk, *_ in key], kind=Passage.Kind.PARAGRAPH
            )
            .order_by("document_id", "position")
            .values_list("pk", "terms", "language")
        )
    index = PassageIndex(
        [(pk, terms) for pk, terms, _language in rows],
        languages=frozenset(language or "en" for _pk, _terms, language in rows) or {"en"},
    )
    _indexes[strategy_id] = (key, index)
    while len(_indexes) > _INDEX_CACHE_SIZE:
        _indexes.popitem(last=False)
    return index


def score_suggestions(
    assessment: Assessment, scores: list[Score], *, limit: int = SUGGESTIONS_SHOWN
) -> dict[int, list[Suggestion]]:
    """For each score, the passages most likely to address its principle, best first;
    passages already linked to it or dismissed for it are left out.

    Scores carry their principle with prefetched tags; `score.related` (crosswalk pairs)
    is used when the caller attached it, else read here.
    """
    index = strategy_index(assessment.strategy_id)
    if not index.size or not scores:
        return {}
    excluded: dict[int, set[int]] = defaultdict(set)
    for score_id, passage_id in EvidenceLink.objects.filter(
        score__in=[s.pk for s in scores]
    ).values_list("score_id", "passage_id"):
        excluded[score_id].add(passage_id)
    missing = [s.principle_id for s in scores if not hasattr(s, "related")]
    related = related_guidance(missing) if missing else {}
    ranked = {}
    for score in scores:
        pairs = score.related if hasattr(score, "related") else related.get(score.principle_id, [])
        tags = list(score.principle.tags.all())
        ranked[score.pk] = index.rank_cached(
            query_key(score.principle, tags, pairs, index.languages),
            lambda principle=score.principle, tags=tags, pairs=pairs: principle_query(
                principle, tags, pairs, index.languages
            ),
            limit=limit,
            exclude=frozenset(excluded[score.pk]),
        )
    wanted = {r.passage_id for found in ranked.values() for r in found}
    passages = Passage.objects.select_related("document").in_bulk(wanted)
    return {
        score_id: [Suggestion(passages[r.passage_id], r.score) for r in found]
        for score_id, found in ranked.items()
    }


def linked_passages(scores: list[Score]) -> dict[int, list[EvidenceLink]]:
    """Each score's evidence links, in document order, with their passages."""
    links = defaultdict(list)
    for link in EvidenceLink.objects.filter(
        score__in=[s.pk for s in scores], status=EvidenceLink.Status.LINKED
    ).select_related("passage__document"):
        links[link.score_id].append(link)
    return links


@dataclass
class ReaderDocument:
    document: StrategyDocument
    passages: list[Passage] = field(default_factory=list)


@dataclass
class ReaderPage:
    page: Page
    documents: list[ReaderDocument]


def reader(
    assessment: Assessment, *, query: str = "", page=None, passage_id: int | None = None
) -> ReaderPage:
    """One page of the strategy's ready documents' passages, grouped by document; each
    passage has `.linked` (the scores of this assessment it is evidence for). With
    `passage_id` (and no query), the page that holds that passage."""
    documents = {
        d.pk: d
        for d in assessment.strategy.documents.filter(
            status=StrategyDocument.Status.READY
        ).order_by("pk")
    }
    passages = Passage.objects.filter(document__in=list(documents)).order_by(
        "document_id", "position"
    )
    if query:
        passages, passage_id = matching_passages(passages, query), None
    shown = reader_page(passages, number=page, passage_id=passage_id)
    links = defaultdict(list)
    for link in EvidenceLink.objects.filter(
        score__assessment=assessment,
        status=EvidenceLink.Status.LINKED,
        passage__in=[p.pk for p in shown.object_list],
    ).select_related("score__principle__framework"):
        links[link.passage_id].append(link)
    grouped: dict[int, ReaderDocument] = {}
    for passage in shown.object_list:
        passage.linked = sorted(links.get(passage.pk, []), key=lambda k: k.score.principle.order)
        entry = grouped.setdefault(
            passage.document_id, ReaderDocument(documents[passage.document_id])
        )
        entry.passages.append(passage)
    if not grouped and not query:
        grouped = {pk: ReaderDocument(d) for pk, d in documents.items()}
    return ReaderPage(shown, list(grouped.values()))


@dataclass
class Coverage:
    with_evidence: list[Score]
    without_evidence: list[Score]
    unmapped: Page  # one page of the paragraphs linked to no principle
    paragraphs: int

    @property
    def principles(self) -> int:
        return len(self.with_evidence) + len(self.without_evidence)


def coverage(assessment: Assessment, *, page=None) -> Coverage:
    """Which principles have evidence (linked passages or quoted text) and which have none,
    and (a page at a time) which paragraphs of the strategy are evidence for no principle of
    this assessment."""
    scores = list(assessment_scores(assessment))
    links = linked_passages(scores)
    with_evidence, without_evidence = [], []
    for score in scores:
        score.links = links.get(score.pk, [])
        (with_evidence if score.links or score.evidence.strip() else without_evidence).append(score)
    linked_ids = {link.passage_id for found in links.values() for link in found}
    paragraphs = Passage.objects.filter(
        strategy=assessment.strategy,
        document__status=StrategyDocument.Status.READY,
        kind=Passage.Kind.PARAGRAPH,
    )
    counts = paragraphs.aggregate(
        total=Count("pk"), linked=Count("pk", filter=Q(pk__in=linked_ids))
    )
    unmapped = (
        paragraphs.exclude(pk__in=linked_ids)
        .select_related("document")
        .order_by("document_id", "position")
    )
    shown = reader_page(unmapped, number=page, count=counts["total"] - counts["linked"])
    return Coverage(with_evidence, without_evidence, shown, counts["total"])

"""Gap analysis: pure computation over an assessment's scores, no database access.

Definitions (the same in the summary page, the PDF report and the exports):
- A principle's gap is the distance from its level to the top of the scale.
- "Not applicable" levels count nowhere; unscored principles are listed apart and count
  nowhere either, so coverage describes what has been assessed.
- A section's coverage is achieved / possible points over its applicable scored
  principles and those of its sub-sections, as a percentage.
- The overall index is the same ratio over the whole framework.
- A section with unscored items is not "0 %": it is shown as "n of m scored", and its
  coverage, over the scored items only, is marked as such.
- Priority gaps: every principle below the top, lowest level first, then in document order.
- Scored without evidence: scored above the lowest level (value 0, "Not addressed") with no
  evidence quoted; a score of 0 needs no evidence, and "not applicable" none either.
- Section labels: a section's title, carrying its parent's label where titles repeat
  ("Substantive principles › Regional counter-terrorism strategies").
"""

from dataclasses import dataclass, field

TOP_GAPS = 5
LABEL_SEPARATOR = " › "


@dataclass(frozen=True)
class Item:
    """One principle with its score, as the analysis needs it."""

    principle_id: int
    code: str
    title: str
    section_id: int
    order: int
    value: int | None  # None: unscored or not applicable
    scored: bool
    not_applicable: bool
    has_evidence: bool
    language: str = "en"  # of the title: the user's where translated, else the set's own


@dataclass(frozen=True)
class SectionInfo:
    section_id: int
    parent_id: int | None
    title: str
    order: int
    language: str = "en"  # of the title


@dataclass
class SectionResult:
    section_id: int
    title: str
    depth: int
    total: int = 0
    scored: int = 0
    not_applicable: int = 0
    achieved: int = 0
    possible: int = 0
    label: str = ""  # the title, with its parent's label where titles repeat
    language: str = "en"  # of the title

    @property
    def coverage(self) -> float | None:
        """Percentage of the possible score, or None when nothing applicable is scored."""
        return round(100 * self.achieved / self.possible, 1) if self.possible else None

    @property
    def unscored(self) -> int:
        return self.total - self.scored

    @property
    def complete(self) -> bool:
        """Every item is scored: the coverage describes the whole section."""
        return self.scored == self.total


@dataclass
class Gap:
    item: Item
    gap: int


@dataclass
class Change:
    item: Item
    before: int
    after: int

    @property
    def delta(self) -> int:
        return self.after - self.before


@dataclass
class GapAnalysis:
    top_value: int
    sections: list[SectionResult]
    overall: SectionResult
    gaps: list[Gap]
    no_evidence: list[Item]
    unscored: list[Item]
    improved: list[Change] = field(default_factory=list)
    declined: list[Change] = field(default_factory=list)

    @property
    def overall_index(self) -> float | None:
        return self.overall.coverage

    @property
    def top_gaps(self) -> list[Gap]:
        return self.gaps[:TOP_GAPS]


def analyse(
    *,
    items: list[Item],
    sections: list[SectionInfo],
    top_value: int,
    previous: dict[str, int | None] | None = None,
) -> GapAnalysis:
    """Compute the gap analysis of `items` (one per principle) on a scale topped at `top_value`.

    `previous` maps principle codes to their value in an earlier assessment of the same
    framework; when given, the result lists what improved and what declined.
    """
    by_id = {s.section_id: s for s in sections}
    ordered = sorted(sections, key=lambda s: s.order)
    labels = section_labels(sections)
    results = {
        s.section_id: SectionResult(
            s.section_id,
            s.title,
            _depth(s, by_id),
            label=labels[s.section_id],
            language=s.language,
        )
        for s in ordered
    }
    overall = SectionResult(0, "", 0)
    section_order = {s.section_id: s.order for s in sections}
    for item in items:
        targets = [overall] + [results[sid] for sid in _ancestry(item.section_id, by_id)]
        for result in targets:
            result.total += 1
            if item.scored:
                result.scored += 1
            if item.not_applicable:
                result.not_applicable += 1
            elif item.value is not None:
                result.achieved += item.value
                result.possible += top_value
    in_order = sorted(items, key=lambda i: (section_order.get(i.section_id, 0), i.order))
    gaps = [
        Gap(item, top_value - item.value)
        for item in in_order
        if item.value is not None and item.value < top_value
    ]
    gaps.sort(key=lambda g: g.item.value)  # stable: document order within a level
    analysis = GapAnalysis(
        top_value=top_value,
        sections=[results[s.section_id] for s in ordered],
        overall=overall,
        gaps=gaps,
        no_evidence=[i for i in in_order if needs_evidence(i) and not i.has_evidence],
        unscored=[i for i in in_order if not i.scored],
    )
    if previous:
        for item in in_order:
            before = previous.get(item.code)
            if before is None or item.value is None or before == item.value:
                continue
            change = Change(item, before, item.value)
            (analysis.improved if change.delta > 0 else analysis.declined).append(change)
    return analysis


def needs_evidence(item: Item) -> bool:
    """A score above the lowest level (0, "Not addressed") rests on evidence; a score of 0,
    "not applicable" and no score at all need none."""
    return item.value is not None and item.value > 0


def section_labels(sections: list[SectionInfo]) -> dict[int, str]:
    """Each section's label: its title, preceded by its parent's label when another section
    of the set has the same title ("Substantive principles › Regional …")."""
    by_id = {s.section_id: s for s in sections}
    counts: dict[str, int] = {}
    for s in sections:
        counts[s.title] = counts.get(s.title, 0) + 1
    labels: dict[int, str] = {}

    def label(section_id: int, seen: frozenset = frozenset()) -> str:
        if section_id not in labels:
            section = by_id[section_id]
            parent = section.parent_id
            if counts[section.title] > 1 and parent in by_id and parent not in seen:
                prefix = label(parent, seen | {section_id})
                labels[section_id] = prefix + LABEL_SEPARATOR + section.title
            else:
                labels[section_id] = section.title
        return labels[section_id]

    for s in sections:
        label(s.section_id)
    return labels


def _ancestry(section_id, by_id) -> list[int]:
    chain = []
    while section_id is not None and section_id in by_id:
        chain.append(section_id)
        section_id = by_id[section_id].parent_id
    return chain


def _depth(section: SectionInfo, by_id) -> int:
    return len(_ancestry(section.section_id, by_id)) - 1

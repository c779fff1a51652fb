"""Reads for the checklist, the summary and the reports, in a fixed number of queries."""

from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q

from principles.models import CrossReference

from . import gap_analysis, permissions
from .models import Assessment, Score


@dataclass
class ChecklistSection:
    section: object
    depth: int
    items: list = field(default_factory=list)
    total: int = 0
    scored: int = 0
    not_assessable: list = field(default_factory=list)  # principles shown, never scored


@dataclass
class Checklist:
    sections: list[ChecklistSection]
    levels: list
    total: int
    scored: int
    tags: list
    first_unscored: str = ""  # the code of the first item not scored yet, if any


def assessment_scores(assessment: Assessment):
    """Every score of the assessment with its principle, section, level and tags."""
    return (
        Score.objects.filter(assessment=assessment)
        .assessable()
        # The framework too: a principle's title in the user's language asks its framework
        # which languages are official.
        .select_related("principle__section", "principle__framework", "level")
        .prefetch_related("principle__tags")
        .order_by("principle__order")
    )


def related_guidance(principle_ids) -> dict[int, list[tuple]]:
    """For each principle id, (related principle, cross-reference) pairs, strongest first."""
    wanted = set(principle_ids)
    references = (
        CrossReference.objects.filter(Q(source_id__in=wanted) | Q(target_id__in=wanted))
        .select_related("source__framework", "target__framework")
        .order_by("-strength", "pk")
    )
    related: dict[int, list] = {}
    for ref in references:
        if ref.source_id in wanted:
            related.setdefault(ref.source_id, []).append((ref.target, ref))
        if ref.target_id in wanted:
            related.setdefault(ref.target_id, []).append((ref.source, ref))
    return related


def checklist(assessment: Assessment, *, unscored_only: bool = False, tag: str = "") -> Checklist:
    """The checklist page's data: sections in order, each with its scored items and progress."""
    scores = list(assessment_scores(assessment))
    sections = list(assessment.framework.sections.order_by("order"))
    by_id = {s.pk: ChecklistSection(s, 0) for s in sections}
    for s in sections:
        by_id[s.pk].depth = by_id[s.parent_id].depth + 1 if s.parent_id in by_id else 0
    related = related_guidance([score.principle_id for score in scores])
    tags = {}
    framework = assessment.framework
    for score in scores:
        score.principle.framework = framework  # for its translations, without a query each
        entry = by_id[score.principle.section_id]
        entry.total += 1
        entry.scored += score.is_scored
        principle_tags = list(score.principle.tags.all())
        for t in principle_tags:
            tags[t.slug] = t
        if unscored_only and score.is_scored:
            continue
        if tag and tag not in {t.slug for t in principle_tags}:
            continue
        score.related = related.get(score.principle_id, [])
        entry.items.append(score)
    for principle in assessment.framework.principles.filter(
        Q(assessable=False) | Q(section__assessable=False)
    ).order_by("order"):
        principle.framework = framework
        by_id[principle.section_id].not_assessable.append(principle)
    return Checklist(
        sections=[by_id[s.pk] for s in sections],
        levels=list(assessment.scale.levels.order_by("order")),
        total=len(scores),
        scored=sum(score.is_scored for score in scores),
        tags=sorted(tags.values(), key=lambda t: t.name),
        # In the page's order: section by section.
        first_unscored=next(
            (
                score.principle.code
                for entry in by_id.values()
                for score in entry.items
                if not score.is_scored
            ),
            "",
        ),
    )


def _items(scores) -> list[gap_analysis.Item]:
    items = []
    for score in scores:
        title = score.principle.tr("title")
        items.append(
            gap_analysis.Item(
                principle_id=score.principle_id,
                code=score.principle.code,
                title=title.text,
                language=title.language,
                section_id=score.principle.section_id,
                order=score.principle.order,
                value=score.level.value if score.level_id else None,
                scored=score.is_scored,
                not_applicable=bool(score.level_id and score.level.is_not_applicable),
                has_evidence=bool(score.evidence.strip()),
            )
        )
    return items


def earlier_assessment(assessment: Assessment) -> Assessment | None:
    """The assessment to compare with: the previous revision, else the latest assessment of
    the strategy this one supersedes, against the same framework; only when comparing
    reveals nothing to anyone who may see this one (permissions.audience_covers)."""
    earlier = assessment.previous_revision
    if earlier is None and assessment.strategy.supersedes_id is not None:
        earlier = (
            Assessment.objects.filter(
                strategy_id=assessment.strategy.supersedes_id,
                framework_id=assessment.framework_id,
                status=Assessment.Status.FINALIZED,
            )
            .order_by("-revision", "-updated_at")
            .first()
        )
    if earlier is None or not permissions.audience_covers(earlier, assessment):
        return None
    return earlier


def assessment_gap_analysis(assessment: Assessment, scores=None) -> gap_analysis.GapAnalysis:
    """The gap analysis of an assessment, compared with its earlier one where there is one."""
    scores = list(scores if scores is not None else assessment_scores(assessment))
    framework = assessment.framework
    sections = []
    for section in framework.sections.all():
        section.framework = framework  # for its translations, without a query each
        title = section.tr("title")
        sections.append(
            gap_analysis.SectionInfo(
                section.pk, section.parent_id, title.text, section.order, title.language
            )
        )
    earlier = earlier_assessment(assessment)
    previous = None
    if earlier is not None:
        previous = dict(
            Score.objects.filter(assessment=earlier)
            .assessable()
            .values_list("principle__code", "level__value")
        )
    return gap_analysis.analyse(
        items=_items(scores),
        sections=sections,
        top_value=assessment.scale.top_value,
        previous=previous,
    )


def score_history(score: Score) -> list:
    """The saved changes of a score, newest first; each with `.rows`: (field name, before,
    after) in the reader's language. A level is stored as its English original ("2 ·
    Partially addressed") and shown as the reader's language says it."""
    levels = {level.code: str(level) for level in score.assessment.scale.levels.all()}

    def shown(name, value):
        if name == "level" and value:
            return levels.get(value.split(" · ", 1)[0], value)
        return value

    changes = list(score.changes.select_related("changed_by").order_by("-version"))
    for change in changes:
        change.rows = [
            (_score_field_label(name), shown(name, before), shown(name, after))
            for name, (before, after) in change.changes.items()
        ]
    return changes


def _score_field_label(name: str) -> str:
    try:
        return str(Score._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field since removed: its stored name
        return name

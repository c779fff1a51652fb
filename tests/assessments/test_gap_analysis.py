"""The gap analysis arithmetic, on hand-made data."""

import pytest

from assessments.gap_analysis import Item, SectionInfo, analyse, section_labels

pytestmark = pytest.mark.core

SECTIONS = [
    SectionInfo(1, None, "Overarching", 0),
    SectionInfo(2, None, "Substantive", 1),
    SectionInfo(3, 2, "Regional", 2),
]


def item(code, section, order, value, *, na=False, scored=True, evidence=True):
    return Item(
        principle_id=order,
        code=code,
        title=code,
        section_id=section,
        order=order,
        value=None if na or not scored else value,
        scored=scored,
        not_applicable=na,
        has_evidence=evidence,
    )


ITEMS = [
    item("P1", 1, 1, 4),
    item("P2", 1, 2, 1, evidence=False),
    item("P3", 2, 3, 2),
    item("P4", 3, 4, 0, evidence=False),  # a score of 0 needs no evidence
    item("P5", 3, 5, None, na=True),
    item("P6", 2, 6, None, scored=False),
]


def test_coverage_per_section_counts_subsections_and_skips_na_and_unscored():
    analysis = analyse(items=ITEMS, sections=SECTIONS, top_value=4)
    overarching, substantive, regional = analysis.sections
    assert (overarching.achieved, overarching.possible, overarching.coverage) == (5, 8, 62.5)
    assert (substantive.achieved, substantive.possible) == (2, 8)  # P3 + P4 (sub-section)
    assert (substantive.total, substantive.scored, substantive.not_applicable) == (4, 3, 1)
    assert (regional.coverage, regional.depth) == (0.0, 1)
    assert analysis.overall_index == round(100 * 7 / 16, 1)


def test_priority_gaps_lowest_first_then_document_order():
    analysis = analyse(items=ITEMS, sections=SECTIONS, top_value=4)
    assert [(g.item.code, g.gap) for g in analysis.gaps] == [("P4", 4), ("P2", 3), ("P3", 2)]
    assert [i.code for i in analysis.no_evidence] == ["P2"]
    assert [i.code for i in analysis.unscored] == ["P6"]


def test_top_five():
    items = [item(f"P{i}", 1, i, i % 3) for i in range(1, 10)]
    analysis = analyse(items=items, sections=SECTIONS, top_value=4)
    assert len(analysis.top_gaps) == 5
    assert [g.item.value for g in analysis.top_gaps] == [0, 0, 0, 1, 1]


def test_nothing_scored_has_no_index():
    analysis = analyse(items=[item("P1", 1, 1, None, scored=False)], sections=SECTIONS, top_value=4)
    assert analysis.overall_index is None
    assert analysis.gaps == []


def test_changes_against_an_earlier_assessment():
    previous = {"P1": 2, "P2": 3, "P3": 2, "P4": None}
    analysis = analyse(items=ITEMS, sections=SECTIONS, top_value=4, previous=previous)
    assert [(c.item.code, c.before, c.after) for c in analysis.improved] == [("P1", 2, 4)]
    assert [(c.item.code, c.before, c.after) for c in analysis.declined] == [("P2", 3, 1)]


def test_scored_without_evidence_leaves_out_not_addressed_and_not_applicable():
    items = [
        item("P1", 1, 1, 0, evidence=False),  # "Not addressed" needs no evidence
        item("P2", 1, 2, 1, evidence=False),
        item("P3", 1, 3, 4, evidence=False),
        item("P4", 1, 4, None, na=True, evidence=False),
        item("P5", 1, 5, None, scored=False, evidence=False),
        item("P6", 1, 6, 2, evidence=True),
    ]
    analysis = analyse(items=items, sections=SECTIONS, top_value=4)
    assert [i.code for i in analysis.no_evidence] == ["P2", "P3"]


def test_sections_say_how_much_of_them_is_scored():
    analysis = analyse(items=ITEMS, sections=SECTIONS, top_value=4)
    overarching, substantive, regional = analysis.sections
    assert (overarching.complete, overarching.unscored) == (True, 0)
    assert (substantive.complete, substantive.unscored) == (False, 1)  # P6
    assert regional.complete  # P4 scored, P5 not applicable: both scored
    assert not analysis.overall.complete


def test_section_labels_carry_their_parent_where_titles_repeat():
    sections = [
        SectionInfo(1, None, "Substantive principles", 0),
        SectionInfo(2, 1, "Regional counter-terrorism strategies", 1),
        SectionInfo(3, None, "Procedural principles", 2),
        SectionInfo(4, 3, "Regional counter-terrorism strategies", 3),
        SectionInfo(5, 3, "Follow-up", 4),
    ]
    assert section_labels(sections) == {
        1: "Substantive principles",
        2: "Substantive principles › Regional counter-terrorism strategies",
        3: "Procedural principles",
        4: "Procedural principles › Regional counter-terrorism strategies",
        5: "Follow-up",
    }
    analysis = analyse(items=[], sections=sections, top_value=4)
    assert [s.label for s in analysis.sections][3] == (
        "Procedural principles › Regional counter-terrorism strategies"
    )

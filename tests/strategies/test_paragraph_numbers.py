"""Locations cite the document's own paragraph numbers ("[P3]" is "¶ 3"); the passage counter is
used only when a document has none, and then it says so ("passage 4")."""

import pytest

from assessments.evidence import evidence_link
from strategies.extraction import extract_passages
from strategies.extraction.numbering import paragraph_labels
from tests.assessments.evidence_world import make_world

BODY = "The ferry operators will screen passengers and vehicles at every port of the island."


def text_with(prefixes) -> bytes:
    return ("Ports and ferries\n\n" + "\n\n".join(f"{p} {BODY}" for p in prefixes)).encode()


@pytest.mark.core
@pytest.mark.parametrize(
    "prefixes, expected",
    [
        (["[P1]", "[P2]", "[P3]"], ["¶ 1", "¶ 2", "¶ 3"]),
        (["1.", "2.", "3.", "4."], ["¶ 1", "¶ 2", "¶ 3", "¶ 4"]),
        (["Article 1", "Article 2", "Article 3"], ["Article 1", "Article 2", "Article 3"]),
        (["§ 1", "§ 2", "§ 3"], ["§ 1", "§ 2", "§ 3"]),
        (["(1)", "(2)", "(3)"], ["¶ 1", "¶ 2", "¶ 3"]),
        (["Artículo 7", "Artículo 8", "Artículo 9"], ["Artículo 7", "Artículo 8", "Artículo 9"]),
    ],
)
def test_each_numbering_style_is_cited(prefixes, expected):
    passages = extract_passages(text_with(prefixes), "txt").passages
    paragraphs = [p for p in passages if p.kind == "paragraph"]
    assert [p.number_label for p in paragraphs] == expected


@pytest.mark.core
def test_a_list_inside_an_unnumbered_text_is_not_numbering():
    texts = [BODY] * 8 + ["1. First point of a list.", "2. Second point.", "3. Third point."]
    assert paragraph_labels(texts) == [""] * 11
    shuffled = ["3. c", "1. a", "2. b", "1. d"]  # numbers that do not go up
    assert paragraph_labels(shuffled) == [""] * 4


@pytest.mark.core
@pytest.mark.django_db
def test_a_link_cites_the_documents_number_or_says_it_counted(malta, assessor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    numbered = make_world(
        jurisdiction=malta, assessor=assessor, text=text_with(["[P1]", "[P2]", "[P3]"]).decode()
    )
    third = numbered.document.passages.get(number_label="¶ 3")
    assert third.position == 4  # the heading is passage 1
    evidence_link(score=numbered.victims, passage=third, user=assessor)
    assert numbered.score(numbered.victims).location == "¶ 3"
    plain = make_world(jurisdiction=malta, assessor=assessor, text=text_with(["", ""]).decode())
    second = plain.document.passages.filter(kind="paragraph").order_by("position")[1]
    evidence_link(score=plain.victims, passage=second, user=assessor)
    assert plain.score(plain.victims).location == "passage 3"


@pytest.mark.django_db(transaction=True)
def test_the_migration_renumbers_drafts_and_leaves_finalized_assessments_alone(migrated_to):
    principles = ("principles", "0003_delete_links_the_crosswalk_review_removed")
    old = migrated_to(
        [
            ("assessments", "0006_score_location_for_many_passages"),
            ("strategies", "0008_passage_stored_search_vector"),
            principles,
        ]
    )
    get = old.get_model
    malta = get("strategies", "Jurisdiction").objects.create(
        code="MLT", name="Malta", kind="member-state"
    )
    strategy = get("strategies", "Strategy").objects.create(
        jurisdiction=malta, title="S", kind="national-ct", language="en"
    )
    document = get("strategies", "StrategyDocument").objects.create(
        strategy=strategy,
        original_name="s.txt",
        format="txt",
        size=1,
        sha256="a" * 64,
        status="ready",
    )
    Passage = get("strategies", "Passage")
    passages = [
        Passage.objects.create(
            document=document,
            strategy=strategy,
            position=n + 1,
            page=1,
            kind="paragraph",
            text=f"[P{n}] {BODY}",
        )
        for n in (1, 2, 3)
    ]
    framework = get("principles", "Framework").objects.create(
        slug="f",
        version="1",
        title="F",
        short_title="F",
        issuing_body="X",
        kind="principles",
        source_document="d",
        item_label="Principle",
    )
    section = get("principles", "Section").objects.create(framework=framework, code="s", title="S")
    principle = get("principles", "Principle").objects.create(
        framework=framework, section=section, code="P-1", number="1", title="T", text="T"
    )
    scale = get("assessments", "ScoreScale").objects.create(slug="s", name="S")
    Assessment, Score = get("assessments", "Assessment"), get("assessments", "Score")
    EvidenceLink = get("assessments", "EvidenceLink")
    scores = {}
    for status in ("draft", "finalized"):
        assessment = Assessment.objects.create(
            strategy=strategy, framework=framework, scale=scale, status=status
        )
        scores[status] = Score.objects.create(
            assessment=assessment, principle=principle, location="Act 4; p. 1, ¶ 4", version=2
        )
        EvidenceLink.objects.create(score=scores[status], passage=passages[2], status="linked")
    new = migrated_to([("assessments", "0007_evidence_link_location"), principles])
    Score = new.get_model("assessments", "Score")
    draft = Score.objects.get(pk=scores["draft"].pk)
    assert (draft.location, draft.version) == ("Act 4; p. 1, ¶ 3", 3)
    change = new.get_model("assessments", "ScoreChange").objects.get(score_id=draft.pk)
    assert change.changes == {"location": ["Act 4; p. 1, ¶ 4", "Act 4; p. 1, ¶ 3"]}
    finalized = Score.objects.get(pk=scores["finalized"].pk)
    assert (finalized.location, finalized.version) == ("Act 4; p. 1, ¶ 4", 2)
    links = new.get_model("assessments", "EvidenceLink").objects.order_by("pk")
    assert [link.location for link in links] == ["p. 1, ¶ 3", "p. 1, ¶ 4"]

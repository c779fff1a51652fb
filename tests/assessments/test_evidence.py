"""Evidence mapping in the browser and its services: linking strategy passages to principles,
suggestions, dismissals, the reader and the coverage map, and who may do any of it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import suggestions
from assessments.evidence import evidence_link, evidence_unlink, suggestion_dismiss
from assessments.models import Assessment, EvidenceLink, Score, ScoreChange
from assessments.services import (
    AssessmentLocked,
    ScoreInput,
    assessment_reopen,
    assessment_transition,
    score_save,
)
from ctframework import roles
from strategies.models import Passage
from tests.assessments.evidence_world import (
    FINANCING_TEXT,
    GEOGRAPHY_TEXT,
    MEMORIAL_TEXT,
    OVERSIGHT_TEXT,
    STRATEGY_TEXT,
    VICTIMS_TEXT,
    YOUTH_TEXT,
    between,
    make_world,
    snapshot,
    upload,
)
from tests.factories import StrategyFactory, UserFactory, grant, make_assessment

pytestmark = [
    pytest.mark.core,
    pytest.mark.django_db,
    pytest.mark.usefixtures("evidence_contained"),
]

S = Assessment.Status
VICTIMS_PHRASE = "single contact point"  # only in the victims paragraph


def url(name, assessment, *args):
    return reverse(f"assessments:{name}", args=[assessment.pk, *args])


def panel(html: str, score) -> str:
    """One checklist item's evidence panel."""
    return between(html, f'data-evidence-panel="{score.pk}"', "</div>")


def article(html: str, passage) -> str:
    """One passage of the reader."""
    return between(html, f'id="passage-{passage.pk}"', "</article>")


def suggested_ids(html: str) -> list[int]:
    """The passages suggested in a panel, in order."""
    return [int(part.split('"', 1)[0]) for part in html.split('data-passage="')[1:]]


def type_evidence(score, user, evidence, location):
    current = Score.objects.get(pk=score.pk)
    return score_save(
        score=current,
        user=user,
        expected_version=current.version,
        data=ScoreInput(None, "", evidence, location, ""),
    )


def finalize(assessment, assessor, reviewer):
    assessment_transition(assessment=assessment, user=assessor, to_status=S.IN_REVIEW)
    assessment_transition(assessment=assessment, user=reviewer, to_status=S.FINALIZED)


# --------------------------------------------------------------------------------------------
# Linking and unlinking
# --------------------------------------------------------------------------------------------


def test_linking_a_passage_to_two_principles_from_the_reader(client, world, assessor):
    passage = world.passage(VICTIMS_TEXT)
    assert str(passage.location) == "p. 1, passage 5"
    client.force_login(assessor)
    response = client.post(
        url("evidence-link", world.assessment),
        {"passage": passage.pk, "score": [world.victims.pk, world.justice.pk], "next": "reader"},
    )
    assert response.status_code == 302
    assert (
        response["Location"]
        == url("reader", world.assessment) + f"?passage={passage.pk}#passage-{passage.pk}"
    )

    links = EvidenceLink.objects.filter(passage=passage).order_by("score__principle__order")
    assert [(link.score_id, link.status, link.created_by) for link in links] == [
        (world.victims.pk, EvidenceLink.Status.LINKED, assessor),
        (world.justice.pk, EvidenceLink.Status.LINKED, assessor),
    ]
    for score in (world.victims, world.justice):
        saved = world.score(score)
        assert saved.evidence == passage.text
        assert saved.location == "p. 1, passage 5"
        assert saved.version == 1 and saved.updated_by == assessor
        change = ScoreChange.objects.get(score=score)
        assert change.version == 1 and change.changed_by == assessor
        assert change.changes == {
            "evidence": ["", passage.text],
            "location": ["", "p. 1, passage 5"],
        }

    reader = client.get(url("reader", world.assessment)).content.decode()
    shown = article(reader, passage)
    for score in (world.victims, world.justice):
        code = score.principle.code
        assert f'#item-{code}" class="badge"><bdi>{code}</bdi></a>' in shown
    assert 'class="badge"' not in article(reader, world.passage(FINANCING_TEXT))

    checklist = client.get(url("checklist", world.assessment)).content.decode()
    for score in (world.victims, world.justice):
        linked = between(panel(checklist, score), "Linked passages", "</ul>")
        assert f"#passage-{passage.pk}" in linked and "p. 1, passage 5" in linked
        assert VICTIMS_PHRASE in linked
    assert "Linked passages" not in panel(checklist, world.financing)


def test_the_reader_says_what_was_linked(client, world, assessor):
    passage = world.passage(FINANCING_TEXT)
    client.force_login(assessor)
    response = client.post(
        url("evidence-link", world.assessment),
        {"passage": passage.pk, "score": [world.financing.pk], "next": "reader"},
        follow=True,
    )
    code = world.financing.principle.code
    assert f"p. 2, passage 8 linked as evidence for {code}." in response.content.decode()


def test_a_passages_link_form_lists_the_principles_and_marks_the_linked_ones(
    client, world, assessor
):
    passage = world.passage(VICTIMS_TEXT)
    evidence_link(score=world.victims, passage=passage, user=assessor)
    client.force_login(assessor)
    link_form = url("passage-link-form", world.assessment, passage.pk)

    fragment = client.get(link_form, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment  # the fragment htmx puts under the passage
    for score in world.assessment.scores.select_related("principle"):
        assert f'value="{score.pk}"' in fragment
    assert f'value="{world.victims.pk}" checked disabled' in fragment
    assert f'value="{world.financing.pk}" checked' not in fragment

    page = client.get(link_form).content.decode()  # without JavaScript: a page of its own
    assert "<html" in page and f'value="{world.financing.pk}"' in page

    # The reader carries a link to that form, not a list of every principle per passage.
    reader = client.get(url("reader", world.assessment)).content.decode()
    assert link_form in article(reader, passage)
    assert f'value="{world.financing.pk}"' not in reader


def test_the_link_form_stays_within_a_fixed_number_of_queries(
    client, world, assessor, django_assert_max_num_queries
):
    client.force_login(assessor)
    passage = world.passage(VICTIMS_TEXT)
    with django_assert_max_num_queries(12):
        response = client.get(url("passage-link-form", world.assessment, passage.pk))
    assert response.status_code == 200


def test_linking_twice_adds_the_text_and_the_link_once(client, world, assessor):
    passage = world.passage(VICTIMS_TEXT)
    evidence_link(score=world.victims, passage=passage, user=assessor)
    again = evidence_link(score=world.victims, passage=passage, user=assessor)
    client.force_login(assessor)
    client.post(
        url("evidence-link", world.assessment),
        {"passage": passage.pk, "score": [world.victims.pk]},
    )
    assert EvidenceLink.objects.get(score=world.victims) == again
    saved = world.score(world.victims)
    assert saved.evidence == passage.text and saved.location == "p. 1, passage 5"
    assert saved.version == 1
    assert ScoreChange.objects.filter(score=world.victims).count() == 1


def test_linking_appends_to_what_the_assessor_typed(world, assessor):
    type_evidence(world.victims, assessor, "Victims Act, article 4.", "Act, art. 4")
    passage = world.passage(VICTIMS_TEXT)
    evidence_link(score=world.victims, passage=passage, user=assessor)
    saved = world.score(world.victims)
    assert saved.evidence == f"Victims Act, article 4.\n\n{passage.text}"
    assert saved.location == "Act, art. 4; p. 1, passage 5"
    assert saved.version == 2


def test_a_quote_shared_by_two_identical_passages_stays_while_one_is_linked(world, assessor):
    """An annex may repeat a paragraph word for word: one quote, two links, two locations."""
    original = world.passage(VICTIMS_TEXT)
    annex, _created = upload(world.assessment.strategy, assessor, original.text, "annex.txt")
    repeated = annex.passages.get()
    first = evidence_link(score=world.victims, passage=original, user=assessor)
    evidence_link(score=world.victims, passage=repeated, user=assessor)
    assert world.score(world.victims).evidence == original.text  # quoted once
    evidence_unlink(link=first, user=assessor)
    saved = world.score(world.victims)
    assert saved.evidence == original.text  # still quoted: the annex's passage is linked
    assert saved.location == str(repeated.location)


def test_a_location_shared_by_two_passages_stays_while_one_is_linked(world, assessor):
    """A main text and its annex can both have a "passage 1": unlinking one keeps the other's."""
    first_annex, _created = upload(
        world.assessment.strategy,
        assessor,
        "Annex one\n\n"
        + ("Victims of attacks abroad will be repatriated at public expense with their families."),
        "annex-1.txt",
    )
    second_annex, _created = upload(
        world.assessment.strategy,
        assessor,
        "Annex two\n\n"
        + ("Victims will receive psychological care for as long as their doctors advise it."),
        "annex-2.txt",
    )
    one, two = (
        first_annex.passages.get(kind="paragraph"),
        second_annex.passages.get(kind="paragraph"),
    )
    assert str(one.location) == str(two.location) == "passage 2"
    link = evidence_link(score=world.victims, passage=one, user=assessor)
    evidence_link(score=world.victims, passage=two, user=assessor)
    assert world.score(world.victims).location == "passage 2"  # written once
    evidence_unlink(link=link, user=assessor)
    saved = world.score(world.victims)
    assert saved.location == "passage 2"
    assert saved.evidence == two.text


def test_unlinking_twice_is_harmless(client, world, assessor):
    link = evidence_link(score=world.victims, passage=world.passage(VICTIMS_TEXT), user=assessor)
    evidence_unlink(link=link, user=assessor)
    version = world.score(world.victims).version
    evidence_unlink(link=link, user=assessor)  # a second click, from a page loaded before
    assert world.score(world.victims).version == version
    client.force_login(assessor)
    response = client.post(url("evidence-unlink", world.assessment, link.pk))
    assert response.status_code == 404


def test_unlinking_removes_exactly_that_passage_and_keeps_the_typed_text(client, world, assessor):
    type_evidence(world.victims, assessor, "Victims Act, article 4.", "Act, art. 4")
    victims, memorial = world.passage(VICTIMS_TEXT), world.passage(MEMORIAL_TEXT)
    link = evidence_link(score=world.victims, passage=victims, user=assessor)
    kept = evidence_link(score=world.victims, passage=memorial, user=assessor)
    version = world.score(world.victims).version
    client.force_login(assessor)
    response = client.post(url("evidence-unlink", world.assessment, link.pk))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{world.victims.principle.code}")
    assert list(EvidenceLink.objects.filter(score=world.victims)) == [kept]
    saved = world.score(world.victims)
    assert saved.evidence == f"Victims Act, article 4.\n\n{memorial.text}"
    assert saved.location == "Act, art. 4; p. 1, passage 6"
    assert saved.version == version + 1
    assert ScoreChange.objects.get(score=world.victims, version=saved.version).changes == {
        "evidence": [
            f"Victims Act, article 4.\n\n{victims.text}\n\n{memorial.text}",
            saved.evidence,
        ],
        "location": ["Act, art. 4; p. 1, passage 5; p. 1, passage 6", saved.location],
    }


def test_unlinking_leaves_a_quote_the_assessor_edited(world, assessor):
    passage = world.passage(VICTIMS_TEXT)
    link = evidence_link(score=world.victims, passage=passage, user=assessor)
    edited = passage.text.replace("The Government", "Government")
    type_evidence(world.victims, assessor, edited, "p. 1, passage 5")
    evidence_unlink(link=link, user=assessor)
    saved = world.score(world.victims)
    assert not EvidenceLink.objects.filter(score=world.victims).exists()
    assert saved.evidence == edited and saved.location == ""


def test_a_heading_cannot_be_linked(client, world, assessor):
    heading = world.passage("Victims of Terrorism")
    assert heading.kind == Passage.Kind.HEADING
    before = snapshot()
    with pytest.raises(ValidationError, match="Headings cannot be linked"):
        evidence_link(score=world.victims, passage=heading, user=assessor)
    client.force_login(assessor)
    response = client.post(
        url("evidence-link", world.assessment),
        {"passage": heading.pk, "score": [world.victims.pk]},
        HTTP_X_AUTOSAVE="1",
    )
    assert response.status_code == 400
    assert response.json() == {
        "status": "invalid",
        "message": "Headings cannot be linked as evidence.",
    }
    assert snapshot() == before


def test_linking_without_a_principle_is_refused_with_a_message(client, world, assessor):
    before = snapshot()
    client.force_login(assessor)
    response = client.post(
        url("evidence-link", world.assessment),
        {"passage": world.passage(VICTIMS_TEXT).pk, "next": "reader"},
        follow=True,
    )
    assert "Choose at least one principle" in response.content.decode()
    assert snapshot() == before


# --------------------------------------------------------------------------------------------
# Suggestions
# --------------------------------------------------------------------------------------------


def test_the_checklist_suggests_each_principles_paragraph_first(client, world, assessor):
    client.force_login(assessor)
    html = client.get(url("checklist", world.assessment)).content.decode()
    expected = {
        world.victims: VICTIMS_TEXT,
        world.financing: FINANCING_TEXT,
        world.youth: YOUTH_TEXT,
        world.oversight: OVERSIGHT_TEXT,
    }
    for score, text in expected.items():
        shown = panel(html, score)
        assert "Suggested passages" in shown
        assert suggested_ids(shown)[0] == world.passage(text).pk, score.principle.title
    assert world.passage(MEMORIAL_TEXT).pk in suggested_ids(panel(html, world.victims))
    geography = world.passage(GEOGRAPHY_TEXT).pk
    assert all(
        geography not in suggested_ids(panel(html, s)) for s in world.assessment.scores.all()
    )


def test_accepting_a_suggestion_answers_the_checklist_script(client, world, assessor):
    passage = world.passage(VICTIMS_TEXT)
    client.force_login(assessor)
    response = client.post(
        url("evidence-link", world.assessment),
        {"passage": passage.pk, "score": [world.victims.pk], "from_suggestion": "1"},
        HTTP_X_AUTOSAVE="1",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "saved"
    assert (
        body["message"] == f"p. 1, passage 5 linked as evidence for {world.victims.principle.code}."
    )
    assert body["score"]["version"] == 1
    assert body["score"]["evidence"] == passage.text
    assert body["score"]["location"] == "p. 1, passage 5"
    assert body["progress"]["total"] == 10
    fresh = body["panel"]
    assert fresh.startswith('<div class="evidence-panel" id="evidence-')
    assert "Linked passages" in fresh and f"#passage-{passage.pk}" in fresh
    assert passage.pk not in suggested_ids(fresh)
    assert suggested_ids(fresh)[0] == world.passage(MEMORIAL_TEXT).pk
    link = EvidenceLink.objects.get(score=world.victims, passage=passage)
    assert link.status == EvidenceLink.Status.LINKED and link.from_suggestion

    reloaded = panel(client.get(url("checklist", world.assessment)).content.decode(), world.victims)
    assert passage.pk not in suggested_ids(reloaded)
    assert f"#passage-{passage.pk}" in between(reloaded, "Linked passages", "</ul>")


def test_a_dismissed_suggestion_stays_dismissed(client, world, assessor):
    victims, memorial = world.passage(VICTIMS_TEXT), world.passage(MEMORIAL_TEXT)
    client.force_login(assessor)
    response = client.post(
        url("suggestion-dismiss", world.assessment, world.victims.pk),
        {"passage": victims.pk},
        HTTP_X_AUTOSAVE="1",
    )
    body = response.json()
    assert body["status"] == "saved"
    assert body["message"] == f"Suggestion dismissed for {world.victims.principle.code}."
    assert body["score"]["version"] == 0 and body["score"]["evidence"] == ""
    assert victims.pk not in suggested_ids(body["panel"])
    link = EvidenceLink.objects.get(score=world.victims, passage=victims)
    assert link.status == EvidenceLink.Status.DISMISSED
    assert world.score(world.victims).version == 0

    def checklist():
        return client.get(url("checklist", world.assessment)).content.decode()

    html = checklist()
    assert victims.pk not in suggested_ids(panel(html, world.victims))
    assert suggested_ids(panel(html, world.justice))[0] == victims.pk  # other principles

    evidence_link(score=world.victims, passage=memorial, user=assessor)
    assert victims.pk not in suggested_ids(panel(checklist(), world.victims))

    document, created = upload(world.assessment.strategy, assessor, STRATEGY_TEXT, "again.txt")
    assert not created and document == world.document
    suggestions._indexes.clear()
    html = checklist()
    assert victims.pk not in suggested_ids(panel(html, world.victims))
    assert victims.pk in suggested_ids(panel(html, world.justice))


def test_dismissing_a_linked_passage_is_refused_with_a_message(client, world, assessor):
    passage = world.passage(VICTIMS_TEXT)
    link = evidence_link(score=world.victims, passage=passage, user=assessor)
    before = snapshot()
    with pytest.raises(ValidationError, match="unlink it instead"):
        suggestion_dismiss(score=world.victims, passage=passage, user=assessor)
    client.force_login(assessor)
    dismiss = url("suggestion-dismiss", world.assessment, world.victims.pk)
    response = client.post(dismiss, {"passage": passage.pk}, follow=True)
    assert "This passage is linked as evidence; unlink it instead." in response.content.decode()
    script = client.post(dismiss, {"passage": passage.pk}, HTTP_X_AUTOSAVE="1")
    assert script.status_code == 400
    assert script.json()["message"] == "This passage is linked as evidence; unlink it instead."
    assert snapshot() == before
    link.refresh_from_db()
    assert link.status == EvidenceLink.Status.LINKED


def test_restoring_a_dismissed_suggestion_lets_it_be_suggested_again(client, world, assessor):
    passage = world.passage(VICTIMS_TEXT)
    link = suggestion_dismiss(score=world.victims, passage=passage, user=assessor)
    client.force_login(assessor)
    response = client.post(url("evidence-unlink", world.assessment, link.pk), HTTP_X_AUTOSAVE="1")
    assert response.json()["status"] == "saved"
    assert not EvidenceLink.objects.filter(pk=link.pk).exists()
    saved = world.score(world.victims)
    assert saved.version == 0 and saved.evidence == ""  # a dismissal never touched the score
    assert suggested_ids(response.json()["panel"])[0] == passage.pk
    html = client.get(url("checklist", world.assessment)).content.decode()
    assert suggested_ids(panel(html, world.victims))[0] == passage.pk


def test_a_dismissed_passage_can_still_be_linked(world, assessor):
    passage = world.passage(VICTIMS_TEXT)
    dismissed = suggestion_dismiss(score=world.victims, passage=passage, user=assessor)
    linked = evidence_link(score=world.victims, passage=passage, user=assessor)
    assert linked.pk == dismissed.pk and linked.status == EvidenceLink.Status.LINKED
    assert world.score(world.victims).evidence == passage.text


# --------------------------------------------------------------------------------------------
# The coverage map
# --------------------------------------------------------------------------------------------


def test_the_coverage_map_separates_principles_and_lists_unmapped_paragraphs(
    client, world, assessor
):
    victims = world.passage(VICTIMS_TEXT)
    evidence_link(score=world.victims, passage=victims, user=assessor)
    type_evidence(world.youth, assessor, "Quoted from the education plan.", "Annex B")
    suggestion_dismiss(score=world.oversight, passage=world.passage(OVERSIGHT_TEXT), user=assessor)

    found = suggestions.coverage(world.assessment)
    assert [s.pk for s in found.with_evidence] == [world.victims.pk, world.youth.pk]
    assert world.oversight.pk in [s.pk for s in found.without_evidence]
    assert len(found.without_evidence) == 8
    paragraphs = Passage.objects.filter(document=world.document, kind=Passage.Kind.PARAGRAPH)
    assert found.paragraphs == paragraphs.count() == 6
    assert [p.pk for p in found.unmapped] == [
        p.pk for p in paragraphs.exclude(pk=victims.pk).order_by("position")
    ]

    client.force_login(assessor)
    html = client.get(url("coverage", world.assessment)).content.decode()
    assert "2 of 10 principles have evidence; 5 of 6 paragraphs" in html
    with_evidence = between(html, 'id="with-evidence"', "</section>")
    without = between(html, 'id="without-evidence"', "</section>")
    unmapped = between(html, 'id="unmapped"', "</section>")
    assert f"#passage-{victims.pk}" in with_evidence and "p. 1, passage 5" in with_evidence
    assert "quoted evidence, no linked passage" in with_evidence
    for score in (world.victims, world.youth):
        assert f'#item-{score.principle.code}"' in with_evidence
        assert f'#item-{score.principle.code}"' not in without
    assert f'#item-{world.oversight.principle.code}"' in without
    assert f"#passage-{victims.pk}" not in unmapped
    for text in (GEOGRAPHY_TEXT, MEMORIAL_TEXT, OVERSIGHT_TEXT):
        assert f"#passage-{world.passage(text).pk}" in unmapped
    for heading in Passage.objects.filter(document=world.document, kind=Passage.Kind.HEADING):
        assert f'#passage-{heading.pk}"' not in unmapped


def test_the_coverage_map_without_a_document(client, malta, assessor):
    assessment = make_assessment(jurisdiction=malta, assessors=[assessor], principles=3)
    client.force_login(assessor)
    html = client.get(url("coverage", assessment)).content.decode()
    assert "0 of 3 principles have evidence; 0 of 0 paragraphs" in html
    reader = client.get(url("reader", assessment)).content.decode()
    assert "No text has been extracted from this strategy yet" in reader


# --------------------------------------------------------------------------------------------
# Who may map: trying to break the rules
# --------------------------------------------------------------------------------------------


def attempts(client, world, link, dismissed) -> list:
    """Every evidence write, as a browser would post it."""
    passage = world.passage(MEMORIAL_TEXT)
    return [
        client.post(
            url("evidence-link", world.assessment),
            {"passage": passage.pk, "score": [world.victims.pk, world.youth.pk]},
        ),
        client.post(url("evidence-unlink", world.assessment, link.pk)),
        client.post(url("evidence-unlink", world.assessment, dismissed.pk)),
        client.post(
            url("suggestion-dismiss", world.assessment, world.financing.pk),
            {"passage": world.passage(FINANCING_TEXT).pk},
        ),
    ]


@pytest.mark.parametrize(
    "persona, status",
    [("reviewer", 403), ("ministry_malta", 404), ("ministry_kenya", 404), ("stranger", 403)],
)
def test_only_the_assigned_assessors_link_unlink_or_dismiss(
    client, world, assessor, malta, request, persona, status
):
    if persona == "stranger":  # a Maltese assessor not assigned to this assessment
        user = grant(UserFactory(username="sami-assessor"), roles.ASSESSOR, malta)
    else:
        user = request.getfixturevalue(persona)
    link = evidence_link(score=world.victims, passage=world.passage(VICTIMS_TEXT), user=assessor)
    dismissed = suggestion_dismiss(
        score=world.victims, passage=world.passage(YOUTH_TEXT), user=assessor
    )
    before = snapshot()
    client.force_login(user)
    for response in attempts(client, world, link, dismissed):
        assert response.status_code == status, response.request["PATH_INFO"]
        assert VICTIMS_PHRASE not in response.content.decode()
    with pytest.raises(AssessmentLocked):
        evidence_link(score=world.youth, passage=world.passage(YOUTH_TEXT), user=user)
    with pytest.raises(AssessmentLocked):
        evidence_unlink(link=link, user=user)
    with pytest.raises(AssessmentLocked):
        suggestion_dismiss(score=world.youth, passage=world.passage(GEOGRAPHY_TEXT), user=user)
    assert snapshot() == before


def test_a_ministry_reader_of_a_shared_assessment_reads_but_cannot_map(
    client, world, assessor, reviewer, ministry_malta
):
    link = evidence_link(score=world.victims, passage=world.passage(VICTIMS_TEXT), user=assessor)
    assessment_transition(assessment=world.assessment, user=assessor, to_status=S.IN_REVIEW)
    assessment_transition(assessment=world.assessment, user=reviewer, to_status=S.SHARED)
    before = snapshot()
    client.force_login(ministry_malta)
    reader = client.get(url("reader", world.assessment))
    assert reader.status_code == 200 and VICTIMS_PHRASE in reader.content.decode()
    assert "Link to principles" not in reader.content.decode()
    assert "Unlink" not in reader.content.decode()
    assert client.get(url("coverage", world.assessment)).status_code == 200
    for response in attempts(client, world, link, link):
        assert response.status_code == 403
    assert snapshot() == before


def test_the_outsider_gets_404_on_every_mapping_page(client, world, assessor, ministry_kenya):
    link = evidence_link(score=world.victims, passage=world.passage(VICTIMS_TEXT), user=assessor)
    passage = world.passage(VICTIMS_TEXT)
    before = snapshot()
    client.force_login(ministry_kenya)
    responses = [
        client.get(url("reader", world.assessment)),
        client.get(url("reader", world.assessment), {"q": "victims"}),
        client.get(url("coverage", world.assessment)),
        client.get(url("checklist", world.assessment)),
        *attempts(client, world, link, link),
        client.post(
            url("evidence-link", world.assessment),
            {"passage": passage.pk, "score": [world.youth.pk]},
            HTTP_X_AUTOSAVE="1",
        ),
    ]
    for response in responses:
        assert response.status_code == 404, response.request["PATH_INFO"]
        assert VICTIMS_PHRASE not in response.content.decode()
        assert world.assessment.strategy.title not in response.content.decode()
    assert snapshot() == before


def test_the_administrator_reads_the_strategy_but_does_not_map_it(client, world, admin_user):
    client.force_login(admin_user)
    reader = client.get(url("reader", world.assessment))
    assert reader.status_code == 200 and VICTIMS_PHRASE in reader.content.decode()
    assert "Link to principles" not in reader.content.decode()
    response = client.post(
        url("evidence-link", world.assessment),
        {"passage": world.passage(VICTIMS_TEXT).pk, "score": [world.victims.pk]},
    )
    assert response.status_code == 403
    assert not EvidenceLink.objects.exists()


def test_a_finalized_assessment_refuses_every_evidence_write(client, world, assessor, reviewer):
    victims, memorial = world.passage(VICTIMS_TEXT), world.passage(MEMORIAL_TEXT)
    link = evidence_link(score=world.victims, passage=victims, user=assessor)
    dismissed = suggestion_dismiss(
        score=world.victims, passage=world.passage(YOUTH_TEXT), user=assessor
    )
    finalize(world.assessment, assessor, reviewer)
    before = snapshot()
    with pytest.raises(AssessmentLocked, match="finalized and read-only"):
        evidence_link(score=world.victims, passage=memorial, user=assessor)
    with pytest.raises(AssessmentLocked):
        evidence_unlink(link=link, user=assessor)
    with pytest.raises(AssessmentLocked):
        suggestion_dismiss(score=world.youth, passage=memorial, user=assessor)
    with pytest.raises(ValidationError, match="read-only"):
        EvidenceLink(score=world.youth, passage=memorial, status="linked").save()
    link.status = EvidenceLink.Status.DISMISSED
    with pytest.raises(ValidationError, match="read-only"):
        link.save()
    client.force_login(assessor)
    for response in attempts(client, world, link, dismissed):
        assert response.status_code == 403
    assert snapshot() == before


def test_an_assessment_in_review_refuses_links_with_its_reason(world, assessor):
    assessment_transition(assessment=world.assessment, user=assessor, to_status=S.IN_REVIEW)
    with pytest.raises(AssessmentLocked, match="in its current state"):
        evidence_link(score=world.victims, passage=world.passage(VICTIMS_TEXT), user=assessor)
    assert not EvidenceLink.objects.exists()


def test_a_passage_of_another_strategy_cannot_be_linked(
    client, world, assessor, admin_user, malta, kenya
):
    kenyan_strategy = StrategyFactory(jurisdiction=kenya)
    kenyan, _ = upload(kenyan_strategy, admin_user, STRATEGY_TEXT.replace("Malta", "Kenya"))
    other_maltese, _ = upload(StrategyFactory(jurisdiction=malta), assessor)
    before = snapshot()
    client.force_login(assessor)
    for document in (kenyan, other_maltese):
        foreign = Passage.objects.get(document=document, text__startswith=VICTIMS_TEXT)
        with pytest.raises(ValidationError, match="not from the assessed strategy"):
            evidence_link(score=world.victims, passage=foreign, user=assessor)
        with pytest.raises(ValidationError, match="not from the assessed strategy"):
            suggestion_dismiss(score=world.victims, passage=foreign, user=assessor)
        link = client.post(
            url("evidence-link", world.assessment),
            {"passage": foreign.pk, "score": [world.victims.pk]},
        )
        dismiss = client.post(
            url("suggestion-dismiss", world.assessment, world.victims.pk), {"passage": foreign.pk}
        )
        assert (link.status_code, dismiss.status_code) == (404, 404)
    assert snapshot() == before


def test_a_score_of_another_assessment_cannot_be_linked_through_this_one(
    client, world, malta, assessor
):
    other = make_assessment(jurisdiction=malta, assessors=[assessor], principles=2)
    foreign = other.scores.first()
    before = snapshot()
    client.force_login(assessor)
    passage = world.passage(VICTIMS_TEXT)
    for body in (
        {"passage": passage.pk, "score": [foreign.pk]},
        {"passage": passage.pk, "score": [world.victims.pk, foreign.pk]},
        {"passage": passage.pk, "score": ["x"]},
        {"passage": "x", "score": [world.victims.pk]},
    ):
        assert client.post(url("evidence-link", world.assessment), body).status_code == 404
    dismiss = client.post(
        url("suggestion-dismiss", world.assessment, foreign.pk), {"passage": passage.pk}
    )
    assert dismiss.status_code == 404
    with pytest.raises(ValidationError):
        evidence_link(score=foreign, passage=passage, user=assessor)
    assert snapshot() == before


def test_a_partner_sees_the_finalized_assessment_but_not_the_strategy_text(
    client, malta, kenya, assessor, reviewer, ministry_kenya
):
    world = make_world(jurisdiction=malta, assessor=assessor, reviewer=reviewer)
    world.assessment.sharing = Assessment.Sharing.PARTNERS
    world.assessment.save()
    world.assessment.partners.add(kenya)
    evidence_link(score=world.victims, passage=world.passage(VICTIMS_TEXT), user=assessor)
    finalize(world.assessment, assessor, reviewer)
    client.force_login(ministry_kenya)
    detail = client.get(url("detail", world.assessment))
    assert detail.status_code == 200
    assert url("reader", world.assessment) not in detail.content.decode()
    checklist = client.get(url("checklist", world.assessment))
    assert checklist.status_code == 200
    assert "data-evidence-panel" not in checklist.content.decode()
    for name in ("reader", "coverage"):
        response = client.get(url(name, world.assessment))
        assert response.status_code == 404, name
        assert FINANCING_TEXT not in response.content.decode()


def test_the_checklist_of_someone_who_cannot_edit_shows_no_suggestions(
    client, world, assessor, reviewer
):
    def shows_mapping(user) -> bool:
        client.force_login(user)
        html = client.get(url("checklist", world.assessment)).content.decode()
        return "data-evidence-panel" in html or "Suggested passages" in html

    assert shows_mapping(assessor)
    assert not shows_mapping(reviewer)
    assessment_transition(assessment=world.assessment, user=assessor, to_status=S.IN_REVIEW)
    assert not shows_mapping(assessor)


# --------------------------------------------------------------------------------------------
# Query counts do not grow with the strategy or its links
# --------------------------------------------------------------------------------------------

MEASURES = "\n\n".join(
    f"Measure {chr(65 + n // 26)}{chr(65 + n % 26)}: the {topic} will be reviewed by the "
    f"ministry responsible, which will publish a report on it to the public."
    for n, topic in enumerate(
        ["protection of ports", "security of airports", "training of police officers"] * 15
    )
)


def mapped_world(jurisdiction, assessor, *, extra: bool):
    """A world with few passages and links, or (extra) with many of both and an annex."""
    text = f"{STRATEGY_TEXT}\n\n{MEASURES}" if extra else STRATEGY_TEXT
    world = make_world(jurisdiction=jurisdiction, assessor=assessor, text=text)
    paragraphs = list(
        Passage.objects.filter(document=world.document, kind=Passage.Kind.PARAGRAPH).order_by(
            "position"
        )
    )
    scores = list(world.assessment.scores.order_by("principle__order"))
    wanted = 30 if extra else 2
    for n, passage in enumerate(paragraphs[:wanted]):
        evidence_link(score=scores[n % len(scores)], passage=passage, user=assessor)
    if extra:
        upload(world.assessment.strategy, assessor, MEASURES.replace("Measure", "Annex"), "a.txt")
        for n, passage in enumerate(paragraphs[wanted : wanted + 10]):
            suggestion_dismiss(score=scores[n % len(scores)], passage=passage, user=assessor)
    assert EvidenceLink.objects.filter(score__assessment=world.assessment).count() == (
        40 if extra else 2
    )
    return world


def queries(client, path) -> int:
    suggestions._indexes.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


# The coverage map counts its unmapped paragraphs and lists a page of them (one query more).
@pytest.mark.parametrize("page, most", [("reader", 10), ("coverage", 10), ("checklist", 16)])
def test_query_count_does_not_grow_with_passages_and_links(
    client, malta, assessor, django_assert_num_queries, page, most
):
    small = mapped_world(malta, assessor, extra=False)
    large = mapped_world(malta, assessor, extra=True)
    client.force_login(assessor)
    counted = queries(client, url(page, small.assessment))
    assert counted <= most
    suggestions._indexes.clear()
    with django_assert_num_queries(counted):
        response = client.get(url(page, large.assessment))
    assert response.status_code == 200
    if page == "checklist":
        assert "Suggested passages" in response.content.decode()
    if page == "reader":
        assert response.content.decode().count('class="passage ') > 100


# --------------------------------------------------------------------------------------------
# Reopening a finalized assessment
# --------------------------------------------------------------------------------------------


def test_reopening_carries_the_links_and_dismissals_into_the_new_revision(
    client, world, assessor, reviewer
):
    victims, youth = world.passage(VICTIMS_TEXT), world.passage(YOUTH_TEXT)
    evidence_link(score=world.victims, passage=victims, user=assessor, from_suggestion=True)
    suggestion_dismiss(score=world.victims, passage=youth, user=assessor)
    finalize(world.assessment, assessor, reviewer)
    finalized = snapshot()

    revision = assessment_reopen(assessment=world.assessment, user=reviewer)

    def links(assessment):
        return sorted(
            EvidenceLink.objects.filter(score__assessment=assessment).values_list(
                "score__principle_id", "passage_id", "status", "from_suggestion", "created_by"
            )
        )

    expected = [
        (world.victims.principle_id, victims.pk, "linked", True, assessor.pk),
        (world.victims.principle_id, youth.pk, "dismissed", False, assessor.pk),
    ]
    assert links(revision) == links(world.assessment) == expected
    new_score = revision.scores.get(principle=world.victims.principle)
    assert new_score.evidence == victims.text and new_score.location == "p. 1, passage 5"

    client.force_login(assessor)
    html = client.get(url("checklist", revision)).content.decode()
    shown = panel(html, new_score)
    assert f"#passage-{victims.pk}" in between(shown, "Linked passages", "</ul>")
    assert victims.pk not in suggested_ids(shown) and youth.pk not in suggested_ids(shown)

    evidence_unlink(link=EvidenceLink.objects.get(score=new_score, passage=victims), user=assessor)
    assert Score.objects.get(pk=new_score.pk).evidence == ""
    unchanged = snapshot()
    assert [row for row in unchanged["scores"] if row[0] == world.victims.pk] == [
        row for row in finalized["scores"] if row[0] == world.victims.pk
    ]
    assert links(world.assessment) == expected

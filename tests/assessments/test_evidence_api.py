"""Evidence mapping through the API: suggestions, links and dismissals, under the browser's
rules (404 outside the caller's scope, 403 when locked, 400 for what is not this strategy's)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from assessments import suggestions
from assessments.evidence import evidence_link, suggestion_dismiss
from assessments.models import Assessment, EvidenceLink
from assessments.services import assessment_transition
from strategies.models import Passage
from tests.assessments.evidence_world import (
    FINANCING_TEXT,
    MEMORIAL_TEXT,
    STRATEGY_TEXT,
    VICTIMS_TEXT,
    YOUTH_TEXT,
    make_world,
    snapshot,
    upload,
)
from tests.factories import StrategyFactory, make_assessment

pytestmark = [
    pytest.mark.core,
    pytest.mark.django_db,
    pytest.mark.usefixtures("evidence_contained"),
]

S = Assessment.Status
VICTIMS_PHRASE = "single contact point"  # only in the victims paragraph


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def suggestions_url(assessment, score) -> str:
    return f"/api/v1/assessments/{assessment.pk}/scores/{score.pk}/suggestions/"


def evidence_url(assessment, link=None) -> str:
    base = f"/api/v1/assessments/{assessment.pk}/evidence/"
    return f"{base}{link.pk}/" if link else base


def suggested(client, world, score, **params) -> list[int]:
    response = client.get(suggestions_url(world.assessment, score), params)
    assert response.status_code == 200, response.content
    return [found["passage"]["id"] for found in response.json()]


def finalize(assessment, assessor, reviewer):
    assessment_transition(assessment=assessment, user=assessor, to_status=S.IN_REVIEW)
    assessment_transition(assessment=assessment, user=reviewer, to_status=S.FINALIZED)


def test_suggestions_rank_the_principles_paragraph_first(world, assessor):
    client = token_client(assessor)
    response = client.get(suggestions_url(world.assessment, world.victims))
    assert response.status_code == 200
    found = response.json()
    victims = world.passage(VICTIMS_TEXT)
    assert found[0]["passage"] == {
        "id": victims.pk,
        "strategy": world.assessment.strategy_id,
        "document": world.document.pk,
        "position": 5,
        "page": 1,
        "kind": "paragraph",
        "heading": "Victims of Terrorism",
        "text": victims.text,
        "language": "en",
        "location": "p. 1, passage 5",
        "ocr": False,
        "ocr_confidence": None,
    }
    assert found[1]["passage"]["id"] == world.passage(MEMORIAL_TEXT).pk
    relevance = [entry["relevance"] for entry in found]
    assert relevance == sorted(relevance, reverse=True) and relevance[-1] > 0
    assert suggested(client, world, world.financing)[0] == world.passage(FINANCING_TEXT).pk
    assert suggested(client, world, world.youth, limit=1) == [world.passage(YOUTH_TEXT).pk]
    bad = client.get(suggestions_url(world.assessment, world.victims), {"limit": "many"})
    assert bad.status_code == 400 and "limit" in bad.json()


def test_linking_fills_the_score_and_leaves_the_suggestions(world, assessor):
    client = token_client(assessor)
    victims = world.passage(VICTIMS_TEXT)
    body = {"score": world.victims.pk, "passage": victims.pk, "from_suggestion": True}
    response = client.post(evidence_url(world.assessment), body, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert {key: created[key] for key in created if key not in ("id", "created_at")} == {
        "score": world.victims.pk,
        "principle": world.victims.principle.code,
        "passage": victims.pk,
        "location": "p. 1, passage 5",
        "status": "linked",
        "from_suggestion": True,
        "translation": "",
        "translation_language": "",
        "translated_at": None,
    }
    again = client.post(evidence_url(world.assessment), body, format="json")
    assert again.status_code in (200, 201) and again.json()["id"] == created["id"]
    assert EvidenceLink.objects.count() == 1
    score = client.get(f"/api/v1/assessments/{world.assessment.pk}/scores/{world.victims.pk}/")
    assert score.json()["evidence"] == victims.text
    assert score.json()["location"] == "p. 1, passage 5" and score.json()["version"] == 1
    listed = client.get(evidence_url(world.assessment), {"status": "linked"}).json()
    assert [link["id"] for link in listed["results"]] == [created["id"]]
    assert victims.pk not in suggested(client, world, world.victims, limit=20)
    assert victims.pk in suggested(client, world, world.justice, limit=20)


def test_unlinking_removes_the_text_from_the_score(world, assessor):
    client = token_client(assessor)
    link = evidence_link(score=world.victims, passage=world.passage(VICTIMS_TEXT), user=assessor)
    response = client.delete(evidence_url(world.assessment, link))
    assert response.status_code == 204
    assert not EvidenceLink.objects.exists()
    score = world.score(world.victims)
    assert (score.evidence, score.location, score.version) == ("", "", 2)
    assert client.delete(evidence_url(world.assessment, link)).status_code == 404


def test_a_dismissal_stays_dismissed_until_it_is_restored(world, assessor):
    client = token_client(assessor)
    victims = world.passage(VICTIMS_TEXT)
    response = client.post(
        evidence_url(world.assessment),
        {"score": world.victims.pk, "passage": victims.pk, "status": "dismissed"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["status"] == "dismissed"
    assert world.score(world.victims).version == 0
    assert victims.pk not in suggested(client, world, world.victims, limit=20)
    assert suggested(client, world, world.justice)[0] == victims.pk

    memorial = world.passage(MEMORIAL_TEXT)
    linked = client.post(
        evidence_url(world.assessment),
        {"score": world.victims.pk, "passage": memorial.pk},
        format="json",
    )
    assert linked.status_code == 201
    assert victims.pk not in suggested(client, world, world.victims, limit=20)

    strategy = world.assessment.strategy
    again = client.post(
        f"/api/v1/strategies/{strategy.pk}/documents/",
        {"file": SimpleUploadedFile("again.txt", STRATEGY_TEXT.encode())},
        format="multipart",
    )
    assert again.status_code == 200 and again.json()["id"] == world.document.pk
    suggestions._indexes.clear()
    assert victims.pk not in suggested(client, world, world.victims, limit=20)

    dismissed = EvidenceLink.objects.get(pk=response.json()["id"])
    restored = client.delete(evidence_url(world.assessment, dismissed))
    assert restored.status_code == 204
    assert suggested(client, world, world.victims)[0] == victims.pk


def test_a_dismissed_passage_can_be_linked_after_all(world, assessor):
    victims = world.passage(VICTIMS_TEXT)
    dismissed = suggestion_dismiss(score=world.victims, passage=victims, user=assessor)
    response = token_client(assessor).post(
        evidence_url(world.assessment),
        {"score": world.victims.pk, "passage": victims.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["id"] == dismissed.pk and response.json()["status"] == "linked"
    assert world.score(world.victims).evidence == victims.text


def test_dismissing_a_linked_passage_is_refused(world, assessor):
    victims = world.passage(VICTIMS_TEXT)
    evidence_link(score=world.victims, passage=victims, user=assessor)
    before = snapshot()
    response = token_client(assessor).post(
        evidence_url(world.assessment),
        {"score": world.victims.pk, "passage": victims.pk, "status": "dismissed"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "passage": ["This passage is linked as evidence; unlink it instead."]
    }
    assert snapshot() == before


def test_the_outsider_gets_404_and_never_the_text(world, assessor, ministry_kenya):
    link = evidence_link(score=world.victims, passage=world.passage(VICTIMS_TEXT), user=assessor)
    victims = world.passage(VICTIMS_TEXT)
    before = snapshot()
    client = token_client(ministry_kenya)
    responses = [
        client.get(suggestions_url(world.assessment, world.victims)),
        client.get(evidence_url(world.assessment)),
        client.get(evidence_url(world.assessment, link)),
        client.post(
            evidence_url(world.assessment),
            {"score": world.youth.pk, "passage": victims.pk},
            format="json",
        ),
        client.post(
            evidence_url(world.assessment),
            {"score": world.youth.pk, "passage": victims.pk, "status": "dismissed"},
            format="json",
        ),
        client.delete(evidence_url(world.assessment, link)),
        client.get(f"/api/v1/passages/{victims.pk}/"),
        client.get(f"/api/v1/documents/{world.document.pk}/"),
    ]
    for response in responses:
        assert response.status_code == 404, response.request["PATH_INFO"]
        assert response.json() == {"detail": "Not found."}
        assert VICTIMS_PHRASE not in response.content.decode()
    search = client.get("/api/v1/passages/", {"q": "victims"})
    assert search.json()["count"] == 0 and VICTIMS_PHRASE not in search.content.decode()
    assert snapshot() == before


def write_attempts(client, world, passage, link) -> list:
    """A link, a dismissal and an unlink, as `client`: each is tried, whatever the answer."""
    url = evidence_url(world.assessment)
    return [
        client.post(url, {"score": world.victims.pk, "passage": passage.pk}, format="json"),
        client.post(
            url,
            {"score": world.youth.pk, "passage": passage.pk, "status": "dismissed"},
            format="json",
        ),
        client.delete(evidence_url(world.assessment, link)),
    ]


def test_only_the_assigned_assessors_write_evidence(
    world, assessor, reviewer, ministry_malta, ministry_kenya
):
    link = evidence_link(score=world.victims, passage=world.passage(VICTIMS_TEXT), user=assessor)
    before = snapshot()
    memorial = world.passage(MEMORIAL_TEXT)
    for user, status in [(reviewer, 403), (ministry_malta, 404), (ministry_kenya, 404)]:
        for response in write_attempts(token_client(user), world, memorial, link):
            assert response.status_code == status, (user, response.json())
    refused = token_client(reviewer).delete(evidence_url(world.assessment, link))
    assert refused.json() == {
        "detail": "You cannot change the evidence of this assessment in its current state."
    }
    assert token_client(reviewer).get(evidence_url(world.assessment)).json()["count"] == 1
    assert snapshot() == before


def test_a_finalized_assessment_refuses_links_with_403(world, assessor, reviewer):
    link = evidence_link(score=world.victims, passage=world.passage(VICTIMS_TEXT), user=assessor)
    finalize(world.assessment, assessor, reviewer)
    before = snapshot()
    client = token_client(assessor)
    memorial = world.passage(MEMORIAL_TEXT)
    for response in write_attempts(client, world, memorial, link):
        assert response.status_code == 403
        assert response.json() == {"detail": "This assessment is finalized and read-only."}
    assert client.get(evidence_url(world.assessment)).json()["count"] == 1
    assert snapshot() == before


def test_what_is_not_this_strategys_is_refused_with_400(world, malta, kenya, assessor, admin_user):
    kenyan_document, _ = upload(
        StrategyFactory(jurisdiction=kenya), admin_user, STRATEGY_TEXT.replace("Malta", "Kenya")
    )
    other = make_assessment(jurisdiction=malta, assessors=[assessor], principles=2)
    other_document, _ = upload(other.strategy, assessor)
    foreign_link = evidence_link(
        score=other.scores.first(), passage=_victims_of(other_document), user=assessor
    )
    before = snapshot()
    client = token_client(assessor)
    victims = world.passage(VICTIMS_TEXT)
    for body, field in [
        ({"score": world.victims.pk, "passage": _victims_of(kenyan_document).pk}, "passage"),
        ({"score": world.victims.pk, "passage": _victims_of(other_document).pk}, "passage"),
        ({"score": world.victims.pk, "passage": 0}, "passage"),
        ({"score": other.scores.first().pk, "passage": victims.pk}, "score"),
        ({"score": world.victims.pk, "passage": world.passage("Victims of Terrorism").pk}, None),
    ]:
        response = client.post(evidence_url(world.assessment), body, format="json")
        assert response.status_code == 400, body
        if field:
            assert field in response.json()
        else:
            assert response.json() == {"passage": ["Headings cannot be linked as evidence."]}
    assert client.delete(evidence_url(world.assessment, foreign_link)).status_code == 404
    assert snapshot() == before


def _victims_of(document) -> Passage:
    return Passage.objects.get(document=document, text__startswith=VICTIMS_TEXT)


def test_a_partner_reads_the_finalized_assessment_but_not_the_strategy(
    malta, kenya, assessor, reviewer, ministry_kenya
):
    world = make_world(jurisdiction=malta, assessor=assessor, reviewer=reviewer)
    world.assessment.sharing = Assessment.Sharing.PARTNERS
    world.assessment.save()
    world.assessment.partners.add(kenya)
    link = evidence_link(score=world.victims, passage=world.passage(VICTIMS_TEXT), user=assessor)
    finalize(world.assessment, assessor, reviewer)
    client = token_client(ministry_kenya)
    assert client.get(f"/api/v1/assessments/{world.assessment.pk}/").status_code == 200
    scores = client.get(f"/api/v1/assessments/{world.assessment.pk}/scores/")
    assert scores.status_code == 200
    for path in (
        suggestions_url(world.assessment, world.financing),
        evidence_url(world.assessment),
        evidence_url(world.assessment, link),
        f"/api/v1/passages/{world.passage(FINANCING_TEXT).pk}/",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert FINANCING_TEXT not in response.content.decode()


def test_the_evidence_list_query_count_does_not_grow_with_links(
    malta, assessor, django_assert_num_queries
):
    def world_with(links: int):
        world = make_world(jurisdiction=malta, assessor=assessor)
        paragraphs = Passage.objects.filter(document=world.document, kind="paragraph")
        scores = list(world.assessment.scores.order_by("principle__order"))
        for n, passage in enumerate(paragraphs.order_by("position")):
            for score in scores[: links // 6 if n else 1]:
                evidence_link(score=score, passage=passage, user=assessor)
        suggestion_dismiss(score=scores[-1], passage=paragraphs.last(), user=assessor)
        return world

    small, large = world_with(6), world_with(30)
    client = token_client(assessor)
    with CaptureQueriesContext(connection) as counted:
        first = client.get(evidence_url(small.assessment))
    assert first.json()["count"] == 7
    with django_assert_num_queries(len(counted)):
        response = client.get(evidence_url(large.assessment))
    assert response.json()["count"] == 27


# The same strategy in French (test data, written for this test): the English principles
# find its paragraphs through the bilingual vocabulary.
FRENCH_TEXT = """\
Stratégie nationale de lutte contre le terrorisme de Malte

Les îles

Malte est un archipel situé au centre de la mer Méditerranée, à quatre-vingt-dix \
kilomètres au sud de la Sicile. Ses trois îles habitées couvrent 316 kilomètres carrés de \
collines calcaires et de côtes rocheuses, et les étés y sont chauds et secs.

Victimes du terrorisme

Le Gouvernement accompagnera les victimes du terrorisme et leurs familles dès la première \
heure : un point de contact unique, des soins médicaux et psychologiques, une aide \
juridictionnelle dans la procédure pénale et une indemnisation versée sans délai.

Financement du terrorisme

La cellule de renseignement financier détectera et entravera le financement du \
terrorisme. Les banques et les prestataires de transfert de fonds déclareront les \
opérations suspectes, et les fonds et avoirs des terroristes seront gelés.

Jeunesse

Les écoles, les animateurs de jeunesse et les clubs sportifs mèneront des programmes de \
prévention auprès des jeunes exposés à la radicalisation.
"""


def test_a_french_strategy_gets_suggestions_for_english_principles(malta, assessor):
    world = make_world(jurisdiction=malta, assessor=assessor, text=FRENCH_TEXT)
    assert set(world.document.passages.values_list("language", flat=True)) == {"fr"}
    client = token_client(assessor)
    for score, starts in [
        (world.victims, "Le Gouvernement accompagnera les victimes"),
        (world.financing, "La cellule de renseignement financier"),
        (world.youth, "Les écoles, les animateurs de jeunesse"),
    ]:
        assert suggested(client, world, score)[0] == world.passage(starts).pk

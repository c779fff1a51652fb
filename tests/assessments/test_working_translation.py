"""An assessor's working translation of a passage linked as evidence: kept beside the quote,
shown as the assessor's (never as the document's text) in the checklist, the reader, the API
and the PDF report; refused when someone saved another one meanwhile, and only the
assigned assessors of a draft may write it."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from assessments import reports
from assessments.evidence import evidence_link, evidence_translate, suggestion_dismiss
from assessments.models import Assessment, EvidenceLink
from assessments.services import ScoreInput, assessment_transition, score_save
from tests.assessments.evidence_world import FINANCING_TEXT, VICTIMS_TEXT, snapshot

pytestmark = [pytest.mark.core, pytest.mark.django_db]

FRENCH = (
    "Le Gouvernement soutiendra les victimes du terrorisme et leurs familles dès la première heure."
)
LABEL = "Working translation by the assessor, not the document's text"


@pytest.fixture
def link(world, assessor):
    return evidence_link(score=world.victims, passage=world.passage(VICTIMS_TEXT), user=assessor)


def translate_url(world, link) -> str:
    return reverse("assessments:evidence-translation", args=[world.assessment.pk, link.pk])


def post(client, world, link, **data):
    return client.post(translate_url(world, link), data, HTTP_X_AUTOSAVE="1")


def saved(link) -> tuple:
    link = EvidenceLink.objects.get(pk=link.pk)
    return link.translation, link.translation_language, link.translated_by_id


def test_the_assessor_keeps_a_translation_shown_as_theirs_in_checklist_and_reader(
    client, world, assessor, link
):
    client.force_login(assessor)
    response = post(client, world, link, translation=f"  {FRENCH} ", language="fr", previous="")
    assert response.status_code == 200
    assert response.json()["status"] == "saved"
    assert saved(link) == (FRENCH, "fr", assessor.pk)
    # The panel sent back, the checklist and the reader show it, labelled as the assessor's.
    for html in (
        response.json()["panel"],
        client.get(reverse("assessments:checklist", args=[world.assessment.pk])).content.decode(),
        client.get(reverse("assessments:reader", args=[world.assessment.pk])).content.decode(),
    ):
        assert LABEL in html
        assert f'<span lang="fr" dir="auto">{FRENCH}</span>' in html
    # The quote itself is still the document's text.
    assert world.score(world.victims).evidence.startswith(VICTIMS_TEXT)


def test_an_empty_translation_removes_it(client, world, assessor, link):
    evidence_translate(link=link, text=FRENCH, language="fr", user=assessor)
    client.force_login(assessor)
    response = post(client, world, link, translation="", language="", previous=FRENCH)
    assert response.status_code == 200
    assert saved(link) == ("", "", None)


def test_a_translation_saved_meanwhile_is_not_overwritten(client, world, assessor, link):
    evidence_translate(link=link, text=FRENCH, language="fr", user=assessor)
    client.force_login(assessor)
    # The page was opened before FRENCH was saved: it still shows no translation.
    response = post(client, world, link, translation="Autre texte.", language="fr", previous="")
    assert response.status_code == 400
    assert (
        "Someone saved another translation of this passage meanwhile" in response.json()["message"]
    )
    assert saved(link) == (FRENCH, "fr", assessor.pk)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"translation": "x" * 10_001, "language": "fr"}, "at most 10,000 characters"),
        ({"translation": FRENCH, "language": "pt"}, "Choose the language of the translation."),
        ({"translation": FRENCH, "language": ""}, "Choose the language of the translation."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(
    client, world, assessor, link, data, message
):
    client.force_login(assessor)
    before = snapshot()
    response = post(client, world, link, **data)
    assert response.status_code == 400
    assert message in response.json()["message"]
    assert snapshot() == before and saved(link) == ("", "", None)


def test_a_dismissed_suggestion_has_no_translation(world, assessor):
    dismissed = suggestion_dismiss(
        score=world.financing, passage=world.passage(FINANCING_TEXT), user=assessor
    )
    with pytest.raises(Exception, match="Only a passage linked as evidence"):
        evidence_translate(link=dismissed, text=FRENCH, language="fr", user=assessor)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("reviewer", 403), ("ministry_malta", 404), ("ministry_kenya", 404), ("admin_user", 403)],
)
def test_only_the_assigned_assessors_of_a_draft_write_it(
    client, request, world, link, persona, status
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.post(translate_url(world, link), {"translation": FRENCH, "language": "fr"})
    assert response.status_code == status
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    answer = api.patch(
        f"/api/v1/assessments/{world.assessment.pk}/evidence/{link.pk}/",
        {"translation": FRENCH, "language": "fr"},
        format="json",
    )
    assert answer.status_code == status
    assert saved(link) == ("", "", None)


def test_a_finalized_assessments_translations_are_read_only(
    client, world, assessor, reviewer, link
):
    evidence_translate(link=link, text=FRENCH, language="fr", user=assessor)
    assessment_transition(
        assessment=world.assessment, user=assessor, to_status=Assessment.Status.IN_REVIEW
    )
    assessment_transition(
        assessment=world.assessment, user=reviewer, to_status=Assessment.Status.FINALIZED
    )
    client.force_login(assessor)
    response = client.post(translate_url(world, link), {"translation": "", "language": ""})
    assert response.status_code == 403
    assert saved(link) == (FRENCH, "fr", assessor.pk)


def test_the_api_writes_and_shows_it(world, assessor, link):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=assessor)[0].key}")
    url = f"/api/v1/assessments/{world.assessment.pk}/evidence/{link.pk}/"
    answer = api.patch(url, {"translation": FRENCH, "language": "fr"}, format="json")
    assert answer.status_code == 200
    shown = api.get(url).json()
    assert (shown["translation"], shown["translation_language"]) == (FRENCH, "fr")
    stale = api.patch(
        url, {"translation": "Autre.", "language": "fr", "previous": ""}, format="json"
    )
    assert stale.status_code == 400 and "translation" in stale.json()


def test_the_report_shows_it_labelled_after_the_quote(world, assessor, link):
    evidence_translate(link=link, text=FRENCH, language="fr", user=assessor)
    level = world.assessment.scale.levels.get(code="1")
    victims = world.score(world.victims)
    score_save(
        score=victims,
        user=assessor,
        expected_version=victims.version,
        data=ScoreInput(level, "Partly.", victims.evidence, victims.location, "Do more."),
    )
    content = reports.report_content(world.assessment, with_observations=False)
    gap = next(g for g in content["gaps"] if g["code"] == world.victims.principle.code)
    assert gap["translations"] == [{"location": link.location, "text": FRENCH, "language": "fr"}]
    pdf = PdfReader(io.BytesIO(reports.render_pdf(content)))
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    assert f"Working translation of {link.location} by the assessor, not the document's text:" in (
        text
    )
    assert "Le Gouvernement soutiendra les victimes" in text

"""The API answers its messages in the caller's language: the account's saved language, else
the request's Accept-Language; field names and codes stay as they are."""

import pytest
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import make_assessment

pytestmark = pytest.mark.django_db

MISSING_VERSION = "Send the version you started from, as `version` or an If-Match header."


def patch_without_version(client, assessment):
    score = assessment.scores.first()
    url = f"/api/v1/assessments/{assessment.pk}/scores/{score.pk}/"
    return client.patch(url, {"justification": "x"}, format="json")


@pytest.mark.parametrize("language", ["fr", "ar", "zh-hans"])
def test_a_message_in_the_accept_language(malta, assessor, language):
    assessment = make_assessment(jurisdiction=malta, assessors=[assessor], principles=1)
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.force_authenticate(assessor)
    response = patch_without_version(client, assessment)
    assert response.status_code == 428
    with translation.override(language):
        expected = translation.gettext(MISSING_VERSION)
    assert expected != MISSING_VERSION
    assert response.json() == {"detail": expected}
    assert response["Content-Language"] == language


@pytest.mark.parametrize("signed_in_by", ["session", "token"])
def test_the_saved_language_wins_over_accept_language(malta, assessor, signed_in_by):
    assessor.language = "ru"
    assessor.save(update_fields=["language"])
    assessment = make_assessment(jurisdiction=malta, assessors=[assessor], principles=1)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="es")
    if signed_in_by == "session":
        client.force_login(assessor)
    else:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=assessor).key}")
    response = patch_without_version(client, assessment)
    with translation.override("ru"):
        assert response.json() == {"detail": translation.gettext(MISSING_VERSION)}
    assert response["Content-Language"] == "ru"

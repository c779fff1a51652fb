"""Log-in is required, rate-limited, and the auth pages work."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = [pytest.mark.core, pytest.mark.django_db]


def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_then_home(client, assessor):
    response = client.post(
        reverse("login"), {"username": assessor.username, "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.context["user"] == assessor


def test_wrong_password_is_refused_with_a_message(client, assessor):
    response = client.post(reverse("login"), {"username": assessor.username, "password": "nope"})
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
    assert "correct username and password" in response.content.decode()


def test_repeated_failures_lock_the_account_out(client, assessor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": assessor.username, "password": "wrong"})
    # Even the right password is refused while locked out.
    response = client.post(reverse("login"), {"username": assessor.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post(client, assessor):
    client.force_login(assessor)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change(client, assessor):
    client.force_login(assessor)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a much longer new passphrase",
            "new_password2": "a much longer new passphrase",
        },
    )
    assert response.status_code == 302
    assessor.refresh_from_db()
    assert assessor.check_password("a much longer new passphrase")

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


def login(client, username, password, address):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_one_address_trying_many_usernames_is_locked_out(client, assessor, settings):
    """Per (username, address) alone, one address could try 4 passwords on every account."""
    settings.AXES_ADDRESS_FAILURE_LIMIT = 12
    for n in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        assert login(client, f"guess-{n // 3}", "wrong", "203.0.113.7").status_code == 200
    assert login(client, "guess-last", "wrong", "203.0.113.7").status_code == 429
    # The whole address is locked, the right password included …
    assert login(client, assessor.username, PASSWORD, "203.0.113.7").status_code == 429
    # … and no other address.
    response = login(client, assessor.username, PASSWORD, "198.51.100.9")
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_an_office_behind_one_address_survives_a_few_mistakes(client, assessor, settings):
    """Ten colleagues each mistype their password twice: nobody is locked out."""
    for n in range(10):
        for _ in range(2):
            assert login(client, f"colleague-{n}", "typo", "192.0.2.1").status_code == 200
    assert settings.AXES_ADDRESS_FAILURE_LIMIT == 50
    response = login(client, assessor.username, PASSWORD, "192.0.2.1")
    assert response.status_code == 302

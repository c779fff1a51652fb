"""Headers every page carries: a Content-Security-Policy with no inline code allowed, and
nothing the policy blocks on any page, in a real browser."""

import pytest
from django.urls import reverse

from tests.factories import make_assessment

pytestmark = [pytest.mark.django_db]


@pytest.mark.core
def test_every_page_carries_a_strict_content_security_policy(client, admin_user):
    client.force_login(admin_user)
    for url in ("/", "/library/", "/admin/", "/api/docs/", "/accounts/password/"):
        policy = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, url
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, url
        assert "frame-ancestors 'none'" in policy, url


@pytest.mark.core
def test_anonymous_pages_too(client):
    assert "default-src 'self'" in client.get(reverse("login"))["Content-Security-Policy"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_page_breaks_the_policy_in_a_real_browser(
    allow_orm_beside_playwright, live_server, browser_page, client, admin_user, assessor, malta
):
    """The pages most likely to use inline code: the checklist (htmx), the admin with its
    widgets and the project's import page, and the Swagger UI of the API."""
    assessment = make_assessment(jurisdiction=malta, assessors=[assessor], principles=3)
    page = browser_page
    violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and violations.append(f"{page.url}: {message.text}")
        ),
    )
    client.force_login(admin_user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    urls = [
        reverse("home"),
        reverse("assessments:checklist", args=[assessment.pk]),
        reverse("assessments:detail", args=[assessment.pk]),
        reverse("admin:index"),
        reverse("admin:ctframework_user_change", args=[admin_user.pk]),
        reverse("admin:principles_framework_import"),
        reverse("api-docs"),
    ]
    for url in urls:
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
    # The Swagger UI really rendered (its script comes from a file of its own).
    assert page.locator(".swagger-ui .opblock").count() > 10
    assert violations == [], "\n".join(violations)

"""Feedback at once and long lists made short: the PDF report's button, the partners field.
Real Chromium through Playwright."""

import pytest
from django.urls import reverse

from tests.factories import JurisdictionFactory, make_assessment
from tests.pages.test_reflow_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_preparing_the_pdf_shows_progress_at_once(
    allow_orm_beside_playwright,
    live_server,
    browser_page,
    client,
    malta,
    assessor,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    assessment = make_assessment(jurisdiction=malta, assessors=[assessor], principles=2)
    page = browser_page
    sign_in(page, client, live_server, assessor)
    page.goto(live_server.url + reverse("assessments:detail", args=[assessment.pk]))
    # Hold the answer back, to look at the page while the report is being prepared.
    held = []
    page.route("**/reports/", lambda route: held.append(route))
    button = page.get_by_role("button", name="Prepare the PDF gap report")
    button.click()
    page.wait_for_function("() => document.querySelector('#report-preparing').offsetParent")
    assert button.is_disabled()
    assert page.locator("#report-preparing").inner_text() == "Preparing the PDF report…"
    page.wait_for_timeout(100)
    assert held, "the request was sent"
    held[0].continue_()
    page.wait_for_selector("#report-list li")
    assert not button.is_disabled()
    assert not page.locator("#report-preparing").is_visible()


def test_the_partners_list_narrows_to_what_is_typed(
    allow_orm_beside_playwright, live_server, browser_page, client, malta, assessor
):
    for code, name in [("KEN", "Kenya"), ("KGZ", "Kyrgyzstan"), ("FRA", "France")]:
        JurisdictionFactory(code=code, name=name)
    assessment = make_assessment(jurisdiction=malta, assessors=[assessor], principles=1)
    page = browser_page
    sign_in(page, client, live_server, assessor)
    page.goto(live_server.url + reverse("assessments:create", args=[assessment.strategy_id]))
    page.get_by_label("Filter the list").fill("k")
    visible = page.evaluate(
        "() => [...document.querySelector('select[data-filterable]').options]"
        ".filter((o) => !o.hidden).map((o) => o.text)"
    )
    assert visible == ["Kenya", "Kyrgyzstan"]

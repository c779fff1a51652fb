"""A keyboard user moves from unscored item to unscored item, and each item has no more tab
stops than its fields need. Real Chromium through Playwright."""

import pytest
from django.urls import reverse

from assessments.services import ScoreInput, score_save
from tests.factories import make_assessment
from tests.pages.test_reflow_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TAB_STOPS = """(id) => [...document.querySelectorAll(`#${id} a[href], #${id} button, #${id} input,
  #${id} textarea, #${id} select, #${id} summary, #${id} [tabindex]`)].filter((el) =>
  el.tabIndex >= 0 && !el.disabled && el.getClientRects().length &&
  !(el.type === 'radio' && !el.checked)).length"""


def test_next_unscored_item_by_link_and_by_key(
    allow_orm_beside_playwright, live_server, browser_page, client, malta, assessor
):
    assessment = make_assessment(jurisdiction=malta, assessors=[assessor], principles=5)
    scores = list(assessment.scores.select_related("principle").order_by("principle__order"))
    level = assessment.scale.levels.get(code="3")
    for score in (scores[0], scores[2]):
        score_save(
            score=score,
            user=assessor,
            expected_version=0,
            data=ScoreInput(level, "Largely there.", "", "", ""),
        )
    page = browser_page
    sign_in(page, client, live_server, assessor)
    page.goto(live_server.url + reverse("assessments:checklist", args=[assessment.pk]))
    # Section by section, as the page shows them: 1, 3, 5 then 2, 4 (1 and 3 are scored).
    unscored = [f"item-{scores[n].principle.code}" for n in (4, 1, 3)]
    focused = "() => document.activeElement.closest('article')?.id"
    link = page.locator("#next-unscored")
    assert link.get_attribute("href") == f"#{unscored[0]}"  # without the script too
    link.click()
    assert page.evaluate(focused) == unscored[0]
    page.keyboard.press("n")
    assert page.evaluate(focused) == unscored[1]
    page.keyboard.press("n")
    assert page.evaluate(focused) == unscored[2]
    assert page.url.endswith(f"#{unscored[2]}")
    # Typing an "n" in a field types it.
    field = page.locator(f"#{unscored[2]}").get_by_label("Justification")
    field.click()
    page.keyboard.type("n")
    assert field.input_value() == "n"
    assert page.evaluate(focused) == unscored[2]
    # Each item: the full text, the level, four fields, the history link: no more.
    stops = page.evaluate(TAB_STOPS, unscored[2])
    assert stops <= 8, stops

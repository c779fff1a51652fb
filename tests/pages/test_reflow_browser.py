"""Every page of the role tour reflows: nothing scrolls sideways at a 390-pixel phone or at the
WCAG 320-pixel reflow width, and the checklist's sticky bar stays small and never covers the
item a link jumps to. Real Chromium through Playwright."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.services import ScoreInput, score_save
from strategies.services import document_upload
from tests.factories import make_assessment
from tests.pages.every_page import every_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Ports and ferries\n\n" + "\n\n".join(
    f"[P{n}] The ferry operators will screen passengers and vehicles at every port of the "
    "archipelago, and crews will report suspicious behaviour to the coastguard."
    for n in range(1, 8)
)


@pytest.fixture
def tour(malta, assessor, reviewer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assessment = make_assessment(
        jurisdiction=malta, assessors=[assessor], reviewer=reviewer, principles=6
    )
    assessment.strategy.title = "A national counter-terrorism strategy with a rather long title"
    assessment.strategy.save()
    document_upload(
        strategy=assessment.strategy,
        user=assessor,
        file=SimpleUploadedFile("a-strategy-document-with-a-long-file-name.txt", TEXT.encode()),
    )
    score = assessment.scores.order_by("principle__order").first()
    score_save(
        score=score,
        user=assessor,
        expected_version=0,
        data=ScoreInput(
            assessment.scale.levels.get(code="2"),
            "Mentioned in the strategy's chapter on ports, without a budget line.",
            "The ferry operators will screen passengers",
            "p. 1, ¶ 1",
            "",
        ),
    )
    return every_page(assessment, score)


OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter((el) => {
    const box = el.getBoundingClientRect();
    const outside = box.right > width + 1 || box.left < -1;
    return box.width > 0 && outside && !el.closest(".table-scroll, .skip-link, .visually-hidden");
  }).map((el) => `${el.tagName.toLowerCase()}.${el.className}`).slice(0, 5);
  return {scroll: document.documentElement.scrollWidth, width, wide};
}"""


def sign_in(page, client, live_server, user):
    client.force_login(user)
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])


@pytest.mark.parametrize(
    "persona, width", [("assessor", 320), ("assessor", 390), ("admin_user", 320)]
)
def test_no_page_scrolls_sideways(
    allow_orm_beside_playwright, live_server, browser_page, client, request, tour, persona, width
):
    """The administrator's header has the most links; the assessor sees every page."""
    page = browser_page
    page.set_viewport_size({"width": width, "height": 740})
    sign_in(page, client, live_server, request.getfixturevalue(persona))
    problems = []
    for name, url in tour.items():
        page.goto(live_server.url + url)
        found = page.evaluate(OVERFLOW)
        if found["scroll"] > found["width"]:
            problems.append(f"{name} ({url}): {found['scroll']} px wide: {found['wide']}")
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("login"))
    found = page.evaluate(OVERFLOW)
    if found["scroll"] > found["width"]:
        problems.append(f"login: {found['scroll']} px wide: {found['wide']}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width, height", [(320, 568), (390, 844), (1280, 800)])
def test_the_sticky_bar_is_small_and_never_covers_a_jump_target(
    allow_orm_beside_playwright, live_server, browser_page, client, assessor, tour, width, height
):
    page = browser_page
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, client, live_server, assessor)
    page.goto(live_server.url + tour["checklist"])
    bar = page.locator(".checklist-bar").bounding_box()
    assert bar["height"] <= height / 5, (bar["height"], height)
    items = page.locator("article.item")
    last = items.nth(items.count() - 1).get_attribute("id")
    page.goto(live_server.url + tour["checklist"] + f"#{last}")
    page.wait_for_timeout(200)
    covered = page.evaluate(
        """(id) => {
          const bar = document.querySelector('.checklist-bar').getBoundingClientRect();
          const heading = document.querySelector(`#${id} h3`).getBoundingClientRect();
          return heading.top < bar.bottom;
        }""",
        last,
    )
    assert not covered

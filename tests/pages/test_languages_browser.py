"""The app in Arabic and Chinese in a real browser: the language switcher saves the user's
choice, Arabic pages run right to left without scrolling sideways, and the checklist's own
script speaks the page's language while it saves. Real Chromium through Playwright."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from tests.factories import PASSWORD, StrategyFactory, make_assessment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVE_TIMEOUT_MS = 10_000


def log_in(page, live_server, user):
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_load_state()


def saved_message(locale: str) -> re.Pattern:
    """What the checklist's script says once an item is saved, from the JavaScript catalogue
    of that language."""
    path = Path(settings.BASE_DIR) / "locale" / locale / "LC_MESSAGES" / "djangojs.po"
    with path.open("rb") as po:
        translated = read_po(po)["Saved %(time)s"].string
    assert translated and translated != "Saved %(time)s"
    return re.compile(re.escape(translated).replace(re.escape("%(time)s"), r"\d\d:\d\d"))


def test_the_switcher_saves_the_language_and_arabic_runs_right_to_left(
    allow_orm_beside_playwright, live_server, browser_page, assessor, malta
):
    page = browser_page
    assessment = make_assessment(jurisdiction=malta, assessors=[assessor], principles=3)
    log_in(page, live_server, assessor)
    page.select_option("#language-select", "ar")
    page.locator(".language-form button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assessor.refresh_from_db()
    assert assessor.language == "ar"  # saved on the account, not only in this browser

    page.goto(live_server.url + reverse("assessments:checklist", args=[assessment.pk]))
    with translation.override("ar"):
        expect(page.locator("h1")).to_be_visible()
        expect(page.locator(".tabs")).to_contain_text(translation.gettext("Checklist"))
    # Right to left: the brand sits at the right end of the header, the navigation after it.
    width = page.evaluate("document.documentElement.clientWidth")
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] + brand["width"] > width / 2, brand
    for viewport in (390, 1280):
        page.set_viewport_size({"width": viewport, "height": 800})
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= viewport, (viewport, scroll)

    # The script's messages come from the Arabic JavaScript catalogue.
    item = page.locator("article.item").first
    form = item.locator("form[data-autosave]")
    item.locator("input[name=level]").first.check()
    item.locator("textarea[name=justification]").fill("مذكورة في الفصل الثالث.")
    expect(form).to_have_attribute("data-state", "saved", timeout=SAVE_TIMEOUT_MS)
    expect(form.locator(".save-status")).to_have_text(saved_message("ar"))


def test_a_chinese_reader_gets_chinese_pages_and_script(
    allow_orm_beside_playwright, live_server, browser_page, assessor, malta
):
    assessor.language = "zh-hans"
    assessor.save(update_fields=["language"])
    assessment = make_assessment(jurisdiction=malta, assessors=[assessor], principles=2)
    page = browser_page
    log_in(page, live_server, assessor)
    page.goto(live_server.url + reverse("assessments:checklist", args=[assessment.pk]))
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    with translation.override("zh-hans"):
        expect(page.locator(".tabs")).to_contain_text(translation.gettext("Checklist"))
    item = page.locator("article.item").first
    form = item.locator("form[data-autosave]")
    item.locator("input[name=level]").first.check()
    item.locator("textarea[name=justification]").fill("战略第三章提到了这一点。")
    expect(form).to_have_attribute("data-state", "saved", timeout=SAVE_TIMEOUT_MS)
    expect(form.locator(".save-status")).to_have_text(saved_message("zh_Hans"))


# The page's own text and attributes, as the browser shows them: what is marked as another
# language (`lang`), or as text whose language the app does not know (`<bdi>`,
# `dir="auto"`), is not the interface's (tests/i18n/test_pages_in_each_language.py).
OWN_WORDS = """(language) => {
  const words = new Set();
  const latin = /(?<![A-Za-z])(?![A-Z]+(?![A-Za-z]))[A-Za-z]{2,}/g;
  const foreign = (el) => el.closest(
    `[lang]:not([lang="${language}"]), bdi, [dir="auto"], script, style, code, kbd`);
  const add = (text) => (text.replaceAll("CT Framework", "").match(latin) || [])
    .forEach((w) => words.add(w));
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!foreign(el)) add(walker.currentNode.textContent);
  }
  const attributes = ["title", "placeholder", "aria-label", "alt"];
  for (const el of document.body.querySelectorAll(attributes.map((a) => `[${a}]`).join())) {
    if (!foreign(el)) attributes.forEach((name) => add(el.getAttribute(name) || ""));
  }
  return [...words].sort();
}"""

# Counts ("0 / 8", "3 of 42"), codes ("VP-24") and percentages ("60.7%") outside an isolating
# element: in an Arabic page they would read scrambled ("8 / 0").
UNISOLATED = r"""() => {
  const fragment = /\d+\s*\/\s*\d+|[A-Z]{1,5}-\d+|\d+(?:[.,]\d+)?\s?[%٪]/g;
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (el.closest("bdi, [dir='auto'], [dir='ltr'], script, style")) continue;
    (walker.currentNode.textContent.match(fragment) || []).forEach((f) => found.push(f));
  }
  return found;
}"""


@pytest.fixture
def valletta_assessment(assessor, malta):
    from django.core.management import call_command

    from assessments.models import ScoreScale
    from assessments.services import ScoreInput, assessment_create, score_save
    from principles.models import Framework

    call_command("loaddata", "score-scales", "valletta-principles-2025", verbosity=0)
    assessment = assessment_create(
        strategy=StrategyFactory(jurisdiction=malta),
        framework=Framework.objects.get(slug="valletta-principles"),
        scale=ScoreScale.objects.get(is_default=True),
        assessors=[assessor],
        created_by=assessor,
    )
    score = assessment.scores.order_by("principle__order").first()
    score_save(
        score=score,
        user=assessor,
        expected_version=0,
        data=ScoreInput(assessment.scale.levels.get(code="2"), "Partly.", "", "", ""),
    )
    return assessment


@pytest.mark.parametrize("language", ["ar", "zh-hans"])
def test_checklist_summary_and_library_have_no_english_left(
    allow_orm_beside_playwright, live_server, browser_page, assessor, valletta_assessment, language
):
    assessor.language = language
    assessor.save(update_fields=["language"])
    page = browser_page
    log_in(page, live_server, assessor)
    a = valletta_assessment
    pages = {
        "checklist": reverse("assessments:checklist", args=[a.pk]),
        "summary": reverse("assessments:detail", args=[a.pk]),
        "library": reverse("principles:framework-list"),
        "set": a.framework.get_absolute_url(),
    }
    problems = []
    for name, url in pages.items():
        page.goto(live_server.url + url)
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        words = page.evaluate(OWN_WORDS, language)
        if words:
            problems.append(f"{name}: {' '.join(words)}")
        if language == "ar":
            unisolated = page.evaluate(UNISOLATED)
            if unisolated:
                problems.append(f"{name}: not isolated: {unisolated[:10]}")
    assert not problems, "\n".join(problems)

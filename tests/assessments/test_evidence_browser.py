"""Suggestions in a real browser: accept one as evidence while the item has unsaved typing,
keep autosaving without a conflict, dismiss another and find it gone after a reload; keep a
working translation beside a linked passage."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import expect

from assessments.models import EvidenceLink, Score
from principles.models import Principle
from strategies.services import document_upload
from tests.assessments.test_checklist_browser import SAVE_TIMEOUT_MS
from tests.factories import make_assessment

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),  # see test_checklist_browser.py
]

VICTIMS = (
    "Survivors and bereaved families of attacks will each have a case manager who arranges "
    "medical, psychological and legal help, and interim compensation within sixty days."
)
FINANCING = (
    "The financial intelligence unit will trace money raised for armed groups and freeze "
    "the assets of those who finance terrorism, working with the banks."
)
STRATEGY = f"Victims\n\n{VICTIMS}\n\nTerrorist financing\n\n{FINANCING}\n"


def open_signed_in(page, client, user, live_server, url_name, assessment):
    """Open one of the assessment's pages in the browser, signed in as `user` (the log-in
    form itself is tested in test_checklist_browser.py)."""
    client.force_login(user)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    page.goto(live_server.url + reverse(url_name, args=[assessment.pk]))


@pytest.fixture
def mapped(malta, assessor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assessment = make_assessment(jurisdiction=malta, assessors=[assessor], principles=2)
    first, second = Principle.objects.filter(framework=assessment.framework).order_by("order")
    first.title, first.text = "Support to victims", "Assist and protect victims of terrorism."
    second.title, second.text = "Countering the financing of terrorism", "Cut off funds."
    Principle.objects.bulk_update([first, second], ["title", "text"])
    document, _ = document_upload(
        strategy=assessment.strategy,
        user=assessor,
        file=SimpleUploadedFile("strategy.txt", STRATEGY.encode()),
    )
    assert document.status == "ready"  # no outer transaction: the eager task has run
    scores = Score.objects.filter(assessment=assessment).order_by("principle__order")
    return assessment, list(scores.select_related("principle"))


def test_accept_and_dismiss_suggestions_in_the_checklist(
    allow_orm_beside_playwright, live_server, client, assessor, mapped, browser_page
):
    page = browser_page
    assessment, (victims, financing) = mapped
    open_signed_in(page, client, assessor, live_server, "assessments:checklist", assessment)

    item = page.locator(f"#item-{victims.principle.code}")
    # The suggestions are folded away (their buttons are no tab stops until opened).
    item.locator("details[data-suggestions] > summary").click()
    suggestion = item.locator(".suggestion").first
    expect(suggestion).to_contain_text("Survivors and bereaved families")

    # Typing, then accepting at once: the item's own edit is saved first, then the passage
    # is linked; both are in the form and in the database.
    form = item.locator("form[data-autosave]")
    item.get_by_label("Justification").fill("Victims get a case manager.")
    suggestion.get_by_role("button", name="Use as evidence").click()
    expect(item.locator(".linked-passages")).to_contain_text("Survivors and bereaved")
    expect(item.get_by_label("Justification")).to_have_value("Victims get a case manager.")
    expect(item.get_by_label("Evidence (quoted from the strategy)")).to_have_value(VICTIMS)
    expect(item.get_by_label("Location (page, section)")).to_have_value("passage 2")

    # The form holds the new version: the next autosave goes through, no conflict.
    item.get_by_label("Justification").fill("Victims get a case manager within 72 hours.")
    expect(form).to_have_attribute("data-state", "saved", timeout=SAVE_TIMEOUT_MS)
    victims.refresh_from_db()
    assert victims.justification == "Victims get a case manager within 72 hours."
    assert victims.evidence == VICTIMS
    assert EvidenceLink.objects.get(score=victims, status="linked").from_suggestion is True

    # Dismissing: the financing paragraph shares "terrorism" with the victims principle and
    # is suggested for it; dismissed, it is gone, and still gone after a reload, while the
    # financing principle is still offered it.
    unwanted = item.locator(".suggestion", has_text="financial intelligence unit")
    expect(unwanted).to_have_count(1)
    unwanted.get_by_role("button", name="Not relevant").click()
    expect(item.locator(".suggestion", has_text="financial intelligence")).to_have_count(0)
    page.reload()
    item = page.locator(f"#item-{victims.principle.code}")
    expect(item.locator(".linked-passages")).to_contain_text("Survivors and bereaved")
    expect(item.locator(".suggestion", has_text="financial intelligence")).to_have_count(0)
    expect(page.locator(f"#item-{financing.principle.code} .suggestion").first).to_contain_text(
        "financial intelligence unit"
    )
    dismissed = EvidenceLink.objects.get(score=victims, status=EvidenceLink.Status.DISMISSED)
    assert "financial intelligence unit" in dismissed.passage.text


def test_link_a_passage_from_the_reader(
    allow_orm_beside_playwright, live_server, client, assessor, mapped, browser_page
):
    page = browser_page
    assessment, (victims, financing) = mapped
    open_signed_in(page, client, assessor, live_server, "assessments:reader", assessment)
    passage = page.locator("article.passage", has_text="financial intelligence unit")
    passage.get_by_role("link", name="Link to principles").click()
    # htmx puts the form under the passage: no page load.
    passage.get_by_label(financing.principle.code, exact=False).check()
    passage.get_by_role("button", name="Link as evidence").click()
    page.wait_for_url("**/reader/?passage=*#passage-*")
    linked = page.locator("article.passage.is-linked")
    expect(linked).to_have_count(1)
    expect(linked.locator(".passage-links")).to_contain_text(financing.principle.code)
    financing.refresh_from_db()
    assert financing.evidence == FINANCING
    assert EvidenceLink.objects.get(score=financing).status == EvidenceLink.Status.LINKED


def test_typing_while_a_link_is_made_is_kept_and_offered_as_a_choice(
    allow_orm_beside_playwright, live_server, client, assessor, mapped, browser_page
):
    page = browser_page
    assessment, (victims, _financing) = mapped
    open_signed_in(page, client, assessor, live_server, "assessments:checklist", assessment)
    # A slow network: the link's answer comes 1.5 s after it was asked for.
    page.evaluate(
        """() => {
          const original = window.fetch;
          window.fetch = (url, options) => String(url).includes("/evidence/")
            ? new Promise((done) => setTimeout(() => done(original(url, options)), 1500))
            : original(url, options);
        }"""
    )
    item = page.locator(f"#item-{victims.principle.code}")
    item.locator("details[data-suggestions] > summary").click()
    item.locator(".suggestion").first.get_by_role("button", name="Use as evidence").click()
    item.get_by_label("Justification").fill("Typed while the link was on its way.")
    expect(item.locator(".linked-passages")).to_contain_text("Survivors and bereaved")
    # Nothing typed is overwritten: the field keeps it, and the conflict box offers both.
    expect(item.get_by_label("Justification")).to_have_value("Typed while the link was on its way.")
    conflict = item.locator(".conflict")
    expect(conflict).to_be_visible(timeout=SAVE_TIMEOUT_MS)
    expect(conflict).to_contain_text("Survivors and bereaved")
    conflict.get_by_role("button", name="Keep mine (save over theirs)").click()
    expect(item.locator("form[data-autosave]")).to_have_attribute(
        "data-state", "saved", timeout=SAVE_TIMEOUT_MS
    )
    victims.refresh_from_db()
    assert victims.justification == "Typed while the link was on its way."
    assert EvidenceLink.objects.filter(score=victims, status="linked").count() == 1


def test_a_working_translation_is_kept_beside_the_quote_in_the_checklist(
    allow_orm_beside_playwright, live_server, client, assessor, mapped, browser_page
):
    page = browser_page
    assessment, (victims, _financing) = mapped
    link = EvidenceLink.objects.create(
        score=victims,
        passage=victims.assessment.strategy.passages.get(text=VICTIMS),
        status=EvidenceLink.Status.LINKED,
    )
    open_signed_in(page, client, assessor, live_server, "assessments:checklist", assessment)
    item = page.locator(f"#item-{victims.principle.code}")
    item.get_by_text("Add a working translation").click()
    item.get_by_label("Your translation of this passage").fill("Les survivants et les familles.")
    item.get_by_label("Language of the translation").select_option("fr")
    item.get_by_role("button", name="Save the translation").click()
    # The panel comes back with the translation, labelled as the assessor's.
    shown = item.locator(".working-translation")
    expect(shown).to_contain_text("Working translation by the assessor, not the document's text")
    expect(shown.locator('span[lang="fr"]')).to_have_text("Les survivants et les familles.")
    link.refresh_from_db()
    assert (link.translation, link.translation_language) == (
        "Les survivants et les familles.",
        "fr",
    )

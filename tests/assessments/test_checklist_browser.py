"""The checklist in a real browser: log in, score items, autosave, reload, survive a dropped save.

Drives Debian's Chromium through Playwright against pytest-django's live server. Needs
`apt-get install -y chromium`; Playwright's own browser download is never used.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from assessments.models import Score, ScoreChange
from tests.factories import PASSWORD, make_assessment

# An autosave waits 0.8 s after the last input, then one request; a failed save retries
# after 2 s, then 5 s. These are upper bounds, not sleeps.
SAVE_TIMEOUT_MS = 10_000
RETRY_TIMEOUT_MS = 15_000

# The live server shares the test database; `transaction=True` because its thread must see
# what the test commits. The personas create their role groups if an earlier transactional
# test flushed them. No serialized_rollback: after a flush that re-created the content types,
# restoring the serialized rows would clash with them (and fail the test at set-up).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _item(page: Page, score: Score):
    return page.locator(f"#item-{score.principle.code}")


def _form(page: Page, score: Score):
    return _item(page, score).locator("form[data-autosave]")


def _expect_saved(page: Page, score: Score, timeout=SAVE_TIMEOUT_MS):
    form = _form(page, score)
    expect(form).to_have_attribute("data-state", "saved", timeout=timeout)
    expect(form.locator(".save-status")).to_contain_text("Saved")


def test_assessor_scores_items_with_autosave(
    allow_orm_beside_playwright, live_server, assessor, malta, browser_page
):
    page = browser_page
    assessment = make_assessment(jurisdiction=malta, assessors=[assessor], principles=6)
    scores = list(
        Score.objects.filter(assessment=assessment)
        .select_related("principle")
        .order_by("principle__order")
    )
    assert len(scores) == 6
    assert assessment.framework.sections.count() == 2
    # make_framework deals the principles out to the two sections in turn.
    first, second, third, fourth = scores[0], scores[2], scores[1], scores[3]
    assert first.principle.section_id == second.principle.section_id
    assert third.principle.section_id != first.principle.section_id
    checklist_url = live_server.url + reverse("assessments:checklist", args=[assessment.pk])

    # Log in through the real form; the login page sends us on to the checklist.
    page.goto(checklist_url)
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("Username").fill(assessor.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(checklist_url)
    overall = page.locator("#progress-overall")
    expect(overall).to_have_text("0 of 6 scored")
    expect(page.locator("form[data-autosave]")).to_have_count(6)

    # Accessibility of the forms: each radio group is a fieldset with a legend, each text
    # field has a <label for>.
    problems = page.evaluate(
        """() => {
          const problems = [];
          const named = (el) => el && el.textContent.trim();
          const forms = "form[data-autosave]";
          for (const radio of document.querySelectorAll(`${forms} input[type=radio]`)) {
            const fieldset = radio.closest("fieldset");
            if (!named(fieldset && fieldset.querySelector(":scope > legend"))) {
              problems.push(`radio ${radio.value} outside a fieldset with a legend`);
            }
            if (!named(radio.closest("label"))) problems.push(`radio ${radio.value} unlabelled`);
          }
          const fields = document.querySelectorAll(
            `${forms} textarea, ${forms} input:not([type=hidden]):not([type=radio])`
          );
          for (const field of fields) {
            const label = field.id && document.querySelector(`label[for="${field.id}"]`);
            if (!named(label)) problems.push(`${field.name} ${field.id} has no label[for]`);
          }
          const textareas = document.querySelectorAll(`${forms} textarea`).length;
          return {problems, textareas};
        }"""
    )
    assert problems == {"problems": [], "textareas": 18}

    # Item 1, with the mouse: pick the level by its label, type in the fields.
    item = _item(page, first)
    item.get_by_label("3 · Largely addressed").check()
    item.get_by_label("Justification").click()
    page.keyboard.type("The strategy names a lead agency.")
    item.get_by_label("Evidence (quoted from the strategy)").click()
    page.keyboard.type("“The Ministry shall coordinate…”")
    _expect_saved(page, first)
    expect(overall).to_have_text("1 of 6 scored")

    # Item 2 (same section).
    item = _item(page, second)
    item.get_by_label("1 · Mentioned only").check()
    item.get_by_label("Justification").click()
    page.keyboard.type("Only a passing mention.")
    item.get_by_label("Evidence (quoted from the strategy)").click()
    page.keyboard.type("p. 4")
    _expect_saved(page, second)
    expect(overall).to_have_text("2 of 6 scored")

    # Item 3 (other section), keyboard only: type, then Shift+Tab back into the radio
    # group (focus lands on the checked "Not scored yet") and arrow up twice, past
    # "Not applicable", to "4 · Fully addressed".
    item = _item(page, third)
    item.get_by_label("Justification").focus()
    page.keyboard.type("Fully covered, with a budget.")
    page.keyboard.press("Tab")
    expect(item.get_by_label("Evidence (quoted from the strategy)")).to_be_focused()
    page.keyboard.type("Annex II")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(item.get_by_label("Not scored yet")).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    fully = item.get_by_label("4 · Fully addressed")
    expect(fully).to_be_focused()
    expect(fully).to_be_checked()
    _expect_saved(page, third)
    expect(overall).to_have_text("3 of 6 scored")
    expect(page.locator(f'[data-section-progress="{first.principle.section_id}"]')).to_have_text(
        "2 of 3 scored"
    )
    expect(page.locator(f'[data-section-progress="{third.principle.section_id}"]')).to_have_text(
        "1 of 3 scored"
    )
    expect(page.locator("#progress-meter")).to_have_attribute("value", "3")

    # A reload shows what was saved.
    page.reload()
    expect(overall).to_have_text("3 of 6 scored")
    expected = {
        first.pk: ("3", "3 · Largely addressed", "The strategy names a lead agency."),
        second.pk: ("1", "1 · Mentioned only", "Only a passing mention."),
        third.pk: ("4", "4 · Fully addressed", "Fully covered, with a budget."),
    }
    for score in (first, second, third):
        item = _item(page, score)
        code, label, justification = expected[score.pk]
        expect(item.get_by_label(label)).to_be_checked()
        expect(item.get_by_label("Justification")).to_have_value(justification)
        expect(item).to_have_class("item is-scored")
    expect(_item(page, fourth).get_by_label("Not scored yet")).to_be_checked()

    # The database holds the same, each at version 1 with one history row.
    saved = {s.pk: s for s in Score.objects.filter(assessment=assessment).select_related("level")}
    for score in (first, second, third):
        code, label, justification = expected[score.pk]
        row = saved[score.pk]
        assert (row.level.code, row.justification, row.version) == (code, justification, 1)
        assert row.updated_by_id == assessor.pk
        change = ScoreChange.objects.get(score=row)
        assert change.version == 1
        assert change.changed_by_id == assessor.pk
        assert change.changes["level"] == [None, label]
        assert change.changes["justification"] == ["", justification]
    assert saved[first.pk].evidence == "“The Ministry shall coordinate…”"
    assert saved[third.pk].evidence == "Annex II"
    unscored = [s for pk, s in saved.items() if pk not in expected]
    assert [(s.level_id, s.version) for s in unscored] == [(None, 0)] * 3
    assert ScoreChange.objects.filter(score__assessment=assessment).count() == 3

    # A dropped connection keeps the text and retries until the save goes through.
    save_url = live_server.url + reverse("assessments:score-save", args=[assessment.pk, fourth.pk])
    aborted = []

    def drop(route):
        aborted.append(route.request.method)
        route.abort("internetdisconnected")

    page.route(save_url, drop)
    item = _item(page, fourth)
    form = _form(page, fourth)
    item.get_by_label("2 · Partially addressed").check()
    item.get_by_label("Justification").click()
    page.keyboard.type("Typed while offline.")
    expect(form).to_have_attribute("data-state", "failed", timeout=SAVE_TIMEOUT_MS)
    expect(form.locator(".save-status")).to_contain_text("Not saved: no connection")
    expect(form.locator(".save-status")).to_contain_text("your text is kept")
    expect(item.get_by_label("Justification")).to_have_value("Typed while offline.")
    expect(item.get_by_label("2 · Partially addressed")).to_be_checked()
    expect(overall).to_have_text("3 of 6 scored")
    assert aborted and set(aborted) == {"POST"}
    page.unroute(save_url, drop)
    _expect_saved(page, fourth, timeout=RETRY_TIMEOUT_MS)
    expect(item.get_by_label("Justification")).to_have_value("Typed while offline.")
    expect(overall).to_have_text("4 of 6 scored")
    row = Score.objects.select_related("level").get(pk=fourth.pk)
    assert (row.level.code, row.justification, row.version) == ("2", "Typed while offline.", 1)
    assert ScoreChange.objects.filter(score=row).count() == 1

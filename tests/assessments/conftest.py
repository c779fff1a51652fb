"""Shared fixtures of the assessment tests: the evidence world and the browser."""

from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import sync_playwright

from tests.assessments.evidence_world import make_world

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


@pytest.fixture
def allow_orm_beside_playwright(monkeypatch):
    # Playwright's sync API runs an asyncio event loop in this thread while the browser is
    # open, so Django's async-safety check would refuse the test's own ORM queries ("You
    # cannot call this from an async context"). The queries are in fact synchronous and in
    # this thread only; the live server answers from its own thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser_page():
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium. "
            "Install it with `apt-get install -y chromium`."
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(10_000)
            yield page
        finally:
            # While Playwright's loop runs, Django keeps this thread's database connections
            # apart (per context, not per thread), so the test's queries used a connection
            # of their own. Close it now: once the loop stops nothing can reach it, and on
            # PostgreSQL it would keep the test database from being dropped.
            connections.close_all()
            browser.close()


@pytest.fixture
def world(malta, assessor, reviewer):
    """A Maltese assessment whose strategy text has been uploaded (see evidence_world)."""
    return make_world(jurisdiction=malta, assessor=assessor, reviewer=reviewer)

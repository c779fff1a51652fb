"""Shared fixtures: the named personas every permission test uses."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import translation
from playwright.sync_api import sync_playwright

from ctframework import roles
from tests.factories import JurisdictionFactory, UserFactory, grant
from tests.migrations import migrate


@pytest.fixture
def malta(db):
    return JurisdictionFactory(code="MLT", name="Malta", region="Europe")


@pytest.fixture
def kenya(db):
    return JurisdictionFactory(code="KEN", name="Kenya", region="Africa")


def _user(username, role, *jurisdictions):
    # The role groups are made with get_or_create: a transactional test before this one may
    # have flushed the migration rows.
    return grant(UserFactory(username=username), role, *jurisdictions)


@pytest.fixture
def admin_user(db):
    """Alice the administrator: sees every jurisdiction."""
    return _user("alice-admin", roles.ADMINISTRATOR)


@pytest.fixture
def assessor(malta):
    """Amal, assessor for Malta."""
    return _user("amal-assessor", roles.ASSESSOR, malta)


@pytest.fixture
def reviewer(malta):
    """Rafael, reviewer for Malta."""
    return _user("rafael-reviewer", roles.REVIEWER, malta)


@pytest.fixture
def ministry_malta(malta):
    """Maria, ministry reader of Malta."""
    return _user("maria-ministry", roles.MINISTRY_READER, malta)


@pytest.fixture
def ministry_kenya(kenya):
    """Kamau, ministry reader of Kenya: the outsider for everything Maltese."""
    return _user("kamau-ministry", roles.MINISTRY_READER, kenya)


@pytest.fixture
def migrated_to(transactional_db):
    """`migrated_to(targets)` puts the schema in a past state and returns its app registry;
    the latest schema comes back after the test whatever happens in it, so a failing migration
    test cannot leave the tests after it on an old schema."""
    yield migrate
    call_command("migrate", verbosity=0)


@pytest.fixture(autouse=True)
def english_after_each_test():
    """A request in French leaves French active in the thread (Django resets the language at
    the next request, not after a response): the next test starts in English, as a fresh
    process (a management command, a worker) does."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def eager_celery(request):
    """Unit tests run tasks in-process; tests marked `worker` use a real worker and broker."""
    from ctframework.celery import app

    if request.node.get_closest_marker("worker"):
        yield
        return
    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture
def evidence_contained(settings, tmp_path):
    """Uploaded documents kept out of the repository; no ranking index left by another test."""
    from assessments import suggestions

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    suggestions._indexes.clear()


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
def worker():
    """A real Celery worker (solo pool, in this process) on the broker `make test` sets."""
    from celery.contrib.testing.worker import start_worker
    from django.conf import settings

    from ctframework.celery import app

    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.fail("the worker test needs CELERY_BROKER_URL (make test sets it to Redis)")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        yield

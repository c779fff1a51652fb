"""Shared fixtures: the named personas every permission test uses."""

import pytest

from ctframework import roles
from tests.factories import JurisdictionFactory, UserFactory, grant


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

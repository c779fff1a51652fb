"""Shared fixtures of the strategy tests: a fast password hasher, uploads kept in tmp, and
an upload whose extraction runs at once."""

import pytest

from strategies import services
from strategies.models import StrategyDocument

from . import documents


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded documents are kept out of the repository."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def uploaded(django_capture_on_commit_callbacks):
    """Upload through the service and run the extraction task, as after the commit; the
    document as the extraction left it (ready or failed)."""

    def uploaded(strategy, user, data, name="strategy.txt"):
        with django_capture_on_commit_callbacks(execute=True):
            document, _created = services.document_upload(
                strategy=strategy, user=user, file=documents.upload(data, name)
            )
        document.refresh_from_db()
        return document

    return uploaded


@pytest.fixture
def store(uploaded):
    """As `uploaded`, for a document that must be read."""

    def store(strategy, user, data, name="strategy.txt"):
        document = uploaded(strategy, user, data, name)
        assert document.status == StrategyDocument.Status.READY, document.error
        return document

    return store

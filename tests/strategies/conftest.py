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
def store(django_capture_on_commit_callbacks):
    """Upload through the service and run the extraction task, as after the commit."""

    def store(strategy, user, data, name="strategy.txt"):
        with django_capture_on_commit_callbacks(execute=True):
            document, _created = services.document_upload(
                strategy=strategy, user=user, file=documents.upload(data, name)
            )
        document.refresh_from_db()
        assert document.status == StrategyDocument.Status.READY, document.error
        return document

    return store

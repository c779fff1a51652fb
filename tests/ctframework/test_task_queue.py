"""The task queue down: a report or a document upload answers 503 with a clear message,
leaves nothing waiting for a task that was never sent, and works again once it is back.

The broker is "down" by pointing the Celery app at a closed port; the Redis the other tests
use is never stopped. "Back" is kombu's in-memory transport, which accepts the message.
"""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from assessments.models import Report
from ctframework.celery import app
from strategies.models import StrategyDocument
from tests.factories import StrategyFactory, make_assessment

pytestmark = [pytest.mark.core, pytest.mark.django_db(transaction=True)]

CLOSED_PORT = "redis://127.0.0.1:9/0"
MESSAGE = "The task queue is unavailable; try again in a few minutes."


@pytest.fixture
def broker(settings, tmp_path, monkeypatch):
    """`broker(url)` sends tasks to that broker instead of running them eagerly."""
    settings.MEDIA_ROOT = tmp_path
    # Celery reads the broker from these variables before its configuration (as `make test`
    # sets CELERY_BROKER_URL): without them the configured URL is the one used.
    for name in ("CELERY_BROKER_URL", "CELERY_BROKER_READ_URL", "CELERY_BROKER_WRITE_URL"):
        monkeypatch.delenv(name, raising=False)
    conf = app.conf
    saved = conf.task_always_eager, conf.broker_url

    def point(url):
        conf.task_always_eager = False
        conf.broker_url = url
        app._pool = None  # connections to the previous broker
        app.amqp._producer_pool = None

    yield point
    point(saved[1])
    conf.task_always_eager = saved[0]


@pytest.fixture
def assessment(malta, assessor):
    return make_assessment(jurisdiction=malta, assessors=[assessor], principles=2)


def test_report_request_answers_503_and_the_report_is_failed_not_queued(
    client, broker, assessment, assessor
):
    broker(CLOSED_PORT)
    client.force_login(assessor)
    url = reverse("assessments:report-request", args=[assessment.pk])
    started = time.monotonic()
    response = client.post(url)
    assert time.monotonic() - started < 15  # retried briefly, then gave up
    assert response.status_code == 503
    assert MESSAGE in response.content.decode()
    report = Report.objects.get()
    assert (report.status, report.error) == (Report.Status.FAILED, MESSAGE)

    fragment = client.post(url, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 503
    assert MESSAGE in fragment.content.decode() and "<li" in fragment.content.decode()

    api = APIClient()
    api.force_authenticate(assessor)
    answer = api.post(f"/api/v1/assessments/{assessment.pk}/reports/")
    assert answer.status_code == 503
    assert answer.json() == {"detail": MESSAGE}
    assert not Report.objects.exclude(status=Report.Status.FAILED).exists()

    broker("memory://")  # the queue is back: asking again queues a render
    again = api.post(f"/api/v1/assessments/{assessment.pk}/reports/")
    assert again.status_code == 202, again.json()
    assert again.json()["status"] == Report.Status.QUEUED


def test_document_upload_answers_503_keeps_nothing_and_works_when_retried(
    client, broker, malta, assessor
):
    strategy = StrategyFactory(jurisdiction=malta)
    text = b"Protecting ferries\n\nThe ferry operators will screen passengers at every port."
    broker(CLOSED_PORT)
    client.force_login(assessor)
    url = reverse("strategies:document-upload", args=[strategy.pk])
    response = client.post(url, {"file": SimpleUploadedFile("s.txt", text)})
    assert response.status_code == 503
    assert MESSAGE in response.content.decode()
    document = StrategyDocument.objects.get()
    assert (document.status, document.error) == (StrategyDocument.Status.FAILED, MESSAGE)
    assert not document.file  # nothing half-kept

    api = APIClient()
    api.force_authenticate(assessor)
    answer = api.post(
        f"/api/v1/strategies/{strategy.pk}/documents/",
        {"file": SimpleUploadedFile("s.txt", text)},
        format="multipart",
    )
    assert answer.status_code == 503
    assert answer.json() == {"detail": MESSAGE}

    broker("memory://")
    again = api.post(
        f"/api/v1/strategies/{strategy.pk}/documents/",
        {"file": SimpleUploadedFile("s.txt", text)},
        format="multipart",
    )
    assert again.status_code == 201, again.json()
    assert again.json()["status"] == StrategyDocument.Status.QUEUED
    assert list(StrategyDocument.objects.values_list("status", flat=True)) == ["queued"]


def test_requeueing_with_the_broker_down_keeps_the_documents_queued(broker, malta, assessor):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from strategies.services import document_upload

    broker("memory://")
    document, _ = document_upload(
        strategy=StrategyFactory(jurisdiction=malta),
        user=assessor,
        file=SimpleUploadedFile("s.txt", b"A paragraph about ports and ferries."),
    )
    broker(CLOSED_PORT)
    with pytest.raises(CommandError, match="The documents stay queued"):
        call_command("extract_documents", stdout=StringIO())
    document.refresh_from_db()
    assert document.status == StrategyDocument.Status.QUEUED and document.file


@pytest.mark.django_db
def test_the_sweep_fails_what_no_worker_picked_up(malta, assessor, settings, tmp_path):
    """Every pending state is swept, each with its own message."""
    from datetime import timedelta

    from django.utils import timezone

    from assessments.services import reports_fail_stale
    from strategies.services import documents_fail_stale

    settings.MEDIA_ROOT = tmp_path
    assessment = make_assessment(jurisdiction=malta, assessors=[assessor], principles=1)
    long_ago = timezone.now() - timedelta(hours=2)
    queued = Report.objects.create(assessment=assessment, content_hash="a" * 64)
    Report.objects.filter(pk=queued.pk).update(requested_at=long_ago)
    waiting = Report.objects.create(assessment=assessment, content_hash="b" * 64)
    strategy = StrategyFactory(jurisdiction=malta)
    document = StrategyDocument.objects.create(
        strategy=strategy, original_name="s.txt", format="txt", size=1, sha256="c" * 64
    )
    StrategyDocument.objects.filter(pk=document.pk).update(queued_at=long_ago)

    assert reports_fail_stale() == 1
    assert documents_fail_stale() == 1
    queued.refresh_from_db()
    document.refresh_from_db()
    assert queued.status == Report.Status.FAILED
    assert "No worker picked this up in time" in queued.error
    assert document.status == StrategyDocument.Status.FAILED
    assert "No worker picked this document up in time" in document.error
    waiting.refresh_from_db()
    assert waiting.status == Report.Status.QUEUED  # recent: still waiting its turn

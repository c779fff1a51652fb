"""Integration: a report rendered by a real Celery worker through the Redis broker."""

import time

import pytest

from assessments.models import Report
from assessments.services import report_request
from ctframework.celery import app
from tests.factories import make_assessment

pytestmark = pytest.mark.worker


@pytest.mark.django_db(transaction=True)
def test_report_renders_in_a_real_worker(worker, malta, assessor):
    assert app.conf.broker_url.startswith("redis://")
    assessment = make_assessment(jurisdiction=malta, assessors=[assessor], principles=5)
    report = report_request(assessment=assessment, user=assessor)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if not report.is_pending:
            break
        time.sleep(0.2)
    assert report.status == Report.Status.DONE, report.error
    assert report.file.read(4) == b"%PDF"

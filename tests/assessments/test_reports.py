"""PDF gap reports: right content in the right order, deterministic, reused, scoped."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessments import reports, services
from assessments.models import Report
from assessments.services import ScoreInput, report_request, score_save
from tests.factories import make_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(malta, assessor, reviewer):
    """Six principles scored 4, 0, 2, N/A, 1, unscored, with text."""
    assessment = make_assessment(
        jurisdiction=malta, assessors=[assessor], reviewer=reviewer, principles=6
    )
    codes = ["4", "0", "2", "na", "1", None]
    for score, code in zip(assessment.scores.order_by("principle__order"), codes, strict=True):
        if code is None:
            continue
        score_save(
            score=score,
            user=assessor,
            expected_version=0,
            data=ScoreInput(
                assessment.scale.levels.get(code=code),
                f"Justification {score.principle.code}",
                f"Evidence quoted for {score.principle.code}" if code != "1" else "",
                "p. 7",
                f"Recommendation for {score.principle.code}",
            ),
        )
    return assessment


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_pdf_holds_the_gaps_in_order_with_their_numbers(scored):
    content = reports.report_content(scored, with_observations=True)
    text = pdf_text(reports.render_pdf(content))
    codes = [s.principle.code for s in scored.scores.order_by("principle__order")]
    # Priority: level 0 first, then 1, then 2; the top level, N/A and unscored are no gaps.
    gaps_part = text.split("Prioritized gaps")[-1].split("Annex: full texts")[0]
    ranked = re.findall(r"(\d)\. ((?:" + "|".join(codes) + r"))\b", gaps_part)
    assert [code for _, code in ranked] == [codes[1], codes[4], codes[2]]
    assert "Overall index: 43.8%" in text  # (4 + 0 + 2 + 1) / (4 × 4)
    assert "CONFIDENTIAL TO THE JURISDICTION" in text
    assert f"Evidence quoted for {codes[1]}" in text
    assert "No evidence quoted." in text  # the level-1 item has none
    assert (
        text.count("CONFIDENTIAL TO THE JURISDICTION")
        >= len(PdfReader(io.BytesIO(reports.render_pdf(content))).pages) - 1
    )


def test_same_content_gives_the_same_bytes(scored):
    content = reports.report_content(scored, with_observations=True)
    assert reports.render_pdf(content) == reports.render_pdf(content)


def test_the_render_never_touches_the_network():
    fetcher = reports.local_only_fetcher()
    for url in ("https://example.org/font.woff", "file:///etc/passwd", "file:///tmp/../etc"):
        with pytest.raises(reports.RefusedFetch):
            fetcher.fetch(url)
    assert b"@page" in fetcher.fetch(reports.REPORT_CSS.as_uri()).read()


def test_request_renders_and_reuses_unchanged_content(
    scored, assessor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = report_request(assessment=scored, user=assessor)
    first.refresh_from_db()
    assert first.status == Report.Status.DONE
    assert first.size == len(first.file.read()) and len(first.sha256) == 64
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = report_request(assessment=scored, user=assessor)
    assert again.pk == first.pk and callbacks == []
    score = scored.scores.order_by("principle__order").last()
    score_save(
        score=score,
        user=assessor,
        expected_version=0,
        data=ScoreInput(scored.scale.levels.get(code="3"), "Now scored", "", "", ""),
    )
    with django_capture_on_commit_callbacks(execute=True):
        changed = report_request(assessment=scored, user=assessor)
    assert changed.pk != first.pk


def test_a_failing_render_ends_failed_with_a_message(
    scored, assessor, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(content):
        raise RuntimeError("layout exploded")

    monkeypatch.setattr(reports, "render_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(assessment=scored, user=assessor)
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert "could not be rendered: layout exploded" in report.error
    assert not report.file
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        retry = report_request(assessment=scored, user=assessor)
    retry.refresh_from_db()
    assert retry.pk != report.pk and retry.status == Report.Status.DONE


def test_render_is_idempotent(scored, assessor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(assessment=scored, user=assessor)
    name = Report.objects.get(pk=report.pk).file.name
    services.report_render(report_id=report.pk)  # a redelivered task
    assert Report.objects.get(pk=report.pk).file.name == name


def test_stuck_reports_are_swept(scored, assessor):
    from datetime import timedelta

    from django.utils import timezone

    report = Report.objects.create(
        assessment=scored, content_hash="x" * 64, requested_by=assessor, status="running"
    )
    Report.objects.filter(pk=report.pk).update(started_at=timezone.now() - timedelta(minutes=10))
    assert services.reports_fail_stale() == 1
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED and "did not finish" in report.error


@pytest.fixture
def done_report(scored, assessor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(assessment=scored, user=assessor)
    return Report.objects.get(pk=report.pk)


def test_download_headers(client, done_report, assessor):
    client.force_login(assessor)
    response = client.get(reverse("assessments:report-download", args=[done_report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="mlt-gap-analysis-')
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("persona", ["ministry_kenya", "ministry_malta"])
def test_download_is_404_for_those_who_cannot_see_it(client, request, done_report, persona):
    # The assessment is a draft: Malta's ministry may not see it yet, Kenya's never.
    client.force_login(request.getfixturevalue(persona))
    for name in ("report-download", "report-status"):
        assert client.get(reverse(f"assessments:{name}", args=[done_report.pk])).status_code == 404


def test_download_needs_login(client, done_report):
    response = client.get(reverse("assessments:report-download", args=[done_report.pk]))
    assert response.status_code == 302


def test_report_ids_cannot_be_guessed(done_report):
    assert re.fullmatch(r"[0-9a-f-]{36}", str(done_report.pk))


def test_summary_page_requests_and_shows_the_report(client, scored, assessor):
    client.force_login(assessor)
    url = reverse("assessments:report-request", args=[scored.pk])
    response = client.post(url, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="report-' in html
    page = client.get(reverse("assessments:detail", args=[scored.pk])).content.decode()
    assert "Prepare the PDF gap report" in page

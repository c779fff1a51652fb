"""Extraction that is cut short, files carried over from before uploads were checked, and
text that cannot be stored as it is: each ends ready or failed with a message, never stuck."""

import hashlib
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from strategies import services
from strategies.models import StrategyDocument
from strategies.tasks import fail_stale_documents
from tests.factories import StrategyFactory
from tests.strategies import documents

pytestmark = [pytest.mark.core, pytest.mark.django_db]

D = StrategyDocument.Status


def stored(strategy, data: bytes, *, fmt: str, name: str, **fields) -> StrategyDocument:
    """A document row as a migration or an interrupted worker leaves it (no upload checks)."""
    document = StrategyDocument(
        strategy=strategy,
        original_name=name,
        format=fmt,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    document.file.save(name, ContentFile(data), save=False)
    for field, value in fields.items():
        setattr(document, field, value)
    document.save()
    return document


@pytest.fixture
def strategy(malta):
    return StrategyFactory(jurisdiction=malta)


def test_an_extraction_cut_short_three_times_fails_with_a_message(strategy, media_root):
    document = stored(strategy, documents.text_document(), fmt="txt", name="a.txt", attempts=3)
    document = services.document_extract(document_id=document.pk)
    assert document.status == D.FAILED
    assert "interrupted 3 times" in document.error
    assert not document.file and not document.passages.exists()


def test_the_sweep_fails_an_extraction_stuck_past_its_time_limit(strategy, media_root):
    long_ago = timezone.now() - services.STALE_EXTRACTION - timedelta(seconds=1)
    stuck = stored(
        strategy,
        b"x" * 100,
        fmt="txt",
        name="stuck.txt",
        status=D.EXTRACTING,
        extraction_started_at=long_ago,
    )
    running = stored(
        strategy,
        b"y" * 100,
        fmt="txt",
        name="running.txt",
        status=D.EXTRACTING,
        extraction_started_at=timezone.now(),
    )
    assert fail_stale_documents() == 1
    stuck.refresh_from_db()
    running.refresh_from_db()
    assert stuck.status == D.FAILED and "did not finish in time" in stuck.error
    assert not stuck.file
    assert running.status == D.EXTRACTING


def test_the_sweep_is_a_periodic_job(settings):
    jobs = {job["task"] for job in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "strategies.tasks.fail_stale_documents" in jobs


def test_a_carried_over_file_is_read_by_its_content_not_its_old_name(strategy, media_root):
    """A PDF stored as "txt" by an old upload is read as the PDF it is."""
    document = stored(strategy, documents.pdf_document(), fmt="txt", name="old.txt")
    document = services.document_extract(document_id=document.pk)
    assert document.status == D.READY
    assert document.format == "pdf"
    assert document.page_count == documents.PDF_PAGES


def test_a_carried_over_file_gets_the_upload_checks(strategy, media_root):
    document = stored(strategy, documents.encrypted_pdf(), fmt="pdf", name="locked.pdf")
    document = services.document_extract(document_id=document.pk)
    assert document.status == D.FAILED
    assert "password-protected" in document.error
    assert not document.file


def test_nul_characters_are_left_out_of_the_passages(strategy, media_root):
    """One stray NUL in a long UTF-16 file: still text, but PostgreSQL cannot store NUL."""
    filler = "The ministry publishes its annual report on the strategy each spring.\n\n" * 20
    text = f"Heading\n\nThe coast\x00guard patrols the harbour every night.\n\n{filler}"
    document = stored(strategy, text.encode("utf-16"), fmt="txt", name="utf16.txt")
    document = services.document_extract(document_id=document.pk)
    assert document.status == D.READY, document.error
    first = document.passages.filter(kind="paragraph").order_by("position").first()
    assert first.text == "The coast guard patrols the harbour every night."


def test_downloading_a_document_whose_file_is_gone_answers_404(
    client, strategy, assessor, media_root
):
    document = stored(strategy, documents.text_document(), fmt="txt", name="gone.txt")
    document.file.storage.delete(document.file.name)
    client.force_login(assessor)
    response = client.get(reverse("strategies:document-download", args=[document.pk]))
    assert response.status_code == 404

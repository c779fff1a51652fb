"""Scanned PDFs read by OCR inside the extraction: real OCRmyPDF and Tesseract on scans the
tests make (a PDF rasterised to page images and wrapped in a PDF without text).

What is checked: the words come back in English, Russian and Arabic, in their paragraphs,
marked as OCR'd with a confidence; a partly scanned PDF OCRs only its scanned pages; a long
scan goes on in batches over several tasks and resumes after an interruption without reading
the same pages twice; the page cap; a failed OCR keeps the file and can be tried again, by
those who may edit the strategy only.
"""

import difflib
import re

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ctframework import roles
from strategies import services
from strategies.extraction import ocr
from strategies.models import ScannedPage, StrategyDocument
from tests.factories import JurisdictionFactory, StrategyFactory, UserFactory, grant

from . import documents, multilingual

pytestmark = pytest.mark.django_db
D = StrategyDocument.Status
ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670]")


@pytest.fixture
def strategy(malta):
    return StrategyFactory(jurisdiction=malta, language="")


def similar(a: str, b: str) -> float:
    """How alike two texts are, 0 to 1, leaving out Arabic vowel marks (which OCR reads
    poorly and which search ignores)."""
    a, b = (ARABIC_MARKS.sub("", text) for text in (a, b))
    return difflib.SequenceMatcher(None, a, b).ratio()


def test_a_scanned_strategy_is_read_into_its_paragraphs_marked_as_ocr(
    uploaded, strategy, assessor, media_root, client
):
    document = uploaded(strategy, assessor, documents.scanned_copy(documents.pdf_document()))
    assert document.status == D.READY, document.error
    assert (document.ocr_pages_total, document.ocr_pages_done) == (5, 5)
    assert document.pages_without_text == 0
    assert document.detected_language == "en"
    # Paragraphs, headings, pages and a paragraph running on to the next page, as from the
    # text layer, give or take an OCR slip ("ofthe"); the running header and footer are left
    # out.
    read = list(document.passages.order_by("position"))
    expected = documents.pdf_passages()
    assert [(p.page, p.kind) for p in read] == [(page, kind) for page, kind, *_ in expected]
    for passage, (*_, heading, text) in zip(read, expected, strict=True):
        assert similar(passage.text, text) > 0.97, (passage.text, text)
        assert similar(passage.heading, heading) > 0.97
    assert all(p.ocr and p.ocr_confidence > 80 for p in document.passages.all())
    assert not ScannedPage.objects.filter(document=document).exists()  # only kept to resume

    client.force_login(assessor)
    found = client.get(
        reverse("strategies:passage-search"), {"q": documents.WORD_ONLY_IN_MALTA}
    ).context["results"]
    assert [p.text for p in found] == [documents.SECTIONS[0][1][1]]
    reader = client.get(reverse("strategies:reader", args=[strategy.pk])).content.decode()
    assert "Read by OCR" in reader
    detail = client.get(reverse("strategies:detail", args=[strategy.pk])).content.decode()
    assert "5 scanned pages read by OCR" in detail


@pytest.mark.parametrize(
    ("language", "languages", "font"),
    [
        # The jurisdiction's language tells OCR what to read.
        ("ru", ["ru"], "Noto Sans"),
        # Nothing recorded: Tesseract's script detection (or a trial of the scripts) finds
        # Arabic, which English-only OCR would read as nonsense.
        ("ar", [], "Noto Sans Arabic"),
    ],
)
def test_a_scan_in_another_script_is_read_in_its_language(
    uploaded, assessor, media_root, language, languages, font
):
    jurisdiction = JurisdictionFactory(code=f"X{language.upper()}", languages=languages)
    grant(assessor, roles.ASSESSOR, jurisdiction)
    strategy = StrategyFactory(jurisdiction=jurisdiction, language="")
    texts = multilingual.TEXTS[language]
    body = f"<h2>{texts[0]}</h2>" + "".join(f"<p>{text}</p>" for text in texts[1:])
    scan = documents.scanned_copy(documents.html_pdf(body, lang=language, font=font))
    document = uploaded(strategy, assessor, scan)
    assert document.status == D.READY, document.error
    assert document.detected_language == language
    read = [p.text for p in document.passages.order_by("position")]
    assert len(read) == len(texts)
    for got, expected in zip(read, texts, strict=True):
        assert similar(got, expected) > 0.9, (got, expected)
    word = {"ru": "терроризм", "ar": "الإرهاب"}[language]
    assert all(word in ARABIC_MARKS.sub("", text) for text in read)
    assert all(p.language == language for p in document.passages.all())


def test_a_partly_scanned_pdf_ocrs_only_its_scanned_pages(uploaded, strategy, assessor, media_root):
    scan = documents.scanned_copy(documents.pdf_document(), pages={2})
    document = uploaded(strategy, assessor, scan)
    assert document.status == D.READY, document.error
    assert (document.ocr_pages_total, document.ocr_pages_done) == (1, 1)
    passages = list(document.passages.order_by("position"))
    assert [(p.page, p.text) for p in passages] == [
        (page, text) for page, _kind, _heading, text in documents.pdf_passages()
    ]
    assert {p.page for p in passages if p.ocr} == {2}
    assert all(p.ocr_confidence is None for p in passages if not p.ocr)


def record_reads(monkeypatch) -> list[int]:
    """The pages OCR is asked to read from now on, in order (the real engine reads them)."""
    asked = []
    real = ocr.read_pages

    def read_pages(data, pages, languages, *, timeout):
        asked.extend(pages)
        return real(data, pages, languages, timeout=timeout)

    monkeypatch.setattr(ocr, "read_pages", read_pages)
    return asked


@pytest.fixture
def pages_read(monkeypatch):
    return record_reads(monkeypatch)


def test_a_long_scan_goes_on_in_batches_over_several_tasks(
    uploaded, strategy, assessor, media_root, monkeypatch, pages_read
):
    # One page a batch and no time to spare: each task reads one page and queues the next.
    monkeypatch.setattr(services, "OCR_BATCH_PAGES", 1)
    monkeypatch.setattr(services, "OCR_TIME_BUDGET_S", 0)
    strategy.language = "en"
    strategy.save()
    document = uploaded(strategy, assessor, documents.scanned_copy(documents.pdf_document()))
    assert document.status == D.READY, document.error
    assert pages_read == [1, 2, 3, 4, 5]
    assert [p.text for p in document.passages.order_by("position")] == [
        text for *_, text in documents.pdf_passages()
    ]


class WorkerDied(BaseException):
    """A worker killed mid-task: nothing below the task catches it."""


@pytest.fixture
def interrupted(uploaded, strategy, assessor, media_root, monkeypatch):
    """A scan whose OCR was cut short after its first batch (pages 1 and 2): its worker was
    killed while reading the second."""
    monkeypatch.setattr(services, "OCR_BATCH_PAGES", 2)
    strategy.language = "en"
    strategy.save()
    real, batches = ocr.read_pages, []

    def dies_on_the_second_batch(data, pages, languages, *, timeout):
        if batches:
            raise WorkerDied
        batches.append(pages)
        return real(data, pages, languages, timeout=timeout)

    monkeypatch.setattr(ocr, "read_pages", dies_on_the_second_batch)
    with pytest.raises(WorkerDied):
        uploaded(strategy, assessor, documents.scanned_copy(documents.pdf_document()))
    monkeypatch.setattr(ocr, "read_pages", real)
    return StrategyDocument.objects.get()


def test_an_interrupted_ocr_resumes_at_the_first_page_not_read(interrupted, monkeypatch):
    document = interrupted
    assert document.status == D.EXTRACTING
    assert (document.ocr_pages_total, document.ocr_pages_done) == (5, 2)
    assert sorted(ScannedPage.objects.values_list("page", flat=True)) == [1, 2]
    # The task is delivered again (acks_late): OCR goes on at page 3.
    asked = record_reads(monkeypatch)
    document = services.document_extract(document_id=document.pk)
    assert document.status == D.READY, document.error
    assert asked == [3, 4, 5]
    assert document.passages.count() == len(documents.pdf_passages())


def test_more_scanned_pages_than_the_cap_are_refused_with_a_message(
    uploaded, strategy, assessor, media_root, settings, pages_read
):
    settings.MAX_SCANNED_PAGES_PER_DOCUMENT = 4
    document = uploaded(strategy, assessor, documents.scanned_copy(documents.pdf_document()))
    assert document.status == D.FAILED
    assert document.error == (
        "The PDF has 5 scanned pages; at most 4 scanned pages are read by OCR in one "
        "document. Split it and upload the parts."
    )
    assert pages_read == [] and not document.file and not document.passages.exists()


def test_a_failed_ocr_keeps_the_file_and_the_document_can_be_tried_again(
    uploaded,
    strategy,
    assessor,
    media_root,
    monkeypatch,
    client,
    django_capture_on_commit_callbacks,
):
    monkeypatch.setattr(services, "OCR_BATCH_TIMEOUT_S", 0.01)
    document = uploaded(strategy, assessor, documents.scanned_copy(documents.pdf_document()))
    assert document.status == D.FAILED
    assert document.error == "Reading the scanned pages 1–5 by OCR took too long."
    assert document.file and document.can_retry and not document.passages.exists()

    client.force_login(assessor)
    page = client.get(reverse("strategies:detail", args=[strategy.pk])).content.decode()
    retry = reverse("strategies:document-retry", args=[document.pk])
    assert f'action="{retry}"' in page

    monkeypatch.setattr(services, "OCR_BATCH_TIMEOUT_S", 100)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry)
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == D.READY, document.error
    assert document.passages.count() == len(documents.pdf_passages())


def test_only_those_who_edit_the_strategy_try_a_document_again(
    uploaded, strategy, assessor, media_root, monkeypatch, client, kenya
):
    monkeypatch.setattr(services, "OCR_BATCH_TIMEOUT_S", 0.01)
    document = uploaded(strategy, assessor, documents.scanned_copy(documents.pdf_document()))
    assert document.status == D.FAILED
    outsider = grant(UserFactory(username="kofi-assessor"), roles.ASSESSOR, kenya)
    client.force_login(outsider)
    response = client.post(reverse("strategies:document-retry", args=[document.pk]))
    assert response.status_code in (403, 404)
    document.refresh_from_db()
    assert document.status == D.FAILED and document.error


def test_without_ocr_installed_the_message_says_so_and_the_file_stays(
    uploaded, strategy, assessor, media_root, monkeypatch
):
    monkeypatch.setattr(ocr, "available", lambda: False)
    document = uploaded(strategy, assessor, documents.scanned_copy(documents.pdf_document()))
    assert document.status == D.FAILED
    assert document.error == (
        "The PDF is scanned and OCR is not installed on this server; ask its administrator."
    )
    assert document.can_retry


def test_the_api_shows_the_ocr_and_tries_a_failed_document_again(
    uploaded, strategy, assessor, media_root, monkeypatch, kenya, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "OCR_BATCH_TIMEOUT_S", 0.01)
    document = uploaded(strategy, assessor, documents.scanned_copy(documents.pdf_document()))
    url = f"/api/v1/documents/{document.pk}/"
    outsider = grant(UserFactory(username="kofi-assessor"), roles.ASSESSOR, kenya)
    assert api(outsider).post(f"{url}retry/").status_code == 404
    shown = api(assessor).get(url).json()
    assert (shown["status"], shown["can_retry"], shown["ocr_pages_total"]) == ("failed", True, 5)

    monkeypatch.setattr(services, "OCR_BATCH_TIMEOUT_S", 100)
    with django_capture_on_commit_callbacks(execute=True):
        response = api(assessor).post(f"{url}retry/")
    assert response.status_code == 202
    shown = api(assessor).get(url).json()
    assert (shown["status"], shown["ocr_pages_done"], shown["can_retry"]) == ("ready", 5, False)
    passage = api(assessor).get("/api/v1/passages/", {"document": document.pk}).json()
    assert passage["results"][0]["ocr"] is True
    assert passage["results"][0]["ocr_confidence"] > 80
    # Once ready, there is nothing to try again.
    assert api(assessor).post(f"{url}retry/").status_code == 400


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_reads_a_scan_in_batches_through_the_broker(
    worker, malta, assessor, media_root, monkeypatch
):
    import time

    monkeypatch.setattr(services, "OCR_BATCH_PAGES", 2)
    monkeypatch.setattr(services, "OCR_TIME_BUDGET_S", 0)
    strategy = StrategyFactory(jurisdiction=malta, language="en")
    document, _created = services.document_upload(
        strategy=strategy,
        user=assessor,
        file=documents.upload(documents.scanned_copy(documents.pdf_document()), "scan.pdf"),
    )
    progress = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        document.refresh_from_db()
        progress.add(document.ocr_pages_done)
        if not document.is_pending:
            break
        time.sleep(0.1)
    assert document.status == D.READY, document.error
    assert document.passages.count() == len(documents.pdf_passages())
    assert progress & {2, 4}  # the progress was seen between the batches


def test_a_task_cut_short_after_pages_were_read_keeps_them_and_the_file(
    interrupted, assessor, monkeypatch, django_capture_on_commit_callbacks
):
    """The soft time limit (or the sweep) marks the document failed: the pages read so far
    and the file stay, and Try again resumes after them."""
    document = interrupted
    services.document_mark_failed(document_id=document.pk, message="Took too long.")
    document.refresh_from_db()
    assert document.status == D.FAILED and document.can_retry
    assert ScannedPage.objects.filter(document=document).count() == 2
    asked = record_reads(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        services.document_retry(document=document, user=assessor)
    document.refresh_from_db()
    assert document.status == D.READY, document.error
    assert asked == [3, 4, 5]


def test_a_continuation_never_requeues_a_document_that_is_ready(
    uploaded, strategy, assessor, media_root
):
    strategy.language = "en"
    strategy.save()
    document = uploaded(strategy, assessor, documents.scanned_copy(documents.pdf_document()))
    assert document.status == D.READY
    services._continue_later(document.pk)
    document.refresh_from_db()
    assert document.status == D.READY


def test_pages_read_in_another_language_are_read_again_once_it_is_set(
    uploaded, strategy, assessor, media_root, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "OCR_BATCH_TIMEOUT_S", 0.01)
    document = uploaded(strategy, assessor, documents.scanned_copy(documents.pdf_document()))
    assert document.status == D.FAILED
    ScannedPage.objects.create(document=document, page=1, languages="ru", lines=[])
    strategy.language = "en"
    strategy.save()
    monkeypatch.setattr(services, "OCR_BATCH_TIMEOUT_S", 100)
    with django_capture_on_commit_callbacks(execute=True):
        services.document_retry(document=document, user=assessor)
    document.refresh_from_db()
    assert document.status == D.READY, document.error
    assert document.passages.filter(page=1).exists()

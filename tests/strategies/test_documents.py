"""Strategy documents: upload in the browser and the API, text extraction into passages,
refusal of unreadable files with a message, no duplicates, removal.

Files are real PDF, DOCX and text files made in memory (tests/strategies/documents.py).
Extraction runs as the task does after the upload commits
(django_capture_on_commit_callbacks, with Celery eager).
"""

import io
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.html import escape
from pypdf import PdfReader
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from assessments.evidence import evidence_link, suggestion_dismiss
from assessments.models import EvidenceLink
from strategies import services
from strategies.models import Passage, StrategyDocument
from tests.factories import StrategyFactory, make_assessment

from . import documents

pytestmark = [pytest.mark.core, pytest.mark.django_db]

D = StrategyDocument.Status
OCR_MESSAGE = (
    "The PDF is scanned and OCR found no text on its pages. Check that the scan is legible "
    "and set the strategy's language if it is known, then try again; or ask the ministry for "
    "a copy with text."
)
LINKED_MESSAGE = "1 passage of this document is linked as evidence in assessments; unlink it first."

# (builder, file name, the message the assessor is shown: its whole text or how it begins)
UNREADABLE = {
    "encrypted-pdf": (
        documents.encrypted_pdf,
        "strategy.pdf",
        "The PDF is password-protected. Remove the protection (or ask the ministry for an "
        "open copy) and upload it again.",
    ),
    "corrupt-pdf": (
        documents.garbage_pdf,
        "strategy.pdf",
        "The PDF is damaged and cannot be read (",
    ),
    "truncated-pdf": (
        documents.truncated_pdf,
        "strategy.pdf",
        "The PDF is damaged and cannot be read (",
    ),
    "zip-without-document-xml": (
        documents.docx_without_main_part,
        "strategy.docx",
        "The file is a ZIP archive, not a Word (.docx) document. Upload PDF, DOCX or text.",
    ),
    "docx-with-broken-xml": (
        documents.docx_with_broken_xml,
        "strategy.docx",
        "The Word document is damaged and cannot be read (",
    ),
    "ole-word-file": (
        documents.ole_document,
        "strategy.docx",
        "This is a password-protected Word document or an old-style .doc file. Save it as "
        ".docx without a password (or as PDF) and upload it again.",
    ),
    "binary-named-txt": (
        documents.binary_file,
        "notes.txt",
        "This is not a PDF, a Word (.docx) document or plain text. Upload one of those.",
    ),
    "empty": (lambda: b"", "empty.txt", "The submitted file is empty."),
}


def stored_files(root) -> list[Path]:
    return sorted(path for path in Path(root).rglob("*") if path.is_file())


@pytest.fixture
def strategy(malta):
    return StrategyFactory(jurisdiction=malta, title="Malta National Counter-Terrorism Strategy")


@pytest.fixture
def upload(client, assessor, django_capture_on_commit_callbacks):
    """Amal uploads in the browser; the extraction task runs once the upload commits."""
    client.force_login(assessor)

    def upload(strategy, data, name, *, follow=False):
        url = reverse("strategies:document-upload", args=[strategy.pk])
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, {"file": documents.upload(data, name)}, follow=follow)

    return upload


@pytest.fixture
def api(assessor):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=assessor).key}")
    return client


@pytest.fixture
def api_upload(api, django_capture_on_commit_callbacks):
    def upload(strategy, data, name):
        url = f"/api/v1/strategies/{strategy.pk}/documents/"
        with django_capture_on_commit_callbacks(execute=True):
            return api.post(url, {"file": documents.upload(data, name)}, format="multipart")

    return upload


def passages_of(document) -> list[tuple]:
    return [
        (p.page, p.kind, p.heading, p.text)
        for p in Passage.objects.filter(document=document).order_by("position")
    ]


def nothing_stored(media_root) -> bool:
    return (
        not StrategyDocument.objects.exists()
        and not Passage.objects.exists()
        and stored_files(media_root) == []
    )


# Reading each format -----------------------------------------------------------------------


def test_the_test_pdf_has_running_furniture_and_a_paragraph_cut_by_a_page_break():
    """The PDF itself holds what the extraction must leave out or join."""
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(documents.pdf_document())).pages]
    assert len(pages) == documents.PDF_PAGES
    for number, text in enumerate(pages, start=1):
        assert documents.RUNNING_HEADER in text
        assert documents.RUNNING_FOOTER in text
        assert text.rstrip().endswith(str(number))
    # Line breaks depend on the fonts installed; the words and their pages do not.
    flat = [" ".join(text.split()) for text in pages]
    assert "The national coordinator chairs" in flat[3]
    assert "concerned." not in flat[3]
    assert "Maltese citizens or interests are concerned." in flat[4]


def test_a_pdf_is_read_into_passages_with_pages_headings_and_no_page_furniture(
    upload, strategy, media_root
):
    response = upload(strategy, documents.pdf_document(), "strategy.pdf", follow=True)
    assert "Document uploaded: strategy.pdf." in response.content.decode()

    document = StrategyDocument.objects.get(strategy=strategy)
    assert document.status == D.READY
    assert document.error == ""
    assert document.format == "pdf"
    assert document.page_count == documents.PDF_PAGES
    assert document.original_name == "strategy.pdf"
    assert document.uploaded_by.username == "amal-assessor"
    # Every heading and paragraph, in order, on its page, under its nearest heading; the
    # sentence that runs from page 4 onto page 5 is one passage, on the page it starts.
    assert passages_of(document) == documents.pdf_passages()
    passages = list(document.passages.order_by("position"))
    assert [p.position for p in passages] == list(range(1, len(passages) + 1))
    assert all(p.strategy_id == strategy.pk for p in passages)
    assert all(p.terms.strip() for p in passages)
    texts = " ".join(p.text for p in passages)
    assert documents.RUNNING_HEADER not in texts
    assert documents.RUNNING_FOOTER not in texts
    assert not [p for p in passages if p.text.strip().isdigit()]
    assert len(stored_files(media_root)) == 1


def test_a_docx_is_read_with_headings_tables_and_the_page_after_an_explicit_break(upload, strategy):
    upload(strategy, documents.docx_document(), "strategy.docx")
    document = StrategyDocument.objects.get(strategy=strategy)
    assert (document.status, document.format, document.page_count) == (D.READY, "docx", 2)
    assert passages_of(document) == documents.docx_passages()
    assert all(p.terms for p in document.passages.all())


def test_a_text_file_is_read_into_passages_without_pages(upload, strategy):
    upload(strategy, documents.text_document(), "strategy.txt")
    document = StrategyDocument.objects.get(strategy=strategy)
    assert (document.status, document.format, document.page_count) == (D.READY, "txt", None)
    assert passages_of(document) == documents.text_passages()
    assert document.passages.get(text=documents.MALTESE_SENTENCE).location.startswith("passage ")
    assert all(p.terms for p in document.passages.all())


@pytest.mark.parametrize(
    "builder, name, fmt",
    [
        (documents.pdf_document, "report.txt", "pdf"),
        (documents.docx_document, "strategy.pdf", "docx"),
        (documents.text_document, "strategy.docx", "txt"),
    ],
)
def test_the_format_is_judged_by_the_content_not_the_name(
    upload, client, strategy, builder, name, fmt
):
    upload(strategy, builder(), name)
    document = StrategyDocument.objects.get(strategy=strategy)
    assert (document.format, document.status, document.original_name) == (fmt, D.READY, name)
    download = client.get(reverse("strategies:document-download", args=[document.pk]))
    assert download["Content-Type"].startswith(
        {"pdf": "application/pdf", "docx": "application/vnd.openxml", "txt": "text/plain"}[fmt]
    )
    assert b"".join(download.streaming_content) == builder()


# Unreadable files --------------------------------------------------------------------------


@pytest.mark.parametrize("case", UNREADABLE)
def test_an_unreadable_file_is_refused_in_the_browser_with_a_message(
    upload, strategy, media_root, case
):
    builder, name, message = UNREADABLE[case]
    response = upload(strategy, builder(), name)
    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1 and errors[0].startswith(message)
    assert escape(message) in response.content.decode()
    assert nothing_stored(media_root)


@pytest.mark.parametrize("case", UNREADABLE)
def test_an_unreadable_file_is_refused_by_the_api_with_a_message(
    api_upload, strategy, media_root, case
):
    builder, name, message = UNREADABLE[case]
    response = api_upload(strategy, builder(), name)
    assert response.status_code == 400
    errors = response.json()["file"]
    assert len(errors) == 1 and errors[0].startswith(message), errors
    assert nothing_stored(media_root)


def test_a_file_over_the_size_limit_is_refused(
    upload, api_upload, strategy, media_root, monkeypatch
):
    data = documents.text_document()
    monkeypatch.setattr(services, "MAX_DOCUMENT_BYTES", len(data) - 1)
    response = upload(strategy, data, "strategy.txt")
    assert response.status_code == 400
    assert "The document is larger than 25 MB." in response.content.decode()
    response = api_upload(strategy, data, "strategy.txt")
    assert response.status_code == 400
    assert response.json() == {"file": ["The document is larger than 25 MB."]}
    assert nothing_stored(media_root)
    # At the limit exactly, it is accepted.
    monkeypatch.setattr(services, "MAX_DOCUMENT_BYTES", len(data))
    assert upload(strategy, data, "strategy.txt").status_code == 302
    assert StrategyDocument.objects.get().status == D.READY


def test_a_scan_without_legible_text_fails_with_the_message_and_can_be_tried_again(
    upload, client, strategy, media_root
):
    assert upload(strategy, documents.scanned_pdf(), "scan.pdf").status_code == 302
    page = client.get(reverse("strategies:detail", args=[strategy.pk])).content.decode()
    assert "Could not be read" in page
    assert escape(OCR_MESSAGE) in page

    document = StrategyDocument.objects.get(strategy=strategy)
    assert document.status == D.FAILED
    assert document.error == OCR_MESSAGE
    assert not document.passages.exists()
    # Its pages were read by OCR: the file stays, to be tried again in another language.
    assert document.can_retry and len(stored_files(media_root)) == 1
    assert reverse("strategies:document-retry", args=[document.pk]) in page
    reader = client.get(reverse("strategies:reader", args=[strategy.pk]))
    assert "No text has been extracted from this strategy" in reader.content.decode()


def test_a_scanned_pdf_fails_in_the_api_with_the_message(api_upload, api, strategy, media_root):
    response = api_upload(strategy, documents.scanned_pdf(), "scan.pdf")
    assert response.status_code == 201
    document = api.get(f"/api/v1/documents/{response.json()['id']}/").json()
    assert document["status"] == "failed"
    assert document["error"] == OCR_MESSAGE
    assert document["passage_count"] == 0
    assert document["can_retry"] is True


# The same file twice ----------------------------------------------------------------------


def test_the_same_file_uploaded_again_in_the_browser_is_not_duplicated(
    upload, strategy, media_root
):
    upload(strategy, documents.pdf_document(), "strategy.pdf")
    document = StrategyDocument.objects.get()
    count = document.passages.count()

    response = upload(strategy, documents.pdf_document(), "copy of strategy.pdf", follow=True)
    assert (
        "This file was uploaded already, as strategy.pdf; nothing was added."
        in response.content.decode()
    )
    assert list(StrategyDocument.objects.values_list("pk", flat=True)) == [document.pk]
    assert Passage.objects.count() == count
    assert len(stored_files(media_root)) == 1


def test_the_same_file_uploaded_again_through_the_api_answers_200_with_the_stored_one(
    api_upload, api, strategy, media_root
):
    first = api_upload(strategy, documents.docx_document(), "strategy.docx")
    assert first.status_code == 201, first.json()
    count = api.get(f"/api/v1/documents/{first.json()['id']}/").json()["passage_count"]
    assert count == len(documents.docx_passages())

    again = api_upload(strategy, documents.docx_document(), "strategy.docx")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["status"] == "ready"
    assert again.json()["passage_count"] == count
    assert StrategyDocument.objects.count() == 1
    assert Passage.objects.count() == count
    assert len(stored_files(media_root)) == 1


def test_the_same_file_may_be_stored_for_another_strategy(upload, strategy, malta):
    other = StrategyFactory(jurisdiction=malta, title="Malta action plan")
    upload(strategy, documents.text_document(), "strategy.txt")
    upload(other, documents.text_document(), "strategy.txt")
    assert StrategyDocument.objects.filter(status=D.READY).count() == 2
    assert Passage.objects.filter(strategy=other).count() == len(documents.text_passages())


def test_after_a_failed_attempt_the_same_file_can_be_uploaded_again(
    upload, client, assessor, strategy, media_root
):
    # The extraction was cut short (the task's time limit marks it failed, file dropped) ...
    client.force_login(assessor)
    client.post(
        reverse("strategies:document-upload", args=[strategy.pk]),
        {"file": documents.upload(documents.text_document(), "strategy.txt")},
    )
    first = StrategyDocument.objects.get()
    assert first.status == D.QUEUED
    services.document_mark_failed(document_id=first.pk, message="Reading took too long.")
    assert StrategyDocument.objects.get().status == D.FAILED
    assert stored_files(media_root) == []

    # ... and the same file, uploaded again, replaces the failed attempt and is read.
    response = upload(strategy, documents.text_document(), "strategy.txt", follow=True)
    assert "Document uploaded: strategy.txt." in response.content.decode()
    document = StrategyDocument.objects.get()
    assert document.pk != first.pk
    assert (document.status, document.error) == (D.READY, "")
    assert document.passages.count() == len(documents.text_passages())
    assert len(stored_files(media_root)) == 1


def test_a_scanned_pdf_uploaded_again_replaces_the_failed_attempt(upload, strategy, media_root):
    upload(strategy, documents.scanned_pdf(), "scan.pdf")
    first = StrategyDocument.objects.get()
    first_file = first.file.name
    response = upload(strategy, documents.scanned_pdf(), "scan.pdf", follow=True)
    assert "Document uploaded: scan.pdf." in response.content.decode()
    document = StrategyDocument.objects.get()
    assert document.pk != first.pk
    assert (document.status, document.error) == (D.FAILED, OCR_MESSAGE)
    # The failed attempt's file went with it; the new attempt keeps its own, to try again.
    assert [p.name for p in stored_files(media_root)] == [document.file.name.split("/")[-1]]
    assert first_file != document.file.name


# The API -----------------------------------------------------------------------------------


def test_api_upload_then_status_passage_count_and_passages_in_order(
    api_upload, api, strategy, assessor
):
    response = api_upload(strategy, documents.pdf_document(), "strategy.pdf")
    assert response.status_code == 201
    created = response.json()
    assert (created["strategy"], created["original_name"], created["format"]) == (
        strategy.pk,
        "strategy.pdf",
        "pdf",
    )
    expected = documents.pdf_passages()

    document = api.get(f"/api/v1/documents/{created['id']}/").json()
    assert document["status"] == "ready"
    assert document["passage_count"] == len(expected)
    assert document["page_count"] == documents.PDF_PAGES
    assert document["size"] == len(documents.pdf_document())
    listed = api.get(f"/api/v1/strategies/{strategy.pk}/documents/").json()
    assert [(d["id"], d["passage_count"]) for d in listed] == [(created["id"], len(expected))]

    passages = api.get("/api/v1/passages/", {"strategy": strategy.pk}).json()
    assert passages["count"] == len(expected)
    results = passages["results"]
    assert [(p["page"], p["kind"], p["heading"], p["text"]) for p in results] == expected
    assert [p["position"] for p in results] == list(range(1, len(expected) + 1))
    assert results[1]["location"] == "p. 1, passage 2"
    assert {p["document"] for p in results} == {created["id"]}


# Removing ----------------------------------------------------------------------------------


def test_removing_a_document_in_the_browser_deletes_its_passages_and_file(
    upload, client, strategy, media_root, django_capture_on_commit_callbacks
):
    upload(strategy, documents.pdf_document(), "strategy.pdf")
    document = StrategyDocument.objects.get()
    with django_capture_on_commit_callbacks(execute=True):  # the file goes on commit
        response = client.post(
            reverse("strategies:document-delete", args=[document.pk]), follow=True
        )
    assert response.redirect_chain == [(reverse("strategies:detail", args=[strategy.pk]), 302)]
    assert "Document removed: strategy.pdf." in response.content.decode()
    assert nothing_stored(media_root)


def test_removing_a_document_through_the_api_deletes_its_passages_and_file(
    api_upload, api, strategy, media_root, django_capture_on_commit_callbacks
):
    created = api_upload(strategy, documents.docx_document(), "strategy.docx").json()
    assert Passage.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):  # the file goes on commit
        response = api.delete(f"/api/v1/documents/{created['id']}/")
    assert response.status_code == 204
    assert nothing_stored(media_root)
    assert api.get(f"/api/v1/documents/{created['id']}/").status_code == 404


@pytest.fixture
def linked(malta, assessor, upload):
    """A Maltese assessment whose first score has a passage of a document as evidence."""
    assessment = make_assessment(jurisdiction=malta, assessors=[assessor], principles=2)
    upload(assessment.strategy, documents.text_document(), "strategy.txt")
    document = StrategyDocument.objects.get(strategy=assessment.strategy)
    passage = document.passages.filter(kind="paragraph").first()
    score = assessment.scores.order_by("principle__order").first()
    evidence_link(score=score, passage=passage, user=assessor)
    return document


def snapshot(media_root):
    return (
        list(StrategyDocument.objects.values_list("pk", "status")),
        list(Passage.objects.values_list("pk", "text")),
        stored_files(media_root),
    )


def test_a_document_with_a_passage_linked_as_evidence_cannot_be_removed(
    linked, client, api, media_root
):
    before = snapshot(media_root)
    assert len(before[2]) == 1
    response = client.post(reverse("strategies:document-delete", args=[linked.pk]), follow=True)
    assert escape(LINKED_MESSAGE) in response.content.decode()
    assert "Document removed" not in response.content.decode()
    assert snapshot(media_root) == before

    response = api.delete(f"/api/v1/documents/{linked.pk}/")
    assert response.status_code == 400
    assert LINKED_MESSAGE in str(response.json())
    assert snapshot(media_root) == before
    assert EvidenceLink.objects.filter(status="linked").count() == 1


def test_a_dismissed_suggestion_does_not_keep_a_document(malta, assessor, upload, client):
    assessment = make_assessment(jurisdiction=malta, assessors=[assessor], principles=2)
    upload(assessment.strategy, documents.text_document(), "strategy.txt")
    document = StrategyDocument.objects.get()
    score = assessment.scores.first()
    passage = document.passages.filter(kind="paragraph").first()
    suggestion_dismiss(score=score, passage=passage, user=assessor)

    client.post(reverse("strategies:document-delete", args=[document.pk]))
    assert not StrategyDocument.objects.exists()
    assert not EvidenceLink.objects.exists()


# Extraction is idempotent -------------------------------------------------------------------


def test_extracting_a_document_twice_leaves_the_same_passages(upload, strategy):
    upload(strategy, documents.docx_document(), "strategy.docx")
    document = StrategyDocument.objects.get()

    def stored():
        return list(document.passages.values_list("position", "page", "kind", "heading", "text"))

    before, ids = stored(), list(document.passages.values_list("pk", flat=True))
    assert len(before) == len(documents.docx_passages())
    services.document_extract(document_id=document.pk)
    services.document_extract(document_id=document.pk)
    assert stored() == before
    assert list(document.passages.values_list("pk", flat=True)) == ids

    # A task redelivered after its worker died mid-extraction reads the file again and
    # replaces the passages: the same ones, once each.
    StrategyDocument.objects.filter(pk=document.pk).update(status=D.EXTRACTING)
    assert services.document_extract(document_id=document.pk).status == D.READY
    assert stored() == before
    assert Passage.objects.count() == len(before)


# The status fragment -----------------------------------------------------------------------


def test_the_status_fragment_renders_the_documents_row(upload, client, strategy):
    upload(strategy, documents.pdf_document(), "strategy.pdf")
    document = StrategyDocument.objects.get()
    response = client.get(reverse("strategies:document-status", args=[document.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith(f'<tr id="document-{document.pk}"')
    assert "<h1>" not in html
    assert f"Ready · {len(documents.pdf_passages())} passages, 5 pages" in html
    assert reverse("strategies:document-download", args=[document.pk]) in html
    assert reverse("strategies:document-delete", args=[document.pk]) in html
    assert "hx-trigger" not in html  # ready: the page stops polling


def test_the_status_fragment_of_a_queued_document_keeps_polling(client, assessor, strategy):
    client.force_login(assessor)
    client.post(  # the task has not run: on_commit callbacks are not executed here
        reverse("strategies:document-upload", args=[strategy.pk]),
        {"file": documents.upload(documents.text_document(), "strategy.txt")},
    )
    document = StrategyDocument.objects.get()
    response = client.get(reverse("strategies:document-status", args=[document.pk]))
    html = response.content.decode()
    assert "Waiting for text extraction" in html
    assert f'hx-get="{reverse("strategies:document-status", args=[document.pk])}"' in html
    assert 'hx-trigger="every 2s"' in html


def test_the_admin_lists_a_strategys_documents_read_only(client, upload, strategy, admin_user):
    upload(strategy, documents.text_document(), "strategy.txt")
    client.force_login(admin_user)
    response = client.get(reverse("admin:strategies_strategy_change", args=[strategy.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "strategy.txt" in page
    assert "Ready" in page
    assert "documents-0-DELETE" not in page  # removal goes through the service's checks
    assert 'name="documents-0-original_name"' not in page  # read-only

"""Writes for strategy documents: upload, text extraction into passages, removal."""

import hashlib
import logging
import os
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from assessments import permissions
from ctframework import languages
from ctframework.languages import number
from ctframework.task_queue import TaskQueueUnavailable, enqueue

from . import language_detection, ranking, text_search
from .extraction import UnreadableDocument, check_readable, detect_format, extract_passages, ocr
from .models import Passage, ScannedPage, Strategy, StrategyDocument

logger = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 25 * 1024 * 1024
MAX_EXTRACTION_ATTEMPTS = 3
EXTRACTION_SOFT_LIMIT_S, EXTRACTION_HARD_LIMIT_S = 240, 300
STALE_EXTRACTION = timedelta(seconds=EXTRACTION_HARD_LIMIT_S + 60)
QUEUE_WAIT_LIMIT = timedelta(seconds=settings.TASK_QUEUE_WAIT_LIMIT)
# OCR reads scanned pages in batches, each saved once read; a task stops starting batches
# after OCR_TIME_BUDGET_S and queues a continuation, well inside the soft time limit.
OCR_BATCH_PAGES = 8
OCR_TIME_BUDGET_S = 120
OCR_BATCH_TIMEOUT_S = 100
# A batch read with less confidence than this, in languages nobody chose, is tried in the
# other scripts' languages (a scan of an Arabic strategy from a State with no languages
# recorded): Tesseract reads a script it was not told about as nonsense of low confidence.
OCR_LOW_CONFIDENCE = 60
NEVER_STARTED = gettext_lazy(
    "No worker picked this document up in time (the task queue may be down); upload it again."
)


def document_upload(*, strategy: Strategy, user, file) -> tuple[StrategyDocument, bool]:
    """Store an uploaded strategy document and queue its text extraction.

    1. Refuse unless the user may edit the strategy; refuse files over the size limit.
    2. Recognise the format by content and open the file (password, damage): a file that
       cannot be read is refused with a message and nothing is stored.
    3. The same file uploaded again for the same strategy returns the stored document
       (created is False); a failed earlier attempt at the same file is replaced.
    4. Queue the extraction once committed; when the broker cannot be reached the document
       is marked failed and TaskQueueUnavailable is raised.
    """
    if not permissions.can_edit_strategy(user, strategy):
        raise PermissionDenied(_("You cannot add documents to this strategy."))
    if file.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("The document is larger than 25 MB."))
    data = file.read()
    try:
        fmt = detect_format(data)
        check_readable(data, fmt)
    except UnreadableDocument as exc:
        raise ValidationError(str(exc)) from exc
    sha256 = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        # One upload at a time per strategy, so two of the same file cannot both be stored.
        Strategy.objects.select_for_update().filter(pk=strategy.pk).first()
        existing = strategy.documents.filter(sha256=sha256).exclude(
            status=StrategyDocument.Status.FAILED
        )
        if (found := existing.first()) is not None:
            return found, False
        for failed in strategy.documents.filter(sha256=sha256):
            _delete_document(failed)
        document = StrategyDocument(
            strategy=strategy,
            original_name=os.path.basename(file.name or "document")[:255] or "document",
            format=fmt,
            size=len(data),
            sha256=sha256,
            uploaded_by=user,
        )
        document.file.save(f"{uuid.uuid4().hex}.{fmt}", ContentFile(data), save=False)
        try:
            document.save()
        except Exception:
            document.file.delete(save=False)
            raise
        transaction.on_commit(lambda: _enqueue(document.pk))
    document.refresh_from_db()  # embedded (eager) mode has extracted it already
    return document, True


def _enqueue(document_id: int, *, keep_file: bool = False) -> None:
    """Send the extraction task; when the broker is down the document fails with the reason
    and TaskQueueUnavailable reaches the caller. Its file goes, so that the same file can be
    uploaded again, unless `keep_file` (a retry, or the rest of a long OCR: the document can
    be tried again)."""
    from .tasks import extract_document

    try:
        enqueue(extract_document, document_id)
    except TaskQueueUnavailable as exc:
        document_mark_failed(document_id=document_id, message=str(exc), keep_file=keep_file)
        raise


def document_extract(*, document_id: int) -> StrategyDocument:
    """Extract a queued document's text into passages. Safe to run twice: passages are
    replaced in one transaction, so a document has all its passages or none."""
    with transaction.atomic():
        document = StrategyDocument.objects.select_for_update().get(pk=document_id)
        if document.status in (StrategyDocument.Status.READY, StrategyDocument.Status.FAILED):
            return document
        if document.attempts >= MAX_EXTRACTION_ATTEMPTS:
            # Each attempt was cut short (a worker killed by the time or memory limit).
            document_mark_failed(
                document_id=document_id,
                message=ngettext(
                    "Reading the document was interrupted %(count)s time; it may be too "
                    "large or too complex. Split it and upload the parts.",
                    "Reading the document was interrupted %(count)s times; it may be too "
                    "large or too complex. Split it and upload the parts.",
                    document.attempts,
                )
                % {"count": document.attempts},
            )
            return StrategyDocument.objects.get(pk=document_id)
        document.status = StrategyDocument.Status.EXTRACTING
        document.attempts += 1
        document.extraction_started_at = timezone.now()
        document.save(update_fields=["status", "attempts", "extraction_started_at"])
    try:
        with document.file.open("rb") as handle:
            data = handle.read()
        # Checked again here: documents carried over from before uploads were checked.
        fmt = detect_format(data)
        check_readable(data, fmt)
        extraction = extract_passages(data, fmt, read_scanned=_ScannedPages(document, data))
    except _OcrContinues:
        _continue_later(document_id)
        return StrategyDocument.objects.get(pk=document_id)
    except ocr.OcrFailed as exc:
        # The pages read so far and the file stay: the document can be tried again.
        document_mark_failed(document_id=document_id, message=str(exc), keep_file=True)
        return StrategyDocument.objects.get(pk=document_id)
    except (UnreadableDocument, OSError) as exc:
        message = str(exc) if isinstance(exc, UnreadableDocument) else _("The file is missing.")
        document_mark_failed(document_id=document_id, message=message)
        return StrategyDocument.objects.get(pk=document_id)
    cap = settings.MAX_PASSAGES_PER_DOCUMENT
    if len(extraction.passages) > cap:
        document_mark_failed(
            document_id=document_id,
            message=ngettext(
                "The document has %(count)s paragraph or heading; at most %(cap)s are "
                "accepted in one document. Split it and upload the parts.",
                "The document has %(count)s paragraphs and headings; at most %(cap)s are "
                "accepted in one document. Split it and upload the parts.",
                len(extraction.passages),
            )
            % {"count": number(len(extraction.passages)), "cap": number(cap)},
        )
        return StrategyDocument.objects.get(pk=document_id)
    languages = language_detection.detect_languages([p.text for p in extraction.passages])
    with transaction.atomic():
        document = StrategyDocument.objects.select_for_update().get(pk=document_id)
        document.passages.all().delete()
        Passage.objects.bulk_create(
            (
                Passage(
                    document=document,
                    strategy_id=document.strategy_id,
                    position=position,
                    page=passage.page,
                    kind=passage.kind,
                    heading=passage.heading,
                    number_label=passage.number_label,
                    text=passage.text,
                    language=language,
                    terms=ranking.passage_terms(passage.text, passage.heading, language),
                    ocr=passage.ocr,
                    ocr_confidence=passage.ocr_confidence,
                )
                for position, (passage, language) in enumerate(
                    zip(extraction.passages, languages, strict=True), start=1
                )
            ),
            batch_size=500,
        )
        document.detected_language = language_detection.main_language(document.passages.all())
        if document.language and document.language != document.detected_language:
            # An assessor corrected the language before this extraction ran again.
            detected = document.passages.filter(language=document.detected_language)
            _relabel(detected, document.language)
        text_search.index_for_search(document.passages.all())
        document.status = StrategyDocument.Status.READY
        document.format = fmt
        document.error = ""
        document.page_count = extraction.page_count
        document.pages_without_text = extraction.pages_without_text
        document.ocr_pages_done = extraction.pages_read_by_ocr
        document.extracted_at = timezone.now()
        document.save()
        document.scanned_pages.all().delete()
        strategy_detect_language(strategy_id=document.strategy_id)
    return document


class _OcrContinues(Exception):
    """OCR has pages left and this task's time is spent: a new task goes on."""


class _ScannedPages:
    """Reads a document's scanned pages by OCR for the extraction (pdf.ScannedPageReader):
    batch by batch, each batch saved as ScannedPage rows with the progress as soon as it is
    read, so that a later task resumes at the first page not yet read."""

    def __init__(self, document: StrategyDocument, data: bytes):
        self.document, self.data = document, data
        self.started = time.monotonic()
        self.reads = 0

    def _ocr(self, pages: list[int], languages: list[str]) -> dict[int, list[ocr.OcrLine]]:
        """One OCR run; past the time budget (and after at least one run in this task), the
        rest goes to a new task, so that no run can start too late to end inside the soft
        time limit (budget + one run's timeout < the limit)."""
        if self.reads and time.monotonic() - self.started > OCR_TIME_BUDGET_S:
            raise _OcrContinues
        self.reads += 1
        return ocr.read_pages(self.data, pages, languages, timeout=OCR_BATCH_TIMEOUT_S)

    def __call__(self, pages: list[int]) -> dict[int, list[ocr.OcrLine]]:
        cap = settings.MAX_SCANNED_PAGES_PER_DOCUMENT
        if len(pages) > cap:
            raise UnreadableDocument(
                ngettext(
                    "The PDF has %(count)s scanned page; at most %(cap)s scanned pages are "
                    "read by OCR in one document. Split it and upload the parts.",
                    "The PDF has %(count)s scanned pages; at most %(cap)s scanned pages are "
                    "read by OCR in one document. Split it and upload the parts.",
                    len(pages),
                )
                % {"count": number(len(pages)), "cap": number(cap)}
            )
        document = self.document
        chosen = document.language or document.strategy.language
        if chosen:
            # Pages read before the language was set (a retry after setting it) are read
            # again in it.
            ScannedPage.objects.filter(document=document).exclude(languages=chosen).delete()
        saved = {
            row.page: row.lines
            for row in ScannedPage.objects.filter(document=document, page__in=pages)
        }
        StrategyDocument.objects.filter(pk=document.pk).update(
            ocr_pages_total=len(pages), ocr_pages_done=len(saved)
        )
        todo = [page for page in pages if page not in saved]
        batches = [todo[i : i + OCR_BATCH_PAGES] for i in range(0, len(todo), OCR_BATCH_PAGES)]
        for batch in batches:
            languages, read = self._read(batch)
            rows = [
                ScannedPage(
                    document=document,
                    page=page,
                    languages="+".join(languages),
                    lines=[line.as_json() for line in read[page]],
                )
                for page in batch
            ]
            with transaction.atomic():
                # A redelivered twin of this task may have saved the same pages meanwhile.
                ScannedPage.objects.bulk_create(rows, ignore_conflicts=True)
                StrategyDocument.objects.filter(pk=document.pk).update(
                    ocr_pages_done=ScannedPage.objects.filter(document=document).count(),
                    attempts=0,  # progress was made: only runs that save nothing count
                    extraction_started_at=timezone.now(),
                )
            saved.update({row.page: row.lines for row in rows})
        return {page: [ocr.OcrLine.from_json(line) for line in saved[page]] for page in pages}

    def _read(self, batch: list[int]) -> tuple[list[str], dict[int, list[ocr.OcrLine]]]:
        """Read a batch in the language an assessor set, else in the languages of the script
        found on its pages; a batch read with low confidence is tried in the other scripts
        (on its first page) and read again in the best of them."""
        document, strategy = self.document, self.document.strategy
        chosen = document.language or strategy.language
        if chosen:
            return [chosen], self._ocr(batch, [chosen])
        preferred = list(strategy.jurisdiction.languages)
        script = next(filter(None, (ocr.page_script(self.data, p) for p in batch[:2])), None)
        languages = ocr.languages_for_script(script, preferred)
        read = self._ocr(batch, languages)
        confidence = _mean_confidence(read[batch[0]])
        if confidence is None or confidence >= OCR_LOW_CONFIDENCE:
            return languages, read
        best = (confidence, languages)
        for other in ocr.SCRIPT_LANGUAGES:
            trial = ocr.languages_for_script(other, preferred)
            if trial in (languages, best[1]):
                continue
            first = self._ocr(batch[:1], trial)
            best = max(best, (_mean_confidence(first[batch[0]]) or 0, trial))
        if best[1] == languages:
            return languages, read
        return best[1], self._ocr(batch, best[1])


def _mean_confidence(lines: list[ocr.OcrLine]) -> float | None:
    rated = [line.confidence for line in lines if line.confidence is not None]
    return sum(rated) / len(rated) if rated else None


def _continue_later(document_id: int) -> None:
    """Queue the rest of a long OCR as a new task; the document waits for a worker again
    (unless a redelivered twin of this task finished it meanwhile)."""
    continued = StrategyDocument.objects.filter(
        pk=document_id, status=StrategyDocument.Status.EXTRACTING
    ).update(status=StrategyDocument.Status.QUEUED, queued_at=timezone.now())
    if continued:
        _enqueue(document_id, keep_file=True)


def document_retry(*, document: StrategyDocument, user) -> StrategyDocument:
    """Read a failed document again from its kept file (see StrategyDocument.can_retry);
    the scanned pages already read are not read again."""
    if not permissions.can_edit_strategy(user, document.strategy):
        raise PermissionDenied(_("You cannot change documents of this strategy."))
    with transaction.atomic():
        Strategy.objects.select_for_update().filter(pk=document.strategy_id).first()
        document = StrategyDocument.objects.select_for_update().get(pk=document.pk)
        if not document.can_retry:
            raise ValidationError(_("This document cannot be read again; upload it again."))
        live = document.strategy.documents.filter(sha256=document.sha256).exclude(
            status=StrategyDocument.Status.FAILED
        )
        if live.exists():
            raise ValidationError(_("The same file has been uploaded again since."))
        document.status = StrategyDocument.Status.QUEUED
        document.error = ""
        document.attempts = 0
        document.queued_at = timezone.now()
        document.save(update_fields=["status", "error", "attempts", "queued_at"])
        transaction.on_commit(lambda: _enqueue(document.pk, keep_file=True))
    document.refresh_from_db()
    return document


def document_set_language(*, document: StrategyDocument, language: str, user) -> StrategyDocument:
    """Correct the detected language of a document (empty: back to the detected one).

    The passages that were read in the document's language take the new one (a bilingual
    document's other passages keep theirs), with its search index and ranking terms.
    """
    if not permissions.can_edit_strategy(user, document.strategy):
        raise PermissionDenied(_("You cannot change documents of this strategy."))
    if language and language not in languages.CODES:
        raise ValidationError(
            _("%(code)s is not one of the six UN languages.") % {"code": language[:20]}
        )
    with transaction.atomic():
        document = StrategyDocument.objects.select_for_update().get(pk=document.pk)
        if document.status != StrategyDocument.Status.READY:
            raise ValidationError(_("The document's text has not been read yet."))
        before, after = document.text_language, language or document.detected_language
        document.language = language
        document.save(update_fields=["language"])
        if after != before:
            _relabel(document.passages.filter(language=before), after)
            text_search.index_for_search(document.passages.all())
            strategy_detect_language(strategy_id=document.strategy_id)
    return document


def _relabel(passages, language: str) -> None:
    """Give `passages` another language, with the ranking terms of that language."""
    changed = list(passages.only("pk", "text", "heading"))
    for passage in changed:
        passage.language = language
        passage.terms = ranking.passage_terms(passage.text, passage.heading, language)
    Passage.objects.bulk_update(changed, ["language", "terms"], batch_size=500)


def strategy_detect_language(*, strategy_id: int) -> None:
    """Record the language most of the strategy's readable documents are in."""
    passages = Passage.objects.filter(
        strategy_id=strategy_id, document__status=StrategyDocument.Status.READY
    )
    Strategy.objects.filter(pk=strategy_id).update(
        detected_language=language_detection.main_language(passages)
    )


def document_mark_failed(*, document_id: int, message: str, keep_file: bool = False) -> None:
    """Record why a document could not be read, and drop any passages. Its file goes too (a
    document that failed keeps only its name and the message), unless `keep_file` or some
    of its scanned pages were read by OCR: a failure worth retrying keeps the file and the
    pages read so far (*Try again* resumes where it stopped)."""
    with transaction.atomic():
        document = StrategyDocument.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.status == StrategyDocument.Status.READY:
            return
        keep_file = keep_file or document.scanned_pages.exists()
        document.passages.all().delete()
        if not keep_file:
            if document.file:
                document.file.delete(save=False)
            document.scanned_pages.all().delete()
        document.status = StrategyDocument.Status.FAILED
        document.error = message
        document.save()


def document_delete(*, document: StrategyDocument, user) -> None:
    """Remove a document and its passages, unless a passage is linked as evidence.

    The database refuses to delete a passage that is linked (PROTECT), so a link made
    while the removal runs also stops it. The file goes once the rows are gone.
    """
    from assessments.models import EvidenceLink

    if not permissions.can_edit_strategy(user, document.strategy):
        raise PermissionDenied(_("You cannot remove documents of this strategy."))
    storage, name = document.file.storage, document.file.name
    try:
        with transaction.atomic():
            EvidenceLink.objects.filter(
                passage__document=document, status=EvidenceLink.Status.DISMISSED
            ).delete()
            document.delete()
            strategy_detect_language(strategy_id=document.strategy_id)
            if name:
                transaction.on_commit(lambda: storage.delete(name))
    except ProtectedError:
        linked = EvidenceLink.objects.filter(passage__document=document).count()
        raise ValidationError(
            ngettext(
                "%(count)s passage of this document is linked as evidence in assessments; "
                "unlink it first.",
                "%(count)s passages of this document are linked as evidence in assessments; "
                "unlink them first.",
                linked,
            )
            % {"count": linked}
        ) from None


def _delete_document(document: StrategyDocument) -> None:
    if document.file:
        document.file.delete(save=False)
    document.delete()


def documents_requeue_pending() -> int:
    """Queue extraction again for documents that are waiting or were interrupted; raise
    TaskQueueUnavailable when the broker cannot be reached."""
    pending = StrategyDocument.objects.filter(
        Q(status=StrategyDocument.Status.QUEUED) | Q(status=StrategyDocument.Status.EXTRACTING)
    )
    ids = list(pending.values_list("pk", flat=True))
    pending.update(status=StrategyDocument.Status.QUEUED, queued_at=timezone.now())
    from .tasks import extract_document

    for document_id in ids:
        # A broker outage stops here with TaskQueueUnavailable; the documents stay queued,
        # unharmed, for the next run.
        enqueue(extract_document, document_id)
    return len(ids)


def documents_fail_stale() -> int:
    """Periodic sweep over every pending state: a document still queued after
    TASK_QUEUE_WAIT_LIMIT was never picked up by a worker; one still being read past the
    task's hard time limit was cut short (its worker was killed). Each is marked failed
    with its own reason, and its file and passages go, so it can be uploaded again."""
    now = timezone.now()
    Status = StrategyDocument.Status
    stale = [
        (Q(status=Status.QUEUED, queued_at__lt=now - QUEUE_WAIT_LIMIT), NEVER_STARTED),
        (
            Q(status=Status.EXTRACTING, extraction_started_at__lt=now - STALE_EXTRACTION),
            gettext_lazy("Reading the document did not finish in time; upload it again."),
        ),
    ]
    failed = 0
    for condition, message in stale:
        for document_id in StrategyDocument.objects.filter(condition).values_list("pk", flat=True):
            document_mark_failed(document_id=document_id, message=str(message))
            failed += 1
    return failed

"""Writes for strategy documents: upload, text extraction into passages, removal."""

import hashlib
import logging
import os
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
from .extraction import UnreadableDocument, check_readable, detect_format, extract_passages
from .models import Passage, Strategy, StrategyDocument

logger = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 25 * 1024 * 1024
MAX_EXTRACTION_ATTEMPTS = 3
EXTRACTION_SOFT_LIMIT_S, EXTRACTION_HARD_LIMIT_S = 240, 300
STALE_EXTRACTION = timedelta(seconds=EXTRACTION_HARD_LIMIT_S + 60)
QUEUE_WAIT_LIMIT = timedelta(seconds=settings.TASK_QUEUE_WAIT_LIMIT)
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


def _enqueue(document_id: int) -> None:
    """Send the extraction task; when the broker is down the document fails with the reason
    (its file goes, so the same file can be uploaded again) and TaskQueueUnavailable
    reaches the caller."""
    from .tasks import extract_document

    try:
        enqueue(extract_document, document_id)
    except TaskQueueUnavailable as exc:
        document_mark_failed(document_id=document_id, message=str(exc))
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
        extraction = extract_passages(data, fmt)
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
        document.extracted_at = timezone.now()
        document.save()
        strategy_detect_language(strategy_id=document.strategy_id)
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


def document_mark_failed(*, document_id: int, message: str) -> None:
    """Record why a document could not be read, and drop its file and any passages: a
    document that failed keeps only its name and the message."""
    with transaction.atomic():
        document = StrategyDocument.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.status == StrategyDocument.Status.READY:
            return
        document.passages.all().delete()
        if document.file:
            document.file.delete(save=False)
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

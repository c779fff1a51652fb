"""Celery tasks for strategy documents: thin wrappers that load ids and call services."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils.translation import gettext as _

from . import services

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=services.EXTRACTION_SOFT_LIMIT_S,
    time_limit=services.EXTRACTION_HARD_LIMIT_S,
)
def extract_document(document_id: int) -> str:
    """Extract one document's passages. Idempotent: a redelivered task replaces them."""
    try:
        return services.document_extract(document_id=document_id).status
    except SoftTimeLimitExceeded:
        services.document_mark_failed(
            document_id=document_id,
            message=_("Reading the document took too long; split it and upload the parts."),
        )
    except Exception as exc:
        logger.exception("document %s failed", document_id)
        services.document_mark_failed(
            document_id=document_id,
            message=_("The document could not be read: %(error)s") % {"error": exc},
        )
    return "failed"


@shared_task
def fail_stale_documents() -> int:
    """Periodic sweep: documents whose extraction was cut short are marked failed."""
    return services.documents_fail_stale()

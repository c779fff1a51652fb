"""Celery tasks: thin wrappers that load ids and call services."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils.translation import gettext as _

from . import services

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=60, time_limit=120)
def render_report(report_id: str) -> str:
    """Render one PDF report. Idempotent: redelivery after a lost worker renders it again."""
    try:
        return services.report_render(report_id=report_id).status
    except SoftTimeLimitExceeded:
        services.report_mark_failed(
            report_id=report_id, message=_("The report took too long to render.")
        )
    except Exception as exc:
        logger.exception("report %s failed", report_id)
        services.report_mark_failed(
            report_id=report_id,
            message=_("The report could not be rendered: %(error)s") % {"error": exc},
        )
    return "failed"


@shared_task
def fail_stale_reports() -> int:
    """Periodic sweep: reports stuck past the hard time limit are marked failed."""
    return services.reports_fail_stale()

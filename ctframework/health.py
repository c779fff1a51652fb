"""The health check: the state of the database, the broker and the Celery workers."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection

from .celery import app as celery_app

BROKER_TIMEOUT_SECONDS = 2
WORKER_PING_SECONDS = 1


def check_database() -> dict:
    """Run one query; report the engine and whether it answered."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return {"ok": False, "vendor": connection.vendor, "error": type(exc).__name__}
    return {"ok": True, "vendor": connection.vendor}


def check_broker() -> dict:
    """Connect to the broker once; in embedded mode tasks run in-process and need none."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager"}
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT_SECONDS) as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as exc:  # kombu raises many kinds; all mean "unreachable"
        return {"ok": False, "mode": "broker", "error": type(exc).__name__}
    return {"ok": True, "mode": "broker"}


def check_workers(broker_ok: bool) -> dict:
    """Ping the workers through the broker and count the ones that answer."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager", "count": 0}
    if not broker_ok:
        return {"ok": False, "mode": "broker", "count": 0}
    replies = celery_app.control.ping(timeout=WORKER_PING_SECONDS) or []
    return {"ok": bool(replies), "mode": "broker", "count": len(replies)}


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """Answer 503 when the database is down; broker or workers down only degrade the app."""
    database = check_database()
    broker = check_broker()
    workers = check_workers(broker["ok"])
    if not database["ok"]:
        status = "error"
    elif broker["ok"] and workers["ok"]:
        status = "ok"
    else:
        status = "degraded"
    body = {"status": status, "database": database, "broker": broker, "workers": workers}
    return JsonResponse(body, status=503 if status == "error" else 200)

"""/healthz reports the real state of the database, the broker and the workers."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.core
def test_healthy_database_answers_200_without_login(client, db):
    response = client.get(reverse("healthz"))
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["database"]["ok"] is True
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]


def healthz_in_subprocess(**env_overrides) -> tuple[int, dict]:
    """Ask /healthz from a fresh process configured with `env_overrides`."""
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client(HTTP_HOST='localhost').get('/healthz');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ctframework.settings", **env_overrides}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    return answer["status"], answer["body"]


@pytest.mark.core
def test_unreachable_database_answers_503():
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    status, body = healthz_in_subprocess(
        DATABASE_URL="postgres://postgres@127.0.0.1:9/ctframework", CELERY_BROKER_URL=""
    )
    assert status == 503
    assert body["status"] == "error"
    assert body["database"] == {"ok": False, "vendor": "postgresql", "error": "OperationalError"}


@pytest.mark.core
def test_unreachable_broker_degrades_but_answers_200(tmp_path):
    status, body = healthz_in_subprocess(
        DATABASE_URL=f"sqlite:///{tmp_path / 'health.sqlite3'}",
        CELERY_BROKER_URL="redis://127.0.0.1:9/0",
    )
    assert status == 200
    assert body["status"] == "degraded"
    assert body["broker"]["ok"] is False
    assert body["workers"] == {"ok": False, "mode": "broker", "count": 0}


def test_real_broker_without_workers_is_degraded(client, db, settings):
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("needs the Redis broker that make test configures")
    body = client.get(reverse("healthz")).json()
    assert body["broker"] == {"ok": True, "mode": "broker"}
    assert body["workers"]["count"] == 0
    assert body["status"] == "degraded"

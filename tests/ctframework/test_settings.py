"""The production configuration refuses unsafe settings and passes `check --deploy`."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.core


def run_manage(*args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "CTF_ENV"}}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(**extra):
    return {
        "CTF_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "ctframework.example.org",
        **extra,
    }


def test_check_deploy_is_clean_in_production():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **production_env())
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_debug():
    result = run_manage("check", **production_env(DEBUG="true"))
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_production_refuses_missing_or_default_secret():
    for secret in ["", "django-insecure-" + "x" * 50, "changeme"]:
        result = run_manage("check", **production_env(SECRET_KEY=secret))
        assert result.returncode != 0
        assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_wildcard_hosts():
    result = run_manage("check", **production_env(ALLOWED_HOSTS="*"))
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_unreadable_boolean_is_an_error_not_a_guess():
    result = run_manage("check", DEBUG="perhaps")
    assert result.returncode != 0


def test_embedded_default_uses_sqlite_and_eager_celery(settings):
    if os.environ.get("DATABASE_URL") or os.environ.get("CELERY_BROKER_URL"):
        pytest.skip("this run is configured with real services")
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
    assert settings.DEBUG is False  # pytest-django turns DEBUG off for tests

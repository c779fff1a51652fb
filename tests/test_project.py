"""Project-wide invariants: migrations are complete, the compose file describes the stack."""

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.core
@pytest.mark.django_db
def test_no_migrations_are_pending():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.core
def test_compose_file_runs_the_full_stack():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "redis", "web", "worker"}
    for name in ("web", "worker"):
        service = services[name]
        env = service["environment"]
        assert env["CTF_ENV"] == "production"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379")
        assert "SECRET_KEY" in env
        assert set(service["depends_on"]) == {"db", "redis"}
    assert "gunicorn" in services["web"]["command"]
    assert services["worker"]["command"][:3] == ["celery", "-A", "ctframework"]
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")

"""The compose file's health checks, run for real against the app outside Docker."""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SERVICES = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> Path:
    """A stand-in for the hashed static files the image's build collects.

    Production refuses a static name missing from collectstatic's manifest, and urls.py
    resolves one at import. collectstatic itself takes minutes on a busy machine; a manifest
    naming the project's own files under their own names is enough for /healthz.
    """
    root = tmp_path_factory.mktemp("staticfiles")
    paths = {
        path.relative_to(ROOT / "static").as_posix(): path.relative_to(ROOT / "static").as_posix()
        for path in (ROOT / "static").rglob("*")
        if path.is_file()
    }
    manifest = {"version": "1.1", "hash": "", "paths": paths}
    (root / "staticfiles.json").write_text(json.dumps(manifest))
    return root


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """The compose environment, with local stand-ins for the db and redis containers."""
    inherited = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CACHE_URL"}}
    return {
        **inherited,
        "PATH": f"{BIN}:{os.environ['PATH']}",
        "CTF_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "ct.example.org,localhost",
        "SECURE_SSL_REDIRECT": "true",  # the strictest: the check must not be redirected
        "CTF_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'health.sqlite3'}",
        "CELERY_BROKER_URL": "",
        **overrides,
    }


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def web_healthcheck(port: int) -> list[str]:
    test = SERVICES["web"]["healthcheck"]["test"]
    assert test[0] == "CMD"
    assert "http://127.0.0.1:8000/healthz" in test[-1]
    return [*test[1:-1], test[-1].replace("127.0.0.1:8000", f"127.0.0.1:{port}")]


@pytest.mark.parametrize(
    ("overrides", "healthy", "status"),
    [
        ({}, True, '"status": "ok"'),
        # Broker down: pages still work, the container stays healthy.
        ({"CELERY_BROKER_URL": "redis://127.0.0.1:9/0"}, True, '"status": "degraded"'),
        # Database down: 503, unhealthy.
        ({"DATABASE_URL": "postgres://postgres@127.0.0.1:9/ctframework"}, False, "503"),
    ],
)
def test_the_web_healthcheck_follows_healthz(tmp_path, static_root, overrides, healthy, status):
    port = free_port()
    env = production_env(tmp_path, STATIC_ROOT=str(static_root), **overrides)
    server = subprocess.Popen(
        [BIN / "gunicorn", "ctframework.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, "gunicorn stopped"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not listen"
                time.sleep(0.2)
        # The check runs with the container's environment: ALLOWED_HOSTS names the site.
        check = subprocess.run(
            web_healthcheck(port), env=env, capture_output=True, text=True, timeout=60, check=False
        )
    finally:
        stop(server)
    assert (check.returncode == 0) is healthy, check.stdout + check.stderr
    assert status in check.stdout


@pytest.mark.worker
def test_the_worker_healthcheck_pings_this_worker(tmp_path, static_root):
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker:
        pytest.skip("needs the Redis broker that make test configures")
    env = production_env(
        tmp_path,
        STATIC_ROOT=str(static_root),
        CELERY_BROKER_URL=broker,
        HOSTNAME=socket.gethostname(),
    )
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            SERVICES["worker"]["command"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while " ready." not in log.read_text():
            assert worker.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        kind, command = SERVICES["worker"]["healthcheck"]["test"]
        assert kind == "CMD-SHELL"
        # Compose turns $$ into $; the shell of the container expands $HOSTNAME.
        check = subprocess.run(
            ["sh", "-c", command.replace("$$", "$")],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        stop(worker)
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"celery@{socket.gethostname()}: OK" in check.stdout

"""What the benchmarks share: their own database, Django set up in-process, percentiles."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent


def database_url(name: str) -> str:
    """The URL of the benchmark's own database `name`, on the server of BENCH_DATABASE_URL
    (else DATABASE_URL, else 127.0.0.1:5432 as postgres)."""
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    parts = urlsplit(url or "postgres://postgres@127.0.0.1:5432/x")
    return urlunsplit(parts._replace(path=f"/{name}"))


def fresh_database(url: str) -> None:
    """Drop and create the database of `url` (it is the benchmark's own)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    args = ["psql", "-q", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    args += ["-U", parts.username or "postgres", "-d", "postgres"]
    for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
        subprocess.run([*args, "-c", sql], check=True)


def setup_django(database: str) -> None:
    """Django in this process on a fresh database `database`, tasks eager, DEBUG off,
    uploads in a temporary folder; migrated."""
    url = database_url(database)
    fresh_database(url)
    os.environ.update(
        DATABASE_URL=url,
        MEDIA_ROOT=tempfile.mkdtemp(prefix="ctf-bench-media-"),
        DEBUG="false",
        ALLOWED_HOSTS="testserver",
    )
    os.environ.pop("CELERY_BROKER_URL", None)  # eager: tasks run in this process
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ctframework.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def machine() -> str:
    return f"{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}"


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` (0-1) of `values` fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]

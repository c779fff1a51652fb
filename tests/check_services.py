"""Before `make test`'s suite: fail loudly, with the command that fixes it, when a service is
missing.

`make test` has already installed what it could and started PostgreSQL and Redis when they are
on this machine (scripts/system-packages.sh, reading system-packages.txt); whatever is still
wrong here, it could not fix by itself.
"""

import os
import shutil
import sys
from urllib.parse import urlsplit

import psycopg
import redis

PG_START = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql | head -n1) main start"
REDIS_START = 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'
ITSELF = "(make test installs and starts it itself when it can: as root, or with sudo -n)"


def check_postgres(url: str) -> str | None:
    parts = urlsplit(url)
    try:
        # The maintenance database: the test database is created from it.
        psycopg.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.Error as exc:
        # A server that answers and refuses says FATAL (no such role, wrong or missing password).
        if "FATAL" in str(exc) or "password" in str(exc):
            return refused_by_postgres(parts, exc)
        return unreachable_postgres(parts, exc)
    return None


def refused_by_postgres(parts, exc) -> str:
    return (
        f"PostgreSQL at {parts.hostname}:{parts.port or 5432} refused the user "
        f"{parts.username or 'postgres'} ({exc}).\n"
        "  Give a user and password that it accepts: make test TEST_DATABASE_URL=postgres://"
        "USER:PASSWORD@HOST:5432/ctframework\n"
        "  or, on a machine kept for tests, trust postgres on 127.0.0.1: put the line\n"
        "    host all postgres 127.0.0.1/32 trust\n"
        "  first in /etc/postgresql/*/main/pg_hba.conf, then (as root)\n"
        "    pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql | head -n1) main reload"
    )


def unreachable_postgres(parts, exc) -> str:
    return (
        f"PostgreSQL is not reachable at {parts.hostname}:{parts.port or 5432} ({exc}).\n"
        f"  {ITSELF}\n"
        f"  Start it (Debian, as root): {PG_START}\n"
        "  Install it (Debian, as root): apt-get install -y postgresql\n"
        "  Or point TEST_DATABASE_URL at another server: make test TEST_DATABASE_URL=postgres://..."
    )


def check_redis(url: str) -> str | None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        return (
            f"Redis is not reachable at {url} ({exc}).\n"
            f"  {ITSELF}\n"
            f"  Start it (Debian): {REDIS_START}\n"
            "  Install it (Debian, as root): apt-get install -y redis-server\n"
            "  Or point TEST_BROKER_URL at another server: make test TEST_BROKER_URL=redis://..."
        )
    return None


def check_chromium() -> str | None:
    if shutil.which("chromium") or os.path.exists("/usr/bin/chromium"):
        return None
    return (
        "Chromium is not installed; the browser tests drive it through Playwright.\n"
        f"  {ITSELF}\n"
        "  Install it (Debian, as root): apt-get install -y chromium"
    )


def main() -> int:
    problems = [
        check_postgres(os.environ["DATABASE_URL"]),
        check_redis(os.environ["CELERY_BROKER_URL"]),
        check_chromium(),
    ]
    problems = [p for p in problems if p]
    for problem in problems:
        print(f"make test: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""Before `make test`: fail loudly, with the command that fixes it, when a service is missing."""

import os
import shutil
import sys
from urllib.parse import urlsplit

import psycopg
import redis

PG_START = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
REDIS_START = 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'


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
        return (
            f"PostgreSQL is not reachable at {parts.hostname}:{parts.port or 5432} ({exc}).\n"
            f"  Start it (Debian): {PG_START}\n"
            "  Install it (Debian): apt-get install -y postgresql\n"
            "  Or point TEST_DATABASE_URL at another server: make test TEST_DATABASE_URL=postgres://..."
        )
    return None


def check_redis(url: str) -> str | None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        return (
            f"Redis is not reachable at {url} ({exc}).\n"
            f"  Start it (Debian): {REDIS_START}\n"
            "  Install it (Debian): apt-get install -y redis-server"
        )
    return None


def check_chromium() -> str | None:
    if shutil.which("chromium") or os.path.exists("/usr/bin/chromium"):
        return None
    return (
        "Chromium is not installed; the browser tests drive it through Playwright.\n"
        "  Install it (Debian): apt-get install -y chromium"
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

"""Benchmark: the checklist page and the autosave of one item.

What it measures (the figures are reported, not asserted):

1. Server-side time of the checklist page for a 42- and a 200-principle assessment, with
   django.test.Client in-process (DEBUG off), and the SQL query count of each page.
2. The cost of one autosave in-process (time and queries), one request at a time.
3. The checklist page over HTTP from a real gunicorn server, one client at a time.
4. Autosave under concurrency against that server: N clients (default 20) each saving
   their own item M times back to back, then again pausing 800 ms after each answer (the
   autosave delay of checklist.js), then a contention round where all of them save the
   same item from the same version.

What it checks (non-zero exit when one fails):

- the checklist's query count is the same for 42 and 200 principles;
- zero lost updates: for every item saved, its version grew by exactly the number of
  200 answers, it has exactly that many history rows, and the text of every 200 answer
  is in its history exactly once; in the contention round exactly one client wins each
  version and all the others get 409;
- every request answered as expected (no 5xx, no CSRF or login failure).

It uses its own PostgreSQL database, dropped and created afresh on each run and kept
afterwards for inspection. Its name is always ctf_bench (or starts with it): the server,
user and password come from BENCH_DATABASE_URL, else DATABASE_URL, else
postgres://postgres@127.0.0.1:5432/ctf_bench; a DATABASE_URL naming another database
(`make bench` passes the test database's URL) is used for its server only.

Run it with `make bench`, or `.venv/bin/python bench/checklist.py --help`.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
BENCH_DB = "ctf_bench"
DEFAULT_DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}"
HOST = "127.0.0.1"
HTTP_TIMEOUT_SECONDS = 30
SERVER_START_SECONDS = 60
SIZES = (42, 200)

TARGET_CHECKLIST_P50_MS = 80.0  # 42 principles, server-side
TARGET_AUTOSAVE_P95_MS = 50.0  # 20 concurrent clients

WORDS = re.findall(
    r"\S+",
    "strategy national coordination mechanism whole-of-government prevention prosecution "
    "protection response human rights rule of law oversight parliament civil society "
    "gender youth victims financing terrorism border security information sharing "
    "cooperation review evaluation indicators action plan ministry agency mandate "
    "resources capacity training judicial police intelligence community engagement "
    "online content rehabilitation reintegration prisons radicalisation partnerships "
    "international regional obligations",
)


# --------------------------------------------------------------------------------------
# Small helpers


def prose(seed: str, words: int) -> str:
    """Deterministic filler text of about `words` words, like an assessor's note."""
    rnd = random.Random(seed)
    text = " ".join(rnd.choice(WORDS) for _ in range(words))
    return text[:1].upper() + text[1:] + "."


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation; NaN for no samples."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Timing:
    samples_ms: list[float] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.samples_ms)

    def p(self, q: float) -> float:
        return percentile(self.samples_ms, q)

    @property
    def max(self) -> float:
        return max(self.samples_ms) if self.samples_ms else float("nan")

    def line(self) -> str:
        return f"n={self.n} p50={self.p(50):.1f} ms p95={self.p(95):.1f} ms max={self.max:.1f} ms"


def log(message: str) -> None:
    print(message, flush=True)


def bench_database_url() -> str:
    """The URL of the benchmark's own database, whatever DATABASE_URL names."""
    raw = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    parts = urlsplit(raw or DEFAULT_DATABASE_URL)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        log(f"note: {parts.scheme or 'no'} database URL given; using {DEFAULT_DATABASE_URL}")
        return DEFAULT_DATABASE_URL
    name = parts.path.lstrip("/")
    if name.startswith(BENCH_DB):
        return urlunsplit(parts)
    log(
        f"note: the database URL names {name!r}; the benchmark never touches it and uses "
        f"its own database {BENCH_DB!r} on the same server"
    )
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def recreate_database(url: str) -> None:
    """Drop and create the benchmark database (only one whose name starts with ctf_bench)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith(BENCH_DB):
        raise SystemExit(f"refusing to drop {name!r}: not a benchmark database")
    maintenance = urlunsplit(parts._replace(path="/postgres", query=""))
    with psycopg.connect(maintenance, autocommit=True, connect_timeout=5) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def normalized_sql(statement: str) -> str:
    statement = re.sub(r"'(?:[^']|'')*'", "?", statement)
    statement = re.sub(r"\b\d+\b", "?", statement)
    return re.sub(r"\(\?(?:, \?)*\)", "(…)", statement)


# --------------------------------------------------------------------------------------
# Data


@dataclass
class BenchData:
    password: str
    usernames: list[str]
    assessments: dict[int, object]  # size -> Assessment
    levels: list[int]  # pks of the levels with a value


def build_data(clients: int) -> BenchData:
    """A jurisdiction, its assessors, and a 42- and a 200-principle assessment, half scored."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from assessments.models import Score, ScoreLevel
    from assessments.services import ScoreInput, score_save
    from ctframework import roles
    from principles.models import CrossReference, Principle, Tag
    from tests.factories import (
        PASSWORD,
        JurisdictionFactory,
        grant,
        make_assessment,
        make_framework,
    )

    user_model = get_user_model()
    malta = JurisdictionFactory(code="MLT", name="Malta")
    hashed = make_password(PASSWORD)  # one PBKDF2 run for every account
    users = []
    for i in range(max(clients, 1)):
        user = user_model.objects.create(username=f"bench-assessor-{i + 1:02d}", password=hashed)
        grant(user, roles.ASSESSOR, malta)
        users.append(user)

    tags = [Tag.objects.create(slug=f"theme-{i}", name=f"Theme {i}") for i in range(8)]
    guidance = make_framework(40, sections=4, slug="bench-guidance")
    guidance_principles = list(guidance.principles.order_by("order"))

    assessments = {}
    for size in SIZES:
        framework = make_framework(size, sections=max(2, size // 7), slug=f"bench-{size}")
        principles = list(framework.principles.order_by("order"))
        through = Principle.tags.through
        through.objects.bulk_create(
            through(principle_id=p.pk, tag_id=tags[j].pk)
            for i, p in enumerate(principles)
            for j in {i % 8, (3 * i + 1) % 8}
        )
        CrossReference.objects.bulk_create(
            CrossReference(
                source=p,
                target=guidance_principles[(i + k * 7) % len(guidance_principles)],
                relationship=CrossReference.Relationship.INTERSECTS_WITH,
                strength=5 + k,
                rationale=prose(f"ref-{size}-{i}-{k}", 20),
            )
            for i, p in enumerate(principles)
            if i % 3 == 0
            for k in range(2)
        )
        assessment = make_assessment(
            jurisdiction=malta, assessors=users, framework=framework, title=f"Bench {size}"
        )
        assessments[size] = assessment

    levels = list(
        ScoreLevel.objects.filter(scale=assessments[SIZES[0]].scale, value__isnull=False)
        .order_by("order")
        .values_list("pk", flat=True)
    )
    level_objects = {level.pk: level for level in ScoreLevel.objects.filter(pk__in=levels)}
    for size, assessment in assessments.items():
        scores = list(Score.objects.filter(assessment=assessment).order_by("principle__order"))
        for i, score in enumerate(scores):
            if i % 2:
                continue
            score_save(
                score=score,
                user=users[i % len(users)],
                expected_version=score.version,
                data=ScoreInput(
                    level=level_objects[levels[i % len(levels)]],
                    justification=prose(f"j-{size}-{i}", 60),
                    evidence=prose(f"e-{size}-{i}", 160),
                    location=f"Section {i // 5 + 1}, page {i + 3}",
                    recommendation=prose(f"r-{size}-{i}", 50),
                ),
            )
    return BenchData(
        password=PASSWORD,
        usernames=[u.username for u in users],
        assessments=assessments,
        levels=levels,
    )


def ordered_scores(assessment) -> list:
    from assessments.models import Score

    return list(Score.objects.filter(assessment=assessment).order_by("principle__order"))


def save_fields(tag: str, version: int, level: int) -> dict:
    """What the autosave script posts for one item: every field of its form."""
    return {
        "version": str(version),
        "level": str(level),
        "justification": f"[{tag}] " + prose(f"just-{tag}", 50),
        "evidence": prose(f"ev-{tag}", 120),
        "location": f"Page {len(tag)}",
        "recommendation": prose(f"rec-{tag}", 40),
    }


# --------------------------------------------------------------------------------------
# In-process measurements


@dataclass
class PageResult:
    size: int
    timing: Timing
    queries: int
    bytes: int
    repeated: list[tuple[int, str]]
    sql: list[str]


def repeated_queries(captured) -> list[tuple[int, str]]:
    counts = Counter(normalized_sql(q["sql"]) for q in captured)
    return [(n, sql) for sql, n in counts.most_common() if n > 1]


def measure_checklist_in_process(client, assessment, warmup: int, runs: int) -> PageResult:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    url = reverse("assessments:checklist", args=[assessment.pk])
    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
    timing = Timing()
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        timing.samples_ms.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return PageResult(
        size=assessment.scores.count(),
        timing=timing,
        queries=len(ctx.captured_queries),
        bytes=len(response.content),
        repeated=repeated_queries(ctx.captured_queries),
        sql=[q["sql"] for q in ctx.captured_queries],
    )


@dataclass
class SaveResult:
    size: int
    timing: Timing
    queries: int
    repeated: list[tuple[int, str]]
    sql: list[str]


def measure_autosave_in_process(client, assessment, score, levels, warmup, runs) -> SaveResult:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    url = reverse("assessments:score-save", args=[assessment.pk, score.pk])
    version = score.version
    timing = Timing()
    captured = []
    for i in range(warmup + runs + 1):
        data = save_fields(f"inproc-{assessment.pk}-{i}", version, levels[i % len(levels)])
        capture = i == warmup + runs
        started = time.perf_counter()
        if capture:
            with CaptureQueriesContext(connection) as ctx:
                response = client.post(url, data, headers={"X-Autosave": "1"})
            captured = ctx.captured_queries
        else:
            response = client.post(url, data, headers={"X-Autosave": "1"})
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"POST {url} answered {response.status_code}: {response.content!r}")
        version = response.json()["score"]["version"]
        if warmup <= i < warmup + runs:
            timing.samples_ms.append(elapsed)
    return SaveResult(
        size=assessment.scores.count(),
        timing=timing,
        queries=len(captured),
        repeated=repeated_queries(captured),
        sql=[q["sql"] for q in captured],
    )


# --------------------------------------------------------------------------------------
# The real server and its HTTP clients


def _die_with_parent() -> None:
    """In the server's process before exec: get SIGTERM if the benchmark dies (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class HttpClient:
    """A browser stand-in: one connection per request, cookies kept, loopback only."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, fields: dict | None = None, headers=None):
        """Return (status, body bytes, elapsed ms)."""
        all_headers = {"Host": f"{HOST}:{self.port}"}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields)
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        all_headers.update(headers or {})
        conn = http.client.HTTPConnection(HOST, self.port, timeout=HTTP_TIMEOUT_SECONDS)
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        elapsed = (time.perf_counter() - started) * 1000
        for raw in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(raw)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, data, elapsed

    def login(self, username: str, password: str) -> None:
        status, body, _ = self.request("GET", "/accounts/login/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or not match:
            raise RuntimeError(f"login page answered {status} without a CSRF token")
        status, body, _ = self.request(
            "POST",
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": match.group(1).decode(),
                "username": username,
                "password": password,
                "next": "",
            },
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login of {username} answered {status}: {body[:300]!r}")

    def autosave(self, assessment_pk: int, score_pk: int, fields: dict):
        """Return (status, parsed JSON or None, elapsed ms)."""
        status, body, elapsed = self.request(
            "POST",
            f"/assessments/{assessment_pk}/scores/{score_pk}/",
            fields,
            {"X-Autosave": "1", "X-CSRFToken": self.cookies.get("csrftoken", "")},
        )
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = {"status": "not-json", "body": body[:300].decode(errors="replace")}
        return status, parsed, elapsed


class Server:
    """gunicorn serving ctframework.wsgi on a free loopback port; stopped on exit."""

    def __init__(self, env: dict, workers: int, threads: int, logdir: Path):
        self.port = free_port()
        self.env = env
        self.workers = workers
        self.threads = threads
        self.log_path = logdir / "gunicorn.log"
        self.process: subprocess.Popen | None = None
        self._log = None

    @property
    def config(self) -> str:
        worker_class = "sync" if self.threads == 1 else "gthread"
        return (
            f"gunicorn ctframework.wsgi --bind {HOST}:{self.port} --workers {self.workers} "
            f"--threads {self.threads} (worker class {worker_class}), CTF_ENV=embedded, "
            f"DEBUG=false, ALLOWED_HOSTS={HOST}, CONN_MAX_AGE=60"
        )

    def __enter__(self) -> Server:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [
            str(gunicorn) if gunicorn.exists() else "gunicorn",
            "ctframework.wsgi",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
        ]
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            command,
            cwd=REPO,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}:\n{self.tail()}"
                )
            try:
                status, _, _ = HttpClient(self.port).request("GET", "/accounts/login/")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(
            f"gunicorn did not answer within {SERVER_START_SECONDS} s:\n{self.tail()}"
        )

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text().splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __exit__(self, *exc) -> None:
        self.stop()


def run_threads(target, arguments: list[tuple], timeout: float) -> list[str]:
    """Run target(*args) in one thread each; return the errors (and any thread left over)."""
    errors: list[str] = []

    def wrapped(*args):
        try:
            target(*args)
        except Exception as exc:  # reported, and makes the run fail
            errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=wrapped, args=args, daemon=True) for args in arguments]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    stuck = sum(thread.is_alive() for thread in threads)
    if stuck:
        errors.append(f"{stuck} client thread(s) still running after {timeout:.0f} s")
    return errors


def measure_checklist_http(client: HttpClient, assessment_pk: int, warmup: int, runs: int):
    path = f"/assessments/{assessment_pk}/checklist/"
    timing = Timing()
    for i in range(warmup + runs):
        status, _, elapsed = client.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        if i >= warmup:
            timing.samples_ms.append(elapsed)
    return timing


@dataclass
class Save:
    client: int
    round: int
    score_pk: int
    status: int
    ms: float
    text: str
    version: int | None  # the saved version (200) or the current one (409)
    started: float
    finished: float


def _autosave(client, index, round_, assessment_pk, score_pk, version, level, tag) -> Save:
    fields = save_fields(tag, version, level)
    started = time.perf_counter()
    status, body, ms = client.autosave(assessment_pk, score_pk, fields)
    save = Save(index, round_, score_pk, status, ms, fields["justification"], None, started, 0)
    save.finished = time.perf_counter()
    if status == 200:
        save.version = body["score"]["version"]
    elif status == 409:
        save.version = body["current"]["version"]
    return save


def own_items_round(
    clients, assessment_pk, items, levels, saves, pause_ms, deadline_s, label
) -> tuple[list[Save], list[str]]:
    """Each client saves its own item `saves` times, from the version the last answer gave,
    pausing `pause_ms` after each answer (0: back to back)."""
    results: list[Save] = []
    barrier = threading.Barrier(len(clients))
    stop_at = time.monotonic() + deadline_s

    def work(index: int, client: HttpClient, score_pk: int, version: int):
        barrier.wait(timeout=60)
        if pause_ms:  # users do not all start typing in the same millisecond
            time.sleep(random.uniform(0, pause_ms / 1000))
        for n in range(saves):
            if time.monotonic() > stop_at:
                break
            level = levels[(index + n) % len(levels)]
            save = _autosave(
                client, index, n, assessment_pk, score_pk, version, level, f"{label}-c{index}-{n}"
            )
            results.append(save)
            if save.version is not None:
                version = save.version
            if pause_ms:
                time.sleep(pause_ms / 1000)

    arguments = [
        (i, c, s.pk, s.version) for i, (c, s) in enumerate(zip(clients, items, strict=True))
    ]
    return results, run_threads(work, arguments, deadline_s + 90)


def contention_round(
    clients, assessment_pk, score, levels, rounds, deadline_s
) -> tuple[list[Save], list[str]]:
    """Every client saves the same item each round, all from the version they know."""
    results: list[Save] = []
    stop_at = time.monotonic() + deadline_s
    go = [True]

    def decide():  # run once per round by the barrier, so every client agrees
        go[0] = time.monotonic() <= stop_at

    barrier = threading.Barrier(len(clients), action=decide)

    def work(index: int, client: HttpClient, version: int):
        for r in range(rounds):
            barrier.wait(timeout=60)
            if not go[0]:
                break
            level = levels[(index + r) % len(levels)]
            save = _autosave(
                client, index, r, assessment_pk, score.pk, version, level, f"race-r{r}-c{index}"
            )
            results.append(save)
            if save.version is not None:
                version = save.version

    arguments = [(i, c, score.version) for i, c in enumerate(clients)]
    return results, run_threads(work, arguments, deadline_s + 90)


def server_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of gunicorn's workers so far, from /proc; NaN elsewhere."""
    try:
        tick = os.sysconf("SC_CLK_TCK")
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        total = 0
        for child in [str(pid), *children]:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / tick
    except (OSError, ValueError, IndexError):
        return float("nan")


def check_history(score_pk: int, initial_version: int, saves: list[Save]) -> list[str]:
    """Zero lost updates for one item: versions, history rows and texts all agree."""
    from assessments.models import Score, ScoreChange

    problems = []
    won = [s for s in saves if s.status == 200]
    final = Score.objects.get(pk=score_pk)
    history = list(
        ScoreChange.objects.filter(score_id=score_pk, version__gt=initial_version).values_list(
            "version", "changes"
        )
    )
    if final.version - initial_version != len(won):
        problems.append(
            f"item {score_pk}: version went {initial_version} -> {final.version} "
            f"but {len(won)} saves answered 200"
        )
    if len(history) != len(won):
        problems.append(f"item {score_pk}: {len(history)} history rows for {len(won)} saves")
    texts = Counter(changes.get("justification", [None, None])[1] for _, changes in history)
    by_version = {
        version: changes.get("justification", [None, None])[1] for version, changes in history
    }
    for save in won:
        if texts[save.text] != 1:
            problems.append(f"item {score_pk}: a saved text is in history {texts[save.text]} times")
        elif by_version.get(save.version) != save.text:
            problems.append(f"item {score_pk}: history v{save.version} is not the text saved")
    if won:
        last = max(won, key=lambda s: s.version)
        if final.justification != last.text:
            problems.append(f"item {score_pk}: the saved text is not the last winner's")
    return problems


# --------------------------------------------------------------------------------------
# Main


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warmup", type=int, default=5, help="warm-up requests per page")
    parser.add_argument("--runs", type=int, default=50, help="timed requests per page")
    parser.add_argument("--autosave-runs", type=int, default=40, help="in-process autosaves")
    parser.add_argument("--http-runs", type=int, default=30, help="timed GETs over HTTP")
    parser.add_argument("--clients", type=int, default=20, help="concurrent HTTP clients")
    parser.add_argument("--saves", type=int, default=25, help="saves per client, own items")
    parser.add_argument(
        "--pause-ms",
        type=int,
        default=800,
        help="pause after each answer in the paced round (checklist.js waits 800 ms after "
        "the last keystroke); 0 skips that round",
    )
    parser.add_argument("--rounds", type=int, default=15, help="contention rounds")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--deadline", type=float, default=180, help="seconds per HTTP round")
    parser.add_argument(
        "--show-queries", action="store_true", help="print every query of the pages measured"
    )
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if not 2 <= args.clients <= 20:
        raise SystemExit("--clients must be between 2 and 20 (each needs items of its own)")

    def on_sigterm(signum, frame):
        log(f"signal {signum}: stopping")
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_sigterm)

    database_url = bench_database_url()
    var_dir = Path(tempfile.mkdtemp(prefix="ctf-bench-"))
    env = {
        "DATABASE_URL": database_url,
        "CTF_ENV": "embedded",
        "DEBUG": "false",
        "ALLOWED_HOSTS": HOST,
        "CTF_VAR_DIR": str(var_dir),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "ctframework.settings",
        "PYTHONUNBUFFERED": "1",
    }
    os.environ.update(env)
    for name in ("CELERY_BROKER_URL", "REDIS_URL"):  # embedded: Celery eager, no broker
        os.environ.pop(name, None)
    try:
        return run(args, database_url, var_dir)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def machine_busy_fraction(before: list[int], after: list[int]) -> float:
    """Share of all CPUs busy between two /proc/stat samples (every process, not just ours)."""
    deltas = [b - a for a, b in zip(before, after, strict=True)]
    total = sum(deltas)
    idle = deltas[3] + deltas[4]  # idle, iowait
    return (total - idle) / total if total else float("nan")


def cpu_sample() -> list[int]:
    try:
        return [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return [0] * 10


@dataclass
class RoundResult:
    name: str
    saves: list[Save]
    wall_s: float
    server_cpu_s: float
    machine_busy: float

    @property
    def timing(self) -> Timing:
        return Timing([s.ms for s in self.saves])

    @property
    def statuses(self) -> Counter:
        return Counter(s.status for s in self.saves)

    @property
    def throughput(self) -> float:
        return len(self.saves) / self.wall_s if self.wall_s else 0.0

    @property
    def cpu_ms_per_request(self) -> float:
        return 1000 * self.server_cpu_s / len(self.saves) if self.saves else float("nan")

    def line(self) -> str:
        statuses = ", ".join(f"{n}×{code}" for code, n in sorted(self.statuses.items()))
        return (
            f"{self.name}: {self.timing.line()}; {statuses}; {self.throughput:.0f} req/s over "
            f"{self.wall_s:.1f} s; gunicorn CPU {self.cpu_ms_per_request:.1f} ms/request; "
            f"machine {100 * self.machine_busy:.0f}% busy"
        )


def measured_round(name: str, server: Server, body) -> RoundResult:
    cpu_before, machine_before = server_cpu_seconds(server.process.pid), cpu_sample()
    saves, errors = body()
    cpu_after, machine_after = server_cpu_seconds(server.process.pid), cpu_sample()
    wall = (max(s.finished for s in saves) - min(s.started for s in saves)) if saves else 0.0
    result = RoundResult(
        name,
        saves,
        wall,
        cpu_after - cpu_before,
        machine_busy_fraction(machine_before, machine_after),
    )
    log(result.line())
    if errors:
        raise RoundFailed(name, errors, result)
    return result


class RoundFailed(Exception):
    def __init__(self, name: str, errors: list[str], result: RoundResult):
        super().__init__(f"{name}: " + "; ".join(errors[:5]))
        self.result = result


def run(args, database_url: str, var_dir: Path) -> int:
    load_before = os.getloadavg()
    shown = urlsplit(database_url)
    log(f"database: {shown.hostname}:{shown.port or 5432}/{shown.path.lstrip('/')} (recreated)")
    log(f"load average before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")
    if load_before[0] > 0.5 * (os.cpu_count() or 1):
        log("WARNING: the machine is busy with other work; the timings will be pessimistic")
    recreate_database(database_url)

    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    log(f"migrated in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    data = build_data(args.clients)
    log(f"data built in {time.perf_counter() - started:.1f} s")

    from django.contrib.auth import get_user_model

    assessor = get_user_model().objects.get(username=data.usernames[0])
    client = Client(HTTP_HOST=HOST)
    client.force_login(assessor, backend="django.contrib.auth.backends.ModelBackend")

    problems: list[str] = []
    pages: dict[int, PageResult] = {}
    for size in SIZES:
        pages[size] = measure_checklist_in_process(
            client, data.assessments[size], args.warmup, args.runs
        )
        page = pages[size]
        log(
            f"checklist {size} principles, in-process: {page.timing.line()}, "
            f"{page.queries} queries, {page.bytes / 1024:.0f} KiB"
        )
    if pages[SIZES[0]].queries != pages[SIZES[1]].queries:
        problems.append(
            f"checklist query count grows: {pages[SIZES[0]].queries} for {SIZES[0]} principles, "
            f"{pages[SIZES[1]].queries} for {SIZES[1]}"
        )

    saves_in_process: dict[int, SaveResult] = {}
    for size in SIZES:
        scores = ordered_scores(data.assessments[size])
        saves_in_process[size] = measure_autosave_in_process(
            client, data.assessments[size], scores[-1], data.levels, 5, args.autosave_runs
        )
        log(
            f"one autosave, {size}-principle assessment, in-process, one at a time: "
            f"{saves_in_process[size].timing.line()}, {saves_in_process[size].queries} queries"
        )

    # The 42-principle assessment's items: 0..clients-1 back to back, the next one for the
    # contention round, the 20 after it paced; the last one was used above.
    small = data.assessments[SIZES[0]]
    small_scores = ordered_scores(small)
    fast_items = small_scores[: args.clients]
    race_item = small_scores[args.clients]
    paced_items = small_scores[args.clients + 1 : 2 * args.clients + 1]
    initial = {score.pk: score.version for score in small_scores}
    connection.close()

    server = Server(dict(os.environ), args.workers, args.threads, var_dir)
    http_pages: dict[int, Timing] = {}
    rounds: dict[str, RoundResult] = {}
    server_log_tail = ""
    with server:
        log(f"server: {server.config}")
        clients = [HttpClient(server.port) for _ in range(args.clients)]
        started = time.perf_counter()
        errors = run_threads(
            lambda c, u: c.login(u, data.password),
            list(zip(clients, data.usernames, strict=True)),
            120,
        )
        if errors:
            raise RuntimeError("login failed: " + "; ".join(errors[:3]))
        log(
            f"{len(clients)} clients logged in through /accounts/login/ in "
            f"{time.perf_counter() - started:.1f} s"
        )
        for size in SIZES:
            http_pages[size] = measure_checklist_http(
                clients[0], data.assessments[size].pk, 2 * args.workers, args.http_runs
            )
            log(f"checklist {size} principles over HTTP, one client: {http_pages[size].line()}")

        plan = [
            (
                "back-to-back",
                lambda: own_items_round(
                    clients, small.pk, fast_items, data.levels, args.saves, 0, args.deadline, "b2b"
                ),
            ),
            (
                "contention",
                lambda: contention_round(
                    clients, small.pk, race_item, data.levels, args.rounds, args.deadline
                ),
            ),
        ]
        if args.pause_ms:
            plan.insert(
                1,
                (
                    "paced",
                    lambda: own_items_round(
                        clients,
                        small.pk,
                        paced_items,
                        data.levels,
                        args.saves,
                        args.pause_ms,
                        args.deadline,
                        "paced",
                    ),
                ),
            )
        try:
            for name, body in plan:
                rounds[name] = measured_round(name, server, body)
        except RoundFailed as failed:
            problems.append(str(failed))
            rounds.setdefault(failed.result.name, failed.result)
        server_log_tail = server.tail(10)
    load_after = os.getloadavg()

    # Zero lost updates, and only the answers expected.
    lost: list[str] = []
    for name in ("back-to-back", "paced"):
        if name not in rounds:
            continue
        result = rounds[name]
        for status, n in result.statuses.items():
            if status != 200:
                problems.append(f"{name}: {n} saves answered {status} (expected only 200)")
        if len(result.saves) != args.clients * args.saves:
            problems.append(
                f"{name}: {len(result.saves)} of {args.clients * args.saves} saves were made"
            )
        for score_pk in {s.score_pk for s in result.saves}:
            mine = [s for s in result.saves if s.score_pk == score_pk]
            lost += check_history(score_pk, initial[score_pk], mine)

    bad_rounds: list[int] = []
    race = rounds.get("contention")
    if race is not None:
        for status, n in race.statuses.items():
            if status not in (200, 409):
                problems.append(f"contention: {n} saves answered {status}")
        winners = Counter(s.round for s in race.saves if s.status == 200)
        rounds_done = len({s.round for s in race.saves})
        bad_rounds = [r for r in range(rounds_done) if winners[r] != 1]
        if bad_rounds:
            problems.append(
                "contention: rounds without exactly one winner: "
                + ", ".join(f"{r} ({winners[r]} won)" for r in bad_rounds)
            )
        if rounds_done != args.rounds:
            problems.append(f"contention: {rounds_done} of {args.rounds} rounds were run")
        lost += check_history(race_item.pk, initial[race_item.pk], race.saves)
    problems += lost

    # Summary.
    def ms(value: float) -> str:
        return f"{value:.1f} ms"

    p42, p200 = pages[SIZES[0]], pages[SIZES[1]]
    s42, s200 = saves_in_process[SIZES[0]], saves_in_process[SIZES[1]]
    n = args.clients
    rows = [
        (
            "Checklist, 42 principles, in-process p50",
            ms(p42.timing.p(50)),
            f"< {TARGET_CHECKLIST_P50_MS:.0f} ms",
            p42.timing.p(50) < TARGET_CHECKLIST_P50_MS,
        ),
        ("Checklist, 42 principles, in-process p95", ms(p42.timing.p(95)), "", None),
        ("Checklist, 200 principles, in-process p50", ms(p200.timing.p(50)), "", None),
        ("Checklist, 200 principles, in-process p95", ms(p200.timing.p(95)), "", None),
        (
            "Checklist SQL queries, 42 / 200 principles",
            f"{p42.queries} / {p200.queries}",
            "constant",
            p42.queries == p200.queries,
        ),
        (
            "Checklist HTML, 42 / 200 principles",
            f"{p42.bytes / 1024:.0f} / {p200.bytes / 1024:.0f} KiB",
            "",
            None,
        ),
        (
            "Checklist over HTTP, 1 client, p50 42 / 200",
            f"{http_pages[SIZES[0]].p(50):.1f} / {http_pages[SIZES[1]].p(50):.1f} ms",
            "",
            None,
        ),
        (
            "One autosave, in-process, p50 / p95",
            f"{s42.timing.p(50):.1f} / {s42.timing.p(95):.1f} ms",
            "",
            None,
        ),
        ("One autosave, SQL queries (42 / 200)", f"{s42.queries} / {s200.queries}", "", None),
    ]
    for name, title in (
        ("back-to-back", f"Autosave, {n} clients back to back"),
        ("paced", f"Autosave, {n} clients, {args.pause_ms} ms pauses"),
    ):
        if name not in rounds:
            continue
        result = rounds[name]
        rows += [
            (f"{title}, p50", ms(result.timing.p(50)), "", None),
            (
                f"{title}, p95",
                ms(result.timing.p(95)),
                f"< {TARGET_AUTOSAVE_P95_MS:.0f} ms",
                result.timing.p(95) < TARGET_AUTOSAVE_P95_MS,
            ),
            (f"{title}, max", ms(result.timing.max), "", None),
            (
                f"{title}, throughput",
                f"{result.throughput:.0f} saves/s ({len(result.saves)} in {result.wall_s:.1f} s)",
                "",
                None,
            ),
            (
                f"{title}, gunicorn CPU",
                f"{result.cpu_ms_per_request:.1f} ms/save, machine "
                f"{100 * result.machine_busy:.0f}% busy",
                "",
                None,
            ),
        ]
    if race is not None:
        rows += [
            (
                f"Contention, {n} clients on 1 item, p50 / p95",
                f"{race.timing.p(50):.1f} / {race.timing.p(95):.1f} ms",
                "",
                None,
            ),
            (
                "Contention, 200 / 409 answers",
                f"{race.statuses[200]} / {race.statuses[409]} in "
                f"{len({s.round for s in race.saves})} rounds",
                "1 winner a round",
                not bad_rounds and set(race.statuses) <= {200, 409},
            ),
        ]
    rows.append(
        (
            "Lost updates",
            "0" if not lost else f"{len(lost)} problem(s), see below",
            "0",
            not lost,
        )
    )

    log("")
    log(f"Server for the HTTP rows: {server.config}")
    log(
        f"Clients: {n} threads in this process, one TCP connection per request. In-process: "
        f"{args.runs} timed GETs after {args.warmup} warm-ups, DEBUG off."
    )
    log(
        f"Load average before / after: {load_before[0]:.2f} / {load_after[0]:.2f} "
        f"on {os.cpu_count()} CPUs"
    )
    width = max(len(r[0]) for r in rows)
    log(f"{'Measure':<{width}}  {'Measured':<40}  {'Target':<16}  Met")
    log(f"{'-' * width}  {'-' * 40}  {'-' * 16}  ---")
    for name, measured, target, met in rows:
        verdict = "" if met is None else ("yes" if met else "NO")
        log(f"{name:<{width}}  {measured:<40}  {target:<16}  {verdict}".rstrip())

    for size, page in pages.items():
        if page.repeated:
            log(f"\nRepeated queries on the {size}-principle checklist (count, normalized SQL):")
            for count, statement in page.repeated:
                log(f"  {count:>4} × {statement[:160]}")
    for size, save in saves_in_process.items():
        if save.repeated:
            log(f"\nRepeated queries in one autosave ({size} principles):")
            for count, statement in save.repeated:
                log(f"  {count:>4} × {statement[:160]}")

    if args.show_queries:
        listings = [(f"checklist, {n} principles", r.sql) for n, r in pages.items()]
        listings += [(f"autosave, {n} principles", r.sql) for n, r in saves_in_process.items()]
        for title, statements in listings:
            log(f"\nQueries of one request: {title}")
            for i, statement in enumerate(statements, 1):
                log(f"  {i:>3}. {statement[:300]}")

    if problems:
        log("\nINVARIANTS FAILED:")
        for problem in problems:
            log(f"  - {problem}")
        if server_log_tail:
            log(f"\nLast lines of the server log:\n{server_log_tail}")
        return 1
    log("\nInvariants hold: constant checklist query count, zero lost updates.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

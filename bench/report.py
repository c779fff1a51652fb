"""Benchmark: the PDF gap report, its render time and peak memory.

What it measures (the figures are reported, not asserted), for a 42- and a 200-principle
assessment with every item scored and full text (justification, evidence, recommendation,
related guidance, observations annex, full-texts annex):

1. The whole task: `services.report_render` on a queued Report, that is gathering the
   content, hashing it, templating, WeasyPrint and writing the file. Each measurement
   runs in a fresh Python process, so that its peak memory (ru_maxrss) is its own; the
   process imports WeasyPrint first and that import is timed and reported apart.
2. Bare WeasyPrint: the same HTML (rendered once beforehand) laid out by
   `HTML(string=…).write_pdf` with the report's CSS, font configuration and URL fetcher,
   exactly as `reports.render_pdf` does it, also in a fresh process each time.
3. The ratio of the two (the cost of gathering data and templating), and how time and
   memory grow from 42 to 200 principles (200 / 42 = 4.76 times the principles).

Each process renders twice: the first render ("cold", the figure compared with the
targets) is a fresh worker's first report; the second ("warm") shows what a worker that
already rendered one pays. Each kind of measurement is repeated (3 times by default);
the medians are reported.

What it checks (non-zero exit when one fails):

- every task ends `done`, with the file's size and SHA-256 recorded correctly;
- the same content always gives the same PDF bytes: every render of one assessment,
  task or bare, first or second in its process, in any process, is byte-identical.

It uses its own PostgreSQL database, ctf_bench_report, dropped and created afresh on each
run and kept afterwards for inspection: the server, user and password come from
BENCH_DATABASE_URL, else DATABASE_URL, else postgres://postgres@127.0.0.1:5432/; a URL
naming a database whose name does not start with ctf_bench_report is used for its server
only. The PDFs are written to a temporary folder that is removed at the end
(--pdf-dir keeps a copy of one of each size).

Run it with `make bench`, or `.venv/bin/python bench/report.py --help`.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import hashlib
import json
import os
import random
import re
import resource
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
BENCH_DB = "ctf_bench_report"
DEFAULT_DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}"
SIZES = (42, 200)
CHILD_TIMEOUT_SECONDS = 600
RESULT_PREFIX = "BENCH-RESULT "
MODES = ("task", "bare")  # the whole task, and WeasyPrint alone on the same HTML

TARGET_SECONDS_42 = 3.0  # whole task, 42 principles
TARGET_PEAK_MB_42 = 400.0  # peak RSS of the process rendering it
TARGET_OVERHEAD = 1.3  # whole task / bare WeasyPrint

# Level codes of the factories' scale (tests/factories.py DEFAULT_LEVELS), in the order the
# items get them: 8 of every 10 items are below the top, so they appear in the gaps chapter
# with their justification, evidence and recommendation.
LEVEL_CYCLE = ("2", "1", "3", "0", "2", "4", "3", "1", "na", "2")
CROSS_REFERENCES_PER_PRINCIPLE = 3
OBSERVATIONS = 2

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


def prose(seed: str, words: int, end: str = ".") -> str:
    """Deterministic filler text of about `words` words, like an assessor's note."""
    rnd = random.Random(seed)
    text = " ".join(rnd.choice(WORDS) for _ in range(words))
    return text[:1].upper() + text[1:] + end


def log(message: str = "") -> None:
    print(message, flush=True)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def spread(values: list[float], fmt: str = "{:.2f}") -> str:
    """'median (min–max)' of the values."""
    if not values:
        return "n/a"
    if len(values) == 1:
        return fmt.format(values[0])
    return f"{fmt.format(median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def rss_now_mb() -> float:
    """The current resident set size of this process (VmRSS), in MiB."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    """This process's peak resident set size so far (ru_maxrss, KiB on Linux), in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def speed_reference() -> float:
    """Seconds for a fixed pure-Python workload: shows how fast the (virtual) CPU runs now.

    On a shared VM the same render can take 40 % longer from one minute to the next with
    nothing else running in the guest; comparing this figure between runs tells that apart
    from a change in the code.
    """
    started = time.perf_counter()
    total = 0
    for i in range(1_500_000):
        total += (i * i) % 7
    return time.perf_counter() - started


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
    """Drop and create the benchmark database (only one whose name starts with BENCH_DB)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith(BENCH_DB):
        raise SystemExit(f"refusing to drop {name!r}: not this benchmark's database")
    maintenance = urlunsplit(parts._replace(path="/postgres", query=""))
    with psycopg.connect(maintenance, autocommit=True, connect_timeout=5) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _die_with_parent() -> None:
    """In a child process before exec: get SIGTERM if the benchmark dies (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


# --------------------------------------------------------------------------------------
# Data (in the parent process)


def build_data() -> dict[int, dict]:
    """A 42- and a 200-principle assessment, every item scored with full text.

    Returns, per size, the assessment's and the requesting user's ids.
    """

    from assessments.models import Observation, Score
    from assessments.services import ScoreInput, score_save
    from ctframework import roles
    from principles.models import CrossReference, Principle
    from tests.factories import (
        JurisdictionFactory,
        UserFactory,
        grant,
        make_assessment,
        make_framework,
    )

    malta = JurisdictionFactory(code="MLT", name="Malta")
    assessor = UserFactory(username="bench-report-assessor", first_name="Ada", last_name="Vella")
    grant(assessor, roles.ASSESSOR, malta)
    ministry = UserFactory(username="bench-report-ministry", first_name="Marco", last_name="Borg")
    grant(ministry, roles.MINISTRY_READER, malta)

    def realistic(framework, prefix: str) -> list:
        """Titles of about 7 words and texts of about 70, like the Valletta principles."""
        principles = list(framework.principles.order_by("order"))
        for i, p in enumerate(principles):
            p.title = prose(f"{prefix}-title-{i}", 7, end="")
            p.text = prose(f"{prefix}-text-{i}", 45) + "\n\n" + prose(f"{prefix}-text2-{i}", 25)
        Principle.objects.bulk_update(principles, ["title", "text"])
        return principles

    guidance = make_framework(40, sections=4, slug="bench-report-guidance")
    guidance_principles = realistic(guidance, "guidance")
    relationships = list(CrossReference.Relationship)

    data = {}
    for size in SIZES:
        framework = make_framework(size, sections=max(2, size // 7), slug=f"bench-report-{size}")
        principles = realistic(framework, f"p{size}")
        CrossReference.objects.bulk_create(
            CrossReference(
                source=p,
                target=guidance_principles[(3 * i + 11 * k) % len(guidance_principles)],
                relationship=relationships[(i + k) % len(relationships)],
                strength=4 + 2 * k,
                rationale=prose(f"ref-{size}-{i}-{k}", 20),
            )
            for i, p in enumerate(principles)
            for k in range(CROSS_REFERENCES_PER_PRINCIPLE)
        )
        assessment = make_assessment(
            jurisdiction=malta, assessors=[assessor], framework=framework, title=f"Bench {size}"
        )
        levels = {level.code: level for level in assessment.scale.levels.all()}
        for level in levels.values():  # the factories' scale has none; the real ones do
            if not level.guidance:
                level.guidance = prose(f"level-{level.code}", 25)
                level.save(update_fields=["guidance"])
        scores = Score.objects.filter(assessment=assessment).order_by("principle__order")
        for i, score in enumerate(scores):
            score_save(
                score=score,
                user=assessor,
                expected_version=score.version,
                data=ScoreInput(
                    level=levels[LEVEL_CYCLE[i % len(LEVEL_CYCLE)]],
                    justification=prose(f"j-{size}-{i}", 60),
                    evidence=prose(f"e-{size}-{i}", 100) + "\n" + prose(f"e2-{size}-{i}", 60),
                    location=f"Section {i // 5 + 1}, page {i + 3}",
                    recommendation=prose(f"r-{size}-{i}", 50),
                ),
            )
        for k in range(OBSERVATIONS):
            Observation.objects.create(
                assessment=assessment,
                principle=principles[2] if k % 2 else None,
                author=ministry,
                text=prose(f"o-{size}-{k}", 80),
            )
        data[size] = {"assessment": assessment.pk, "user": assessor.pk}
    return data


def queue_report(assessment_id: int, user_id: int, content_hash: str) -> str:
    """A queued Report, as `report_request` leaves it for the worker; older ones removed."""
    from assessments.models import Report

    for old in Report.objects.filter(assessment_id=assessment_id):
        if old.file:
            old.file.delete(save=False)
        old.delete()
    report = Report.objects.create(
        assessment_id=assessment_id,
        content_hash=content_hash,
        with_observations=True,
        requested_by_id=user_id,
    )
    return str(report.pk)


# --------------------------------------------------------------------------------------
# The child process: one measurement


class Phases:
    """Wall time spent in the parts of a render, by wrapping the functions that do them,
    and in Python's cyclic garbage collector (gc.callbacks), by generation."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.pages = 0
        self.gc_seconds = [0.0, 0.0, 0.0]
        self.gc_runs = [0, 0, 0]
        self._gc_started = 0.0
        gc.callbacks.append(self._on_gc)

    def reset(self) -> None:
        self.seconds = {}
        self.pages = 0
        self.gc_seconds = [0.0, 0.0, 0.0]
        self.gc_runs = [0, 0, 0]

    def _on_gc(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            generation = info["generation"]
            self.gc_seconds[generation] += time.perf_counter() - self._gc_started
            self.gc_runs[generation] += 1

    def wrap(self, owner, name: str, phase: str) -> None:
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                self.seconds[phase] = self.seconds.get(phase, 0.0) + elapsed

        setattr(owner, name, timed)


def instrument(phases: Phases, reports) -> None:
    """Time content gathering, hashing, templating, layout and PDF writing separately."""
    import weasyprint
    import weasyprint.document

    original_render = weasyprint.HTML.render

    def render(self, *args, **kwargs):
        started = time.perf_counter()
        document = original_render(self, *args, **kwargs)
        phases.seconds["layout"] = phases.seconds.get("layout", 0.0) + (
            time.perf_counter() - started
        )
        phases.pages = len(document.pages)
        return document

    weasyprint.HTML.render = render
    phases.wrap(weasyprint.document.Document, "write_pdf", "pdf")
    # services calls these through the module (reports.report_content(...)), and
    # render_pdf calls report_html through its module globals, so wrapping them works.
    phases.wrap(reports, "report_content", "content")
    phases.wrap(reports, "content_hash", "hash")
    phases.wrap(reports, "report_html", "template")
    phases.wrap(reports, "render_pdf", "render_pdf")


def bare_render(html: str, reports) -> bytes:
    """What reports.render_pdf does, minus report_html: WeasyPrint alone."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    fetcher = reports.local_only_fetcher()
    document = HTML(string=html, base_url=str(reports.REPORT_CSS.parent), url_fetcher=fetcher)
    stylesheet = CSS(filename=str(reports.REPORT_CSS), font_config=fonts, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet], font_config=fonts)


def task_render(report_id: str):
    """The worker's job (what tasks.render_report runs), returning the Report."""
    from assessments import services

    return services.report_render(report_id=report_id)


def finished_report_bytes(report) -> bytes:
    from assessments.models import Report

    report = Report.objects.get(pk=report.pk)
    if report.status != Report.Status.DONE:
        raise RuntimeError(f"report {report.pk} ended {report.status}: {report.error}")
    with report.file.open("rb") as f:
        pdf = f.read()
    if report.size != len(pdf) or report.sha256 != hashlib.sha256(pdf).hexdigest():
        raise RuntimeError(
            f"report {report.pk}: recorded size {report.size} / sha256 {report.sha256[:12]}, "
            f"file has {len(pdf)} bytes / {hashlib.sha256(pdf).hexdigest()[:12]}"
        )
    return pdf


def requeue(report) -> str:
    """Remove a done report and queue the same content again (for the second render)."""
    from assessments.models import Report

    done = Report.objects.get(pk=report.pk)
    if done.file:
        done.file.delete(save=False)
    done.delete()
    again = Report.objects.create(
        assessment_id=done.assessment_id,
        content_hash=done.content_hash,
        with_observations=done.with_observations,
        requested_by_id=done.requested_by_id,
    )
    return str(again.pk)


def print_profile(profile, top: int) -> None:
    """The top functions by cumulative and own time, and own time summed by package."""
    import pstats

    stats = pstats.Stats(profile)
    total = sum(entry[2] for entry in stats.stats.values())
    by_package: dict[str, float] = {}
    for (filename, _line, function), entry in stats.stats.items():
        if "site-packages/" in filename:
            parts = filename.split("site-packages/", 1)[1].split("/")
            package = "/".join(parts[:2]) if len(parts) > 2 else parts[0]
        elif filename.startswith(str(REPO)):
            package = filename[len(str(REPO)) + 1 :]
        elif filename == "~":
            package = f"built-in: {function[:60]}"
        else:
            package = "stdlib/" + Path(filename).name
        by_package[package] = by_package.get(package, 0.0) + entry[2]
    log(f"\nOwn time by module ({total:.2f} s profiled):")
    for package, seconds in sorted(by_package.items(), key=lambda kv: -kv[1])[:top]:
        log(f"  {seconds:7.3f} s  {100 * seconds / total:5.1f} %  {package}")
    for key in ("cumulative", "tottime"):
        log(f"\nTop {top} functions by {key} time:")
        stats.sort_stats(key).print_stats(top)
    sys.stdout.flush()


def child_main(args) -> int:
    """One fresh process: import WeasyPrint (timed), set up Django, render twice."""
    result: dict = {"mode": args.child, "rss_start_mb": rss_now_mb()}
    started = time.perf_counter()
    import weasyprint  # noqa: F401
    import weasyprint.document  # noqa: F401
    import weasyprint.text.fonts  # noqa: F401

    result["weasyprint_import_s"] = time.perf_counter() - started
    result["rss_after_weasyprint_mb"] = rss_now_mb()

    started = time.perf_counter()
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from assessments import reports, services  # noqa: F401 (services: imported like a worker)

    result["django_setup_s"] = time.perf_counter() - started
    html = Path(args.html_file).read_text() if args.child == "bare" else ""
    result["rss_before_render_mb"] = rss_now_mb()
    result["speed_reference_s"] = speed_reference()

    phases = Phases()
    instrument(phases, reports)
    report_id, report = args.report_id, None
    renders = []
    for i in range(2 if args.child_warm else 1):
        if args.child == "task" and i:
            report_id = requeue(report)
        phases.reset()
        profile = None
        if args.profile and i == 0:
            import cProfile

            profile = cProfile.Profile()
            profile.enable()
        cpu_started, started = time.process_time(), time.perf_counter()
        if args.child == "task":
            report = task_render(report_id)
        else:
            pdf = bare_render(html, reports)
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        if profile is not None:
            profile.disable()
        peak = peak_rss_mb()
        if args.child == "task":
            pdf = finished_report_bytes(report)
        renders.append(
            {
                "wall_s": wall,
                "cpu_s": cpu,
                "peak_rss_mb": peak,
                "phases": dict(phases.seconds),
                "gc_s": sum(phases.gc_seconds),
                "gc_full_s": phases.gc_seconds[2],
                "gc_full_runs": phases.gc_runs[2],
                "pages": phases.pages,
                "bytes": len(pdf),
                "sha256": hashlib.sha256(pdf).hexdigest(),
            }
        )
        if args.pdf_out and i == 0:
            Path(args.pdf_out).write_bytes(pdf)
        if profile is not None:
            print_profile(profile, args.profile)
    result["renders"] = renders
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 0


def run_child(mode: str, extra: list[str], warm: bool, profile: int = 0) -> dict:
    """Run one measurement in a fresh interpreter and return what it printed."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", mode, *extra]
    if warm:
        command.append("--child-warm")
    if profile:
        command += ["--profile", str(profile)]
    machine_before = cpu_sample()
    completed = subprocess.run(
        command,
        stdout=subprocess.PIPE,
        text=True,
        timeout=CHILD_TIMEOUT_SECONDS,
        preexec_fn=_die_with_parent,  # no threads in this process, so preexec_fn is safe
        check=False,
    )
    lines = completed.stdout.splitlines()
    results = [line for line in lines if line.startswith(RESULT_PREFIX)]
    for line in lines:
        if not line.startswith(RESULT_PREFIX):
            log(f"  | {line}")
    if completed.returncode != 0 or not results:
        raise RuntimeError(f"{mode} child exited {completed.returncode} without a result")
    result = json.loads(results[-1][len(RESULT_PREFIX) :])
    result["machine_busy"] = machine_busy_fraction(machine_before, cpu_sample())
    return result


def cpu_sample() -> list[int]:
    try:
        return [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return [0] * 10


def machine_busy_fraction(before: list[int], after: list[int]) -> float:
    """Share of all CPUs busy between two /proc/stat samples (every process, not just ours)."""
    deltas = [b - a for a, b in zip(before, after, strict=True)]
    total = sum(deltas)
    idle = deltas[3] + deltas[4]  # idle, iowait
    return (total - idle) / total if total else float("nan")


# --------------------------------------------------------------------------------------
# Main


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--repeats", type=int, default=3, help="fresh processes per size and kind (median)"
    )
    parser.add_argument(
        "--no-warm",
        dest="warm",
        action="store_false",
        help="render once per process instead of twice",
    )
    parser.add_argument(
        "--profile",
        type=int,
        nargs="?",
        const=30,
        default=0,
        metavar="N",
        help="afterwards, profile one whole task per size with cProfile and print the top N "
        "(default 30) functions and modules; profiled runs are not timed",
    )
    parser.add_argument(
        "--pdf-dir", type=Path, help="keep one PDF of each size in this folder for inspection"
    )
    # Used by the benchmark to start its own child processes.
    parser.add_argument("--child", choices=("task", "bare"), help=argparse.SUPPRESS)
    parser.add_argument("--report-id", help=argparse.SUPPRESS)
    parser.add_argument("--html-file", help=argparse.SUPPRESS)
    parser.add_argument("--pdf-out", help=argparse.SUPPRESS)
    parser.add_argument("--child-warm", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.child:
        return child_main(args)
    if args.repeats < 1:
        raise SystemExit("--repeats must be at least 1")

    def on_sigterm(signum, frame):
        log(f"signal {signum}: stopping")
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_sigterm)

    database_url = bench_database_url()
    var_dir = Path(tempfile.mkdtemp(prefix="ctf-bench-report-"))
    env = {
        "DATABASE_URL": database_url,
        "CTF_ENV": "embedded",
        "DEBUG": "false",
        "CTF_VAR_DIR": str(var_dir),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "ctframework.settings",
        "PYTHONUNBUFFERED": "1",
    }
    os.environ.update(env)
    for name in ("CELERY_BROKER_URL", "REDIS_URL", "MEDIA_ROOT"):  # embedded, files in var_dir
        os.environ.pop(name, None)
    try:
        return run(args, database_url, var_dir)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


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

    from assessments import reports
    from assessments.models import Assessment

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    log(f"migrated in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    data = build_data()
    log(f"data built in {time.perf_counter() - started:.1f} s")

    facts: dict[int, dict] = {}
    for size in SIZES:
        assessment = Assessment.objects.get(pk=data[size]["assessment"])
        content = reports.report_content(assessment, with_observations=True)
        html = reports.report_html(content)
        html_file = var_dir / f"report-{size}.html"
        html_file.write_text(html)
        facts[size] = {
            "hash": reports.content_hash(content),
            "html_file": str(html_file),
            "html_kib": len(html.encode()) / 1024,
            "gaps": len(content["gaps"]),
            "guidance": sum(len(g["guidance"]) for g in content["gaps"]),
            "observations": len(content["observations"]),
        }
        log(
            f"{size} principles: {facts[size]['gaps']} gaps with full text, "
            f"{facts[size]['guidance']} related-guidance lines, "
            f"{facts[size]['observations']} observations, HTML {facts[size]['html_kib']:.0f} KiB"
        )

    results: dict[tuple[int, str], list[dict]] = {(s, m): [] for s in SIZES for m in MODES}
    problems: list[str] = []
    if args.pdf_dir:
        args.pdf_dir.mkdir(parents=True, exist_ok=True)
    for repeat in range(args.repeats):
        for size in SIZES:
            # Alternate which kind goes first, so a drift in machine load hits both alike.
            for mode in MODES if repeat % 2 == 0 else MODES[::-1]:
                extra = []
                if mode == "task":
                    report_id = queue_report(
                        data[size]["assessment"], data[size]["user"], facts[size]["hash"]
                    )
                    extra += ["--report-id", report_id]
                else:
                    extra += ["--html-file", facts[size]["html_file"]]
                if args.pdf_dir and repeat == 0:
                    extra += ["--pdf-out", str(args.pdf_dir / f"report-{size}-{mode}.pdf")]
                connection.close()  # the child opens its own
                try:
                    result = run_child(mode, extra, args.warm)
                except (RuntimeError, subprocess.TimeoutExpired) as exc:
                    problems.append(f"{size} principles, {mode}, repeat {repeat + 1}: {exc}")
                    continue
                results[(size, mode)].append(result)
                first = result["renders"][0]
                log(
                    f"repeat {repeat + 1}, {size} principles, {mode}: {first['wall_s']:.2f} s "
                    f"(CPU {first['cpu_s']:.2f} s), {first['pages']} pages, "
                    f"peak {first['peak_rss_mb']:.0f} MiB"
                    + (
                        f"; second render {result['renders'][1]['wall_s']:.2f} s"
                        if len(result["renders"]) > 1
                        else ""
                    )
                    + f"; machine {100 * result['machine_busy']:.0f}% busy"
                    + f"; reference loop {1000 * result['speed_reference_s']:.0f} ms"
                )
    load_after = os.getloadavg()

    # Invariant: the same content gives the same bytes, whoever renders it and when.
    for size in SIZES:
        digests = {
            (mode, i, j): render["sha256"]
            for mode in MODES
            for i, result in enumerate(results[(size, mode)])
            for j, render in enumerate(result["renders"])
        }
        distinct = set(digests.values())
        if len(distinct) > 1:
            groups = {
                d: [f"{m} #{i + 1}.{j + 1}" for (m, i, j), v in digests.items() if v == d]
                for d in distinct
            }
            problems.append(
                f"{size} principles: {len(distinct)} different PDFs from the same content: "
                + "; ".join(f"{d[:12]}: {', '.join(g)}" for d, g in groups.items())
            )
        facts[size]["renders_compared"] = len(digests)

    if any(not results[key] for key in results):
        log("\nINVARIANTS FAILED:")
        for problem in problems:
            log(f"  - {problem}")
        return 1

    summary = summarize(results, facts)
    print_summary(summary, facts, results, args, load_before, load_after)

    if args.profile:
        for size in SIZES:
            log(f"\n=== cProfile of one whole task (first render), {size} principles")
            report_id = queue_report(
                data[size]["assessment"], data[size]["user"], facts[size]["hash"]
            )
            connection.close()
            run_child("task", ["--report-id", report_id], False, profile=args.profile)

    if problems:
        log("\nINVARIANTS FAILED:")
        for problem in problems:
            log(f"  - {problem}")
        return 1
    compared = " and ".join(f"{facts[s]['renders_compared']}" for s in SIZES)
    log(
        f"\nInvariants hold: every task ended done with its file recorded correctly; "
        f"{compared} renders of the {' and '.join(map(str, SIZES))}-principle reports "
        "(task and bare, first and second in their process) are byte-identical."
    )
    return 0


def breakdown(render: dict, mode: str) -> dict[str, float]:
    """One render's time split into parts that add up to its total.

    Measured directly: content, hash, template, layout, pdf and render_pdf (everything
    reports.render_pdf does). Derived: WeasyPrint's setup (FontConfiguration, parsing the
    HTML and the CSS) and, for the task, the rest (row locks, status updates, file write).
    """
    p = render["phases"]
    layout, pdf = p.get("layout", 0.0), p.get("pdf", 0.0)
    if mode == "bare":
        return {"setup": render["wall_s"] - layout - pdf, "layout": layout, "pdf": pdf}
    outside = p.get("content", 0.0) + p.get("hash", 0.0) + p.get("template", 0.0)
    rest = render["wall_s"] - p.get("content", 0.0) - p.get("hash", 0.0) - p.get("render_pdf", 0.0)
    return {
        "content": p.get("content", 0.0),
        "hash": p.get("hash", 0.0),
        "template": p.get("template", 0.0),
        "setup": p.get("render_pdf", 0.0) - p.get("template", 0.0) - layout - pdf,
        "layout": layout,
        "pdf": pdf,
        "rest": rest,
        "weasyprint": p.get("render_pdf", 0.0) - p.get("template", 0.0),
        "outside": outside + rest,
    }


def summarize(results, facts) -> dict:
    """Medians per size and kind of everything the children reported."""
    out: dict = {}
    for (size, mode), runs in results.items():
        first = [r["renders"][0] for r in runs]
        second = [r["renders"][1] for r in runs if len(r["renders"]) > 1]
        parts = [breakdown(r, mode) for r in first]
        phase_names = list(parts[0]) if parts else []
        out[(size, mode)] = {
            "wall": [r["wall_s"] for r in first],
            "cpu": [r["cpu_s"] for r in first],
            "warm": [r["wall_s"] for r in second],
            "peak": [r["peak_rss_mb"] for r in first],
            "peak_after_warm": [r["peak_rss_mb"] for r in second],
            "before": [r["rss_before_render_mb"] for r in runs],
            "start": [r["rss_start_mb"] for r in runs],
            "after_weasyprint": [r["rss_after_weasyprint_mb"] for r in runs],
            "import": [r["weasyprint_import_s"] for r in runs],
            "setup": [r["django_setup_s"] for r in runs],
            "pages": first[0]["pages"],
            "bytes": first[0]["bytes"],
            "speed": [r["speed_reference_s"] for r in runs],
            "gc": [r["gc_s"] for r in first],
            "gc_full": [r["gc_full_s"] for r in first],
            "gc_full_runs": [r["gc_full_runs"] for r in first],
            "parts": {name: median([x[name] for x in parts]) for name in phase_names},
            # The non-WeasyPrint share of each task, measured inside the same render, so
            # the machine's drift between processes does not blur it.
            "direct_overhead": [
                x["wall"] / x["weasyprint"]
                for x in ({"wall": r["wall_s"], **breakdown(r, mode)} for r in first)
            ]
            if mode == "task"
            else [],
        }
    return out


def print_summary(summary, facts, results, args, load_before, load_after) -> None:
    small, large = SIZES
    principle_ratio = large / small
    task = {s: summary[(s, "task")] for s in SIZES}
    bare = {s: summary[(s, "bare")] for s in SIZES}
    t = {s: median(task[s]["wall"]) for s in SIZES}
    b = {s: median(bare[s]["wall"]) for s in SIZES}
    peak = {s: median(task[s]["peak"]) for s in SIZES}
    imports = [x for s in summary.values() for x in s["import"]]
    setups = [x for s in summary.values() for x in s["setup"]]

    log("")
    log(
        f"Each figure: median (min–max) of {args.repeats} fresh processes. 'Task' is "
        "services.report_render of a queued report (first render in its process, after "
        "`import weasyprint` and django.setup()); 'bare' is HTML(string=…).write_pdf of the "
        "same HTML with the same CSS, fonts and fetcher. Peak = ru_maxrss of the process."
    )
    log(
        f"Load average before / after: {load_before[0]:.2f} / {load_after[0]:.2f} "
        f"on {os.cpu_count()} CPUs"
    )
    log(
        "CPU speed reference (a fixed Python loop, before each render): "
        f"{spread([1000 * x for s in summary.values() for x in s['speed']], '{:.0f}')} ms"
    )
    busy = [r["machine_busy"] for runs in results.values() for r in runs]
    alone = 1 / (os.cpu_count() or 1)  # one single-threaded render keeps one CPU busy
    log(
        f"Machine busy while a measurement ran: {spread([100 * b for b in busy], '{:.0f}')} % "
        f"(one render alone: about {100 * alone:.0f} %)"
    )
    if max(busy) > alone + 0.15:
        log(
            "WARNING: other work ran during some measurements (see 'machine … busy' above); "
            "those timings are pessimistic"
        )
    log(
        f"`import weasyprint` in a fresh process: {spread(imports)} s; django.setup() and the "
        f"app's imports after it: {spread(setups)} s"
    )
    every = list(summary.values())
    log(
        "RSS of a fresh process: {:.0f} MiB at start, {:.0f} after importing WeasyPrint, {:.0f} "
        "after django.setup() (medians)".format(
            median([x for s in every for x in s["start"]]),
            median([x for s in every for x in s["after_weasyprint"]]),
            median([x for s in every for x in s["before"]]),
        )
    )

    rows: list[tuple[str, str, str, bool | None]] = []
    for s in SIZES:
        rows += [
            (
                f"{s} principles: PDF",
                f"{task[s]['pages']} pages, {task[s]['bytes'] / 1024:.0f} KiB "
                f"(HTML {facts[s]['html_kib']:.0f} KiB)",
                "",
                None,
            ),
            (
                f"{s} principles: whole task",
                f"{spread(task[s]['wall'])} s (CPU {median(task[s]['cpu']):.2f} s)",
                f"< {TARGET_SECONDS_42:.0f} s" if s == small else "",
                t[s] < TARGET_SECONDS_42 if s == small else None,
            ),
            (
                f"{s} principles: bare WeasyPrint",
                f"{spread(bare[s]['wall'])} s (CPU {median(bare[s]['cpu']):.2f} s)",
                "",
                None,
            ),
            (
                f"{s} principles: task / bare",
                f"{t[s] / b[s]:.2f}×",
                f"≤ {TARGET_OVERHEAD}×",
                t[s] / b[s] <= TARGET_OVERHEAD,
            ),
            (
                f"{s} principles: task / its own WeasyPrint part",
                f"{median(task[s]['direct_overhead']):.3f}× (same render: data, hash, template "
                f"and file write take {task[s]['parts']['outside']:.2f} s)",
                "",
                None,
            ),
            (
                f"{s} principles: peak RSS, task",
                f"{spread(task[s]['peak'], '{:.0f}')} MiB "
                f"(+{median(task[s]['peak']) - median(task[s]['before']):.0f} over the "
                f"{median(task[s]['before']):.0f} before rendering)",
                f"< {TARGET_PEAK_MB_42:.0f} MB" if s == small else "",
                peak[s] < TARGET_PEAK_MB_42 if s == small else None,
            ),
            (
                f"{s} principles: peak RSS, bare",
                f"{spread(bare[s]['peak'], '{:.0f}')} MiB "
                f"(+{median(bare[s]['peak']) - median(bare[s]['before']):.0f} over the "
                f"{median(bare[s]['before']):.0f} before rendering)",
                "",
                None,
            ),
        ]
        if task[s]["warm"]:
            tw, bw = median(task[s]["warm"]), median(bare[s]["warm"])
            rows.append(
                (
                    f"{s} principles: second render, task / bare",
                    f"{tw:.2f} / {bw:.2f} s = {tw / bw:.2f}×; peak after it "
                    f"{median(task[s]['peak_after_warm']):.0f} / "
                    f"{median(bare[s]['peak_after_warm']):.0f} MiB",
                    "",
                    None,
                )
            )
    growth_task, growth_bare = t[large] / t[small], b[large] / b[small]
    growth_pages = task[large]["pages"] / task[small]["pages"]
    increment = {s: median(task[s]["peak"]) - median(task[s]["before"]) for s in SIZES}
    rows += [
        (
            f"Growth {large}/{small}: whole task time",
            f"{growth_task:.2f}× (principles {principle_ratio:.2f}×, pages {growth_pages:.2f}×)",
            f"≤ {principle_ratio:.2f}×",
            growth_task <= principle_ratio,
        ),
        (f"Growth {large}/{small}: bare WeasyPrint time", f"{growth_bare:.2f}×", "", None),
        (
            f"Growth {large}/{small}: peak RSS (render's own part)",
            f"{peak[large] / peak[small]:.2f}× ({increment[large] / increment[small]:.2f}×)",
            "",
            None,
        ),
    ]
    slope = (t[large] - t[small]) / (large - small)
    rows.append(
        (
            "Whole task, straight line through both sizes",
            f"{t[small] - small * slope:.2f} s + {1000 * slope:.1f} ms per principle",
            "",
            None,
        )
    )

    width = max(len(r[0]) for r in rows)
    log("")
    log(f"{'Measure':<{width}}  {'Measured':<64}  {'Target':<8}  Met")
    log(f"{'-' * width}  {'-' * 64}  {'-' * 8}  ---")
    for name, measured, target, met in rows:
        verdict = "" if met is None else ("yes" if met else "NO")
        log(f"{name:<{width}}  {measured:<64}  {target:<8}  {verdict}".rstrip())

    log("\nWhere the first render's time goes (median seconds of each part):")
    header = "  ".join(f"{s:>8}" for s in SIZES)
    log(f"  {'':<46}{header}")
    labels = [
        ("task", "content", "task: gather content (report_content)"),
        ("task", "hash", "task: content hash"),
        ("task", "template", "task: template (report_html)"),
        ("task", "setup", "task: WeasyPrint fonts, parse HTML and CSS"),
        ("task", "layout", "task: WeasyPrint layout (HTML.render)"),
        ("task", "pdf", "task: WeasyPrint PDF (Document.write_pdf)"),
        ("task", "rest", "task: the rest (row locks, status, file write)"),
        ("task", None, "task: total"),
        ("bare", "setup", "bare: fonts, parse HTML and CSS"),
        ("bare", "layout", "bare: layout (HTML.render)"),
        ("bare", "pdf", "bare: PDF (Document.write_pdf)"),
        ("bare", None, "bare: total"),
    ]
    lines = [
        (
            label,
            (lambda s, m=mode, n=name: summary[(s, m)]["parts"][n])
            if name
            else (lambda s, m=mode: median(summary[(s, m)]["wall"])),
        )
        for mode, name, label in labels
    ]
    for label, value in lines:
        log(f"  {label:<46}" + "  ".join(f"{value(s):>8.3f}" for s in SIZES))
    log("Of which in Python's garbage collector (all generations; full collections):")
    for mode in MODES:
        log(
            f"  {mode + ':':<46}"
            + "  ".join(
                f"{median(summary[(s, mode)]['gc']):>8.3f}"
                f" ({median(summary[(s, mode)]['gc_full']):.3f} s in "
                f"{median(summary[(s, mode)]['gc_full_runs']):.0f})"
                for s in SIZES
            )
        )


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: the pages of an assessment whose strategy is a document at the limits.

A text document of MAX_PASSAGES_PER_DOCUMENT (50,000) paragraphs and headings, just under
the 25 MB upload limit, made from the fictional evaluation strategy's paragraphs repeated
with numbered variations. What it measures (reported, not asserted):

1. Upload to ready, in-process as the worker runs it (checks, extraction, index terms,
   storing the passages), and the process's peak memory.
2. Server time (median of 5, django.test.Client in-process, DEBUG off), query count and
   HTML size of the assessment reader (first page, and the page of a passage near the end),
   the strategy reader, a reader search, the coverage map and the checklist with its
   suggestions (cold: the ranking index is built; then warm). Target: every page < 1 s.

What it checks (non-zero exit when one fails): the document is ready with exactly the
cap's number of passages, and one more paragraph is refused with a message.

It uses its own PostgreSQL database ctf_bench_large (see bench/_common.py).
Run it with `make bench`, or `.venv/bin/python bench/large_document.py`.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time

from _common import REPO, machine, setup_django

SOURCE = REPO / "tests" / "strategies" / "evaluation" / "fictional_strategy.txt"
TARGET_PAGE_S = 1.0


def maximal_text(passages: int) -> str:
    """`passages` paragraphs and headings, each a variation of the evaluation strategy's."""
    source = SOURCE.read_text(encoding="utf-8").strip().split("\n\n")
    out = []
    while len(out) < passages:
        edition = len(out) // len(source) + 1
        for text in source:
            if len(out) == passages:
                break
            heading = len(text.split()) < 16 and not text.endswith(".")
            out.append(f"{text} {edition}" if heading else f"{text} (Edition {edition}.)")
    return "\n\n".join(out) + "\n"


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    setup_django("ctf_bench_large")
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from assessments import suggestions
    from assessments.services import assessment_create
    from ctframework import roles
    from principles.models import Framework
    from strategies import services
    from tests.factories import JurisdictionFactory, StrategyFactory, UserFactory, grant

    call_command("loaddata", "valletta-principles-2025", "valletta-2025-crosswalk", verbosity=0)
    call_command("loaddata", "score-scales", verbosity=0)
    cap = settings.MAX_PASSAGES_PER_DOCUMENT
    print(f"machine: {machine()} · cap {cap:,} passages, {settings.READER_PAGE_SIZE} a page")

    malta = JurisdictionFactory(code="MLT", name="Malta")
    user = grant(UserFactory(username="bench-assessor"), roles.ASSESSOR, malta)
    strategy = StrategyFactory(jurisdiction=malta)
    framework = Framework.objects.get(slug="valletta-principles", version="2025")
    assessment = assessment_create(strategy=strategy, framework=framework, created_by=user)

    failures = []
    text = maximal_text(cap).encode()
    print(f"document: {len(text) / 1e6:.1f} MB of text, {cap:,} paragraphs and headings")
    started = time.perf_counter()
    document, _ = services.document_upload(
        strategy=strategy, user=user, file=SimpleUploadedFile("maximal.txt", text)
    )
    print(
        f"upload to ready: {time.perf_counter() - started:.1f} s · "
        f"{document.status}, {document.passages.count():,} passages · peak {peak_mib():.0f} MiB"
    )
    if document.status != "ready" or document.passages.count() != cap:
        failures.append(f"the maximal document is {document.status}: {document.error}")

    over = services.document_upload(
        strategy=StrategyFactory(jurisdiction=malta),
        user=user,
        file=SimpleUploadedFile("over.txt", maximal_text(cap + 1).encode()),
    )[0]
    if over.status != "failed" or "at most" not in over.error:
        failures.append(f"one passage over the cap was not refused: {over.status}")

    client = Client()
    client.force_login(user)
    last = document.passages.order_by("-position").values_list("pk", flat=True)[5]
    pages = {
        "assessment reader, page 1": reverse("assessments:reader", args=[assessment.pk]),
        "assessment reader, page of a late passage": reverse(
            "assessments:reader", args=[assessment.pk]
        )
        + f"?passage={last}",
        "assessment reader, search 'victims'": reverse("assessments:reader", args=[assessment.pk])
        + "?q=victims",
        "strategy reader, page 1": reverse("strategies:reader", args=[strategy.pk]),
        "coverage map": reverse("assessments:coverage", args=[assessment.pk]),
        "checklist (42 principles, suggestions)": reverse(
            "assessments:checklist", args=[assessment.pk]
        ),
    }
    suggestions._indexes.clear()
    worst = 0.0
    for name, path in pages.items():
        runs, queries = [], 0
        for _ in range(5):
            with CaptureQueriesContext(connection) as captured:
                one = time.perf_counter()
                response = client.get(path)
                runs.append(time.perf_counter() - one)
            queries = len(captured)
            if response.status_code != 200:
                failures.append(f"{name}: status {response.status_code}")
        median = statistics.median(runs)
        worst = max(worst, median)
        print(
            f"{name}: median {median * 1000:.0f} ms (first {runs[0] * 1000:.0f} ms) · "
            f"{queries} queries · {len(response.content) / 1e3:.0f} kB of HTML"
        )
    print(f"peak memory of the process: {peak_mib():.0f} MiB")
    for failure in failures:
        print(f"FAILED: {failure}")
    verdict = "met" if worst < TARGET_PAGE_S else "MISSED"
    print(f"target (every page < {TARGET_PAGE_S:.0f} s): {verdict}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

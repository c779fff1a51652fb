"""Benchmark: what the six languages cost. The 42 Valletta Principles, every item scored with
justification, evidence and recommendation, on the fixtures as `make run` loads them.

What it measures (reported, not asserted):

1. The PDF gap report in each language: WeasyPrint's render (`reports.render_pdf`, warm:
   the process rendered one report before), median of 3, the file's size and pages. Arabic
   and Chinese embed other fonts (Noto Naskh Arabic, Noto Sans CJK SC), and Arabic is laid
   out right to left with shaping.
2. The checklist page for a user in each language: server time (median and p95 of 20,
   django.test.Client in-process, DEBUG off), query count and HTML size.

What it checks (non-zero exit when one fails): every language renders a PDF, the same
content in the same language gives the same bytes, and the checklist runs the same number
of queries in every language (translations never cost a query per item).

It uses its own PostgreSQL database ctf_bench_languages (see bench/_common.py).
Run it with `make bench`, or `.venv/bin/python bench/languages.py`.
"""

from __future__ import annotations

import io
import statistics
import sys
import time

from _common import machine, percentile, setup_django

LANGUAGES = ("en", "ar", "zh-hans", "fr", "ru", "es")
RUNS = 20


def main() -> int:
    setup_django("ctf_bench_languages")
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from pypdf import PdfReader

    from assessments import reports
    from assessments.models import ScoreScale
    from assessments.services import ScoreInput, assessment_create, score_save
    from ctframework import roles
    from principles.models import Framework
    from strategies.models import Jurisdiction
    from tests.factories import StrategyFactory, UserFactory, grant

    call_command(
        "loaddata", "jurisdictions", "score-scales", "valletta-2025-crosswalk", verbosity=0
    )
    malta = Jurisdiction.objects.get(code="MLT")
    assessor = grant(UserFactory(username="bench-assessor"), roles.ASSESSOR, malta)
    assessment = assessment_create(
        strategy=StrategyFactory(jurisdiction=malta, title="National strategy 2026"),
        framework=Framework.objects.get(slug="valletta-principles"),
        scale=ScoreScale.objects.get(is_default=True),
        assessors=[assessor],
        created_by=assessor,
    )
    levels = list(assessment.scale.levels.order_by("order"))
    for n, score in enumerate(assessment.scores.order_by("principle__order")):
        score_save(
            score=score,
            user=assessor,
            expected_version=0,
            data=ScoreInput(
                levels[n % len(levels)],
                f"Chapter {n % 7 + 1} sets out measures, responsible entities and a budget.",
                "The ministry will coordinate the national response with all agencies.",
                f"p. {n + 3}, ¶ {n % 9 + 1}",
                "Name the body that monitors the measures and publish its findings yearly.",
            ),
        )

    print(f"Languages benchmark · {machine()} · {time.strftime('%Y-%m-%d')}")
    failures = []
    print("\nPDF gap report, 42 principles (WeasyPrint, warm; median of 3)")
    print(f"{'language':10} {'seconds':>8} {'KiB':>6} {'pages':>6}")
    reports.render_pdf(reports.report_content(assessment, with_observations=False))  # warm-up
    for language in LANGUAGES:
        content = reports.report_content(
            assessment, with_observations=False, options=reports.ReportOptions(language=language)
        )
        timings, outputs = [], set()
        for _ in range(3):
            started = time.perf_counter()
            pdf = reports.render_pdf(content)
            timings.append(time.perf_counter() - started)
            outputs.add(pdf)
        if len(outputs) != 1:
            failures.append(f"{language}: the same content gave different PDF bytes")
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(f"{language:10} {statistics.median(timings):8.2f} {len(pdf) / 1024:6.0f} {pages:6}")

    print(f"\nChecklist page, 42 principles, server time over {RUNS} requests")
    print(f"{'language':10} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'KiB':>6}")
    client = Client()
    client.force_login(assessor)
    url = reverse("assessments:checklist", args=[assessment.pk])
    query_counts = set()
    for language in LANGUAGES:
        assessor.language = language
        assessor.save(update_fields=["language"])
        client.get(url)  # warm-up: templates and catalogues loaded
        timings = []
        for _ in range(RUNS):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            failures.append(f"{language}: the checklist answered {response.status_code}")
        query_counts.add(len(queries))
        print(
            f"{language:10} {statistics.median(timings):10.0f} {percentile(timings, 0.95):8.0f}"
            f" {len(queries):8} {len(response.content) / 1024:6.0f}"
        )
    if len(query_counts) != 1:
        failures.append(f"the checklist's query count depends on the language: {query_counts}")
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: a 20-page scanned strategy from upload to suggestions, against bare OCRmyPDF
on the same file in the same run; and the suggestions on scanned copies of the evaluation
strategies against the same texts with a text layer.

What it measures (the figures are reported, not asserted):

1. A 20-page A4 strategy (bench/documents.py's PDF) scanned: each page rasterised at 200 dpi
   in grey and wrapped in a PDF without text.
2. The floor: `ocrmypdf --jobs 2 scan.pdf out.pdf`, its defaults, on that file.
3. Upload to ready in-process, as the worker runs it (eager): the content checks, the
   script detection, OCR in batches of 8 pages with the progress saved, paragraphs, language
   detection, index terms — then the first suggestions for the 42 Valletta Principles. The
   ratio to the floor is reported against the 1.5 target. Run once with nothing known of
   the language (script detection picks it), once with the strategy's language set.
4. `--evaluation`: each evaluation set named (default: the English development and held-out
   sets) printed on A4, scanned and read by OCR in its language, then
   `evaluate_suggestions` on the OCR'd paragraphs (labels follow their paragraph by
   similarity) beside the same on the text: recall@5 and MRR, target within 0.05.

It uses its own PostgreSQL database ctf_bench_ocr, created afresh on each run. Run it with
`.venv/bin/python bench/ocr.py` (`--help`).
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, machine, setup_django

PAGES = 20
TARGET_RATIO = 1.5
TARGET_EVALUATION_GAP = 0.05
LANGUAGE_OF_SET = {"ar": "ar", "es": "es", "fr": "fr", "ru": "ru", "zh": "zh-hans"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=PAGES)
    parser.add_argument(
        "--evaluation",
        nargs="*",
        metavar="SET",
        help="evaluation sets to scan (folders under tests/strategies/evaluation, e.g. "
        "'.', heldout, fr/heldout); without a value: the English ones",
    )
    parser.add_argument("--skip-upload", action="store_true", help="only the evaluation")
    options = parser.parse_args()

    setup_django("ctf_bench_ocr")
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from assessments import suggestions
    from assessments.management.commands.evaluate_suggestions import EVALUATION, evaluate
    from assessments.services import assessment_create
    from ctframework import roles
    from principles.models import Framework
    from strategies import services
    from tests.factories import JurisdictionFactory, StrategyFactory, UserFactory, grant
    from tests.strategies import documents

    for noisy in ("fontTools", "weasyprint", "celery"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    call_command("loaddata", "valletta-principles-2025", "valletta-2025-crosswalk", verbosity=0)
    call_command("loaddata", "score-scales", verbosity=0)
    print(f"machine: {machine()}")
    failures = []

    if not options.skip_upload:
        from documents import make_pdf

        started = time.perf_counter()
        scan = documents.scanned_copy(make_pdf(options.pages, "en"))
        print(
            f"scan: {options.pages} pages at 200 dpi, {len(scan) / 1e6:.1f} MB, made in "
            f"{time.perf_counter() - started:.1f} s"
        )
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "scan.pdf"
            source.write_bytes(scan)
            started = time.perf_counter()
            subprocess.run(
                ["ocrmypdf", "--jobs", "2", "--quiet", str(source), f"{folder}/out.pdf"],
                check=True,
            )
            floor = time.perf_counter() - started
        per_page = floor / options.pages
        print(f"floor: bare ocrmypdf --jobs 2: {floor:.1f} s ({per_page:.2f} s a page)")

        malta = JurisdictionFactory(code="MLT", name="Malta", languages=["en"])
        user = grant(UserFactory(username="bench-assessor"), roles.ASSESSOR, malta)
        framework = Framework.objects.get(slug="valletta-principles", version="2025")
        for label, language in (("language detected", ""), ("language set", "en")):
            strategy = StrategyFactory(jurisdiction=malta, language=language)
            assessment = assessment_create(strategy=strategy, framework=framework, created_by=user)
            suggestions._indexes.clear()
            t0 = time.perf_counter()
            document, _ = services.document_upload(
                strategy=strategy, user=user, file=SimpleUploadedFile("scan.pdf", scan)
            )
            t1 = time.perf_counter()
            scores = list(
                assessment.scores.select_related("principle").prefetch_related("principle__tags")
            )
            first = suggestions.score_suggestions(assessment, scores)
            t2 = time.perf_counter()
            document.refresh_from_db()
            total = t2 - t0
            print(
                f"{label}: upload to ready {t1 - t0:.1f} s · first suggestions "
                f"{t2 - t1:.2f} s · total {total:.1f} s = {total / floor:.2f}× the floor "
                f"(target {TARGET_RATIO}×) · {document.passages.count()} passages, "
                f"{document.ocr_pages_done} pages read by OCR, status {document.status}"
            )
            if document.status != "ready" or not all(first.get(s.pk) for s in scores):
                failures.append(f"{label}: document {document.status} {document.error}")

    sets = options.evaluation
    if sets is not None:
        for name in sets or [".", "heldout"]:
            folder = (EVALUATION / name).resolve()
            language = LANGUAGE_OF_SET.get(name.split("/")[0], "en")
            text = evaluate(folder)
            started = time.perf_counter()
            scanned = evaluate(
                folder, read=lambda data, lang=language: documents.read_scanned_text(data, lang)
            )
            took = time.perf_counter() - started
            gap = max(abs(scanned["recall"] - text["recall"]), abs(scanned["mrr"] - text["mrr"]))
            print(
                f"{folder.relative_to(REPO)} ({language}): text recall@5 {text['recall']:.3f} "
                f"MRR {text['mrr']:.3f} · scanned recall@5 {scanned['recall']:.3f} MRR "
                f"{scanned['mrr']:.3f} ({scanned['paragraphs']} paragraphs read of "
                f"{text['paragraphs']}, {took:.0f} s) · gap {gap:.3f} "
                f"(target ≤ {TARGET_EVALUATION_GAP})"
            )
            if gap > TARGET_EVALUATION_GAP:
                failures.append(f"{name}: the scanned copy is {gap:.3f} from the text")
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

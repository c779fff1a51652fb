"""Benchmark: NIST SP 800-53 rev 4 (922 controls with enhancements, OSCAL 1.1.1) imported
as a framework, and exported back as an OSCAL 1.2 catalog.

What it measures (reported, not asserted): the import through the same path as
`import_framework` (parse within the limits, convert, check, write), the export (read the
set, convert, serialise JSON), each timed, and the process's peak resident size after each
(the whole process: Python, Django and the data). Targets: under 10 s and 500 MiB each.
It checks that 922 items were written and that the export holds 922 controls.

It uses its own PostgreSQL database ctf_bench_oscal, created afresh on each run.
Run it with `.venv/bin/python bench/oscal.py`.
"""

from __future__ import annotations

import json
import resource
import sys
import time

from _common import REPO, machine, setup_django

CATALOG = REPO / "tests" / "data" / "oscal" / "NIST_SP-800-53_rev4_catalog-min.json"
TARGET_S, TARGET_MIB = 10.0, 500


def measured(label: str, work):
    started = time.perf_counter()
    result = work()
    took = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    verdict = "met" if took < TARGET_S and rss < TARGET_MIB else "MISSED"
    print(
        f"{label}: {took:.2f} s · process peak RSS so far {rss:.0f} MiB "
        f"(targets {TARGET_S:.0f} s, {TARGET_MIB} MiB: {verdict})"
    )
    return result


def main() -> int:
    setup_django("ctf_bench_oscal")
    from principles.exporting import framework_export
    from principles.models import Framework
    from principles.services import library_file_import

    print(f"machine: {machine()}")
    content = CATALOG.read_bytes()
    print(f"file: {CATALOG.name}, {len(content) / 1e6:.1f} MB")
    measured("import", lambda: library_file_import(content=content))
    framework = Framework.objects.get(kind="control-catalogue")
    text = measured("export", lambda: framework_export(framework, fmt="oscal"))
    document = json.loads(text)

    def controls(entries):
        return sum(1 + controls(c.get("controls", [])) for c in entries)

    def groups(entries):
        return sum(controls(g.get("controls", [])) + groups(g.get("groups", [])) for g in entries)

    exported = groups(document["catalog"]["groups"])
    items = framework.principles.count()
    print(f"items written: {items} · controls exported: {exported} · {len(text) / 1e6:.1f} MB")
    failures = [f"{items} items, {exported} controls"] if items != 922 or exported != 922 else []
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""Run every benchmark in turn (`make bench`); exit non-zero if any of them failed.

Each benchmark is a script in this folder (with its arguments) that prints its own figures
and exits non-zero when one of its invariants fails. Add new ones to SCRIPTS.
"""

import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent

SCRIPTS = [
    ["checklist.py"],
    ["report.py"],
    ["documents.py"],
    ["documents.py", "--language", "fr"],
    ["documents.py", "--language", "ar"],
    ["languages.py"],
    ["large_document.py"],
    ["ocr.py", "--evaluation"],
    ["oscal.py"],
]


def main() -> int:
    failed = []
    for script, *arguments in SCRIPTS:
        name = " ".join([script, *arguments])
        print(f"=== {name}", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, str(BENCH / script), *arguments, *sys.argv[1:]])
        print(f"=== {name}: exit {code} after {time.perf_counter() - started:.0f} s\n", flush=True)
        if code != 0:
            failed.append(name)
    if failed:
        print(f"FAILED: {', '.join(failed)}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

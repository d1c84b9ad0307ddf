"""Benchmark: one tab press, ``vendortui __complete slugs PREFIX``, on 10,000 vendors.

What a shell runs on every tab press after ``vendortui show g``: a fresh process of the
installed ``vendortui`` script reading slugs from a synthetic knowledge base
(``app/synthetic.py``). Figures are medians of ``--runs`` runs, wall time (what the user
waits) and CPU time (user + system of the child, steadier on a shared machine), against a
bare ``python -c pass`` measured in the same run: the floor any Python command pays.

Target (issue 14): under 150 ms on 10,000 vendors. Exits non-zero when the CPU time misses
it; wall time is printed beside it, since on a busy machine it includes waiting for a core.

    .venv/bin/python bench/completion.py [--vendors 10000] [--runs 15]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from vendortui.app.synthetic import generate

TARGET_S = 0.150


def measure(argv: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and lines printed of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, len(out.stdout.splitlines())


def medians(argv: list[str], runs: int) -> tuple[float, float, int]:
    figures = [measure(argv) for _ in range(runs)]
    return (
        statistics.median(f[0] for f in figures),
        statistics.median(f[1] for f in figures),
        figures[0][2],
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendors", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15)
    options = parser.parse_args()
    db = Path(tempfile.mkdtemp(prefix="vendortui-bench-completion-")) / "kb.db"
    generate(db, options.vendors)
    script = Path(sys.executable).parent / "vendortui"
    floor_wall, floor_cpu, _ = medians([sys.executable, "-c", "pass"], options.runs)
    print(f"{options.vendors} vendors; median of {options.runs} runs")
    print(f"  python -c pass (floor)           {floor_wall * 1000:5.0f} ms wall "
          f"{floor_cpu * 1000:5.0f} ms CPU")  # fmt: skip
    missed = False
    for prefix in ("vendor-99", ""):
        wall, cpu, lines = medians(
            [str(script), "__complete", "slugs", "--db", str(db), prefix], options.runs
        )
        missed |= cpu >= TARGET_S
        print(
            f"  __complete slugs {prefix or '(empty)':<15} {wall * 1000:5.0f} ms wall "
            f"{cpu * 1000:5.0f} ms CPU  {cpu / floor_cpu:4.1f}x floor CPU  ({lines} slugs; "
            f"target < {TARGET_S * 1000:.0f} ms)"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

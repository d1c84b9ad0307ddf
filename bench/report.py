"""Benchmark: ``vendortui report`` of 10,000 vendors, against ``vendortui vendors`` on them.

A synthetic knowledge base (``app/synthetic.py``: each vendor with a lead, most with a backup,
a data category, an event and a runbook) is reported in both formats by a fresh
``python -m vendortui`` process, as a user runs it, written to a file. The figure is the
median wall time of ``--runs`` runs; the baseline is ``vendortui vendors`` (every vendor
listed with its lead) over the same file in the same run, so the ratio says what the report
costs on top of reading the vendor list on this machine, whatever else it runs.

Target (issue 12): the report of 10,000 vendors in under 3 s. Exits non-zero when missed.

    .venv/bin/python bench/report.py [--vendors 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from vendortui.app.synthetic import generate

TARGET_S = 3.0


def wall_of(argv: list[str], env: dict[str, str]) -> float:
    """Seconds one ``python -m vendortui ARGV`` process takes, output discarded."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "vendortui", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    took = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"bench: vendortui {' '.join(argv)} failed: {result.stderr.strip()}")
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendors", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="vendortui-bench-report-"))
    env = {**os.environ, "XDG_STATE_HOME": str(folder / "state")}
    env.pop("VENDORTUI_DB", None)
    db = folder / "kb.db"
    generate(db, options.vendors)

    def median(argv: list[str]) -> float:
        return statistics.median(
            wall_of([*argv, "--db", str(db)], env) for _ in range(options.runs)
        )

    baseline = median(["vendors"])
    print(f"{options.vendors} vendors; median of {options.runs} runs, wall time")
    print(f"  vendortui vendors (baseline)   {baseline:6.2f} s")
    missed = False
    for fmt in ("markdown", "html"):
        out = folder / f"report.{fmt}"
        took = median(["report", "--format", fmt, "--output", str(out)])
        size = out.stat().st_size / 1e6
        missed |= took >= TARGET_S
        print(
            f"  vendortui report --format {fmt:<8} {took:6.2f} s  {took / baseline:4.1f}x baseline"
            f"  ({size:.1f} MB; target < {TARGET_S:.0f} s)"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

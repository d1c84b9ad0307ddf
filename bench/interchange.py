"""Benchmark: import and export of 10,000 vendors, as a user runs them.

Each figure is the median CPU time (user + system) of a fresh ``python -m vendortui``
process over ``--runs`` runs, printed in seconds against the issue's target and as a ratio
against ``vendortui --version`` measured in the same run (the machine is shared: CPU time and
the ratio do not depend on what else runs).

Targets (issue 12): import of a 10,000-row CSV under 3 s, dry run and real (into an empty
knowledge base; the real import also re-run on the result, when every row matches and nothing
changes); export of 10,000 vendors under 1 s in each format. The knowledge base comes from
``app/synthetic.py``. Exits non-zero when a figure misses its target.

    .venv/bin/python bench/interchange.py [--runs 5] [--vendors 10000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from commands import cpu_of

from vendortui.app.db import Database
from vendortui.app.synthetic import generate


def median(argv: list[str], runs: int, env: dict[str, str], before: Callable[[], None]) -> float:
    """Median CPU seconds of ``runs`` runs of ``argv``; ``before()`` (untimed) prepares each."""
    figures = []
    for _ in range(runs):
        before()
        figures.append(cpu_of(argv, env))
    return statistics.median(figures)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--vendors", type=int, default=10_000)
    args = parser.parse_args()
    env = {**os.environ, "VENDORTUI_USER": "bench@example.com"}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source, target = folder / "source.db", folder / "target.db"
        generate(source, args.vendors)
        csv_file = folder / "vendors.csv"
        cpu_of(["export", "--db", str(source), "--output", str(csv_file)], env)
        empty = folder / "empty.db"
        Database.open(empty).close()

        def fresh() -> None:
            shutil.copyfile(empty, target)

        def nothing() -> None:
            """Nothing to prepare."""

        baseline = median(["--version"], args.runs, env, nothing)
        rows: list[tuple[str, float, float]] = []
        for fmt in ("csv", "json", "backstage"):
            out = folder / f"out.{fmt}"
            argv = ["export", "--db", str(source), "--format", fmt, "--output", str(out)]
            rows.append(
                (
                    f"export {fmt} ({args.vendors} vendors)",
                    median(argv, args.runs, env, nothing),
                    1.0,
                )
            )
        dry = ["import", "--db", str(target), str(csv_file), "--dry-run"]
        real = ["import", "--db", str(target), str(csv_file)]
        rows.append(("import csv --dry-run (empty KB)", median(dry, args.runs, env, fresh), 3.0))
        rows.append(("import csv (empty KB)", median(real, args.runs, env, fresh), 3.0))
        rows.append(("import csv again (all match)", median(real, args.runs, env, nothing), 3.0))
    print(f"vendortui --version: {baseline * 1000:.0f} ms CPU (median of {args.runs})")
    missed = 0
    for name, seconds, target_s in rows:
        ok = seconds < target_s
        missed += not ok
        print(
            f"{name:<38} {seconds:6.2f} s CPU  target < {target_s:.0f} s  "
            f"{seconds / baseline:5.1f}x --version  {'ok' if ok else 'MISSED'}"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: every headless command's CPU time against ``vendortui --version``, same run.

Each command runs in a fresh interpreter (as a user runs it) on a copy of the demo knowledge
base (15 vendors, their probes and checklists); the figure is the median CPU time (user +
system, of the child process) of ``--runs`` runs, divided by the median of ``--version``,
measured in the same run on the same machine. CPU time rather than wall time: the machine is
shared and the ratio should not depend on what else runs.

Target (issue 11): every command within 3x ``--version``, reads and writes alike. Writes on a
file go through stdlib ``sqlite3`` (``app.sql_writes``): importing SQLAlchemy alone costs more
than twice ``--version``, so no ORM write could meet the target. Beside them the bench prints,
for information, the floor of an ORM write (what a team server's write or the TUI pays): a
process that loads the command line, SQLModel and every table, and writes nothing. Commands
that need the network or git (``probe run``, ``sync``, ``init``, ``clone``) are left out.
Exits non-zero when a command misses its target.

    .venv/bin/python bench/commands.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

TARGET = 3.0


ORM_FLOOR = (
    "from vendortui.app.cli import load_commands; load_commands(); "
    "import vendortui.app.cli.parser; from vendortui import models; models.load_all()"
)
"""What every ORM write loads before doing anything: the command line, SQLModel, the tables
(a team server's write; a file's skips it)."""


def cpu_of(argv: list[str], env: dict[str, str], *, code: str | None = None) -> float:
    """CPU seconds (user + system) of one ``python -m vendortui ARGV`` process (or of
    ``python -c CODE``)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(
        [sys.executable, "-c", code] if code else [sys.executable, "-m", "vendortui", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"bench: vendortui {' '.join(argv)} failed: {result.stderr.strip()}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median_cpu(
    argv: Callable[[int], list[str]], runs: int, env: dict[str, str], before: Callable[[], None]
) -> float:
    """Median over ``runs``; ``before()`` prepares each run (untimed), ``argv(i)`` names it."""
    figures = []
    for index in range(runs):
        before()
        figures.append(cpu_of(argv(index), env))
    return statistics.median(figures)


def write_full_config(path: Path) -> None:
    """Every setting given (the commented first file, uncommented): every command reads the
    config when one exists, so the figures include parsing a full one."""
    import re

    from vendortui.app.config.template import commented_config

    path.parent.mkdir(parents=True)
    lines = commented_config().splitlines()
    path.write_text("\n".join(re.sub(r"^# (?=[\w\"][\w.\"]* = )", "", line) for line in lines))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="vendortui-bench-"))
    env = {**os.environ, "XDG_STATE_HOME": str(folder / "state")}
    env["XDG_CONFIG_HOME"] = str(folder / "config")
    env.pop("VENDORTUI_DB", None)
    write_full_config(folder / "config" / "vendortui" / "config.toml")
    pristine = folder / "demo.db"
    live = folder / "live.db"
    db = str(live)
    cpu_of(["demo", "--db", str(pristine)], env)
    run_id = subprocess.run(
        [
            sys.executable,
            "-m",
            "vendortui",
            "checklist",
            "start",
            "okta",
            "annual-review",
            "--db",
            str(pristine),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout.split()[0]
    template = folder / "bench-template.yaml"
    shipped = Path(__file__).resolve().parent.parent / "seed_data/checklists/annual-review.yaml"
    template.write_text(shipped.read_text().replace("key: annual-review", "key: bench-template", 1))

    def fresh() -> None:
        shutil.copyfile(pristine, live)

    def same(argv: list[str]) -> Callable[[int], list[str]]:
        return lambda _index: argv

    reads: dict[str, Callable[[int], list[str]]] = {
        "--help": same(["--help"]),
        "config path": same(["config", "path"]),
        "config show": same(["config", "show"]),
        "vendors": same(["vendors", "--db", db]),
        "vendors --json": same(["vendors", "--json", "--db", db]),
        "show okta": same(["show", "okta", "--db", db]),
        "show okta --json": same(["show", "okta", "--json", "--db", db]),
        "due": same(["due", "--db", db]),
        "probe list": same(["probe", "list", "--db", db]),
        "checklist list": same(["checklist", "list", "--db", db]),
        "checklist show": same(["checklist", "show", run_id, "--db", db]),
        "checklist templates": same(["checklist", "templates", "--db", db]),
        "conflicts": same(["conflicts", "--db", db]),
        "dump": same(["dump", db]),
        "datasets": same(["datasets"]),
        "public-check": same(["public-check", "--db", db]),
    }
    writes: dict[str, Callable[[int], list[str]]] = {
        "demo (new knowledge base)": lambda i: ["demo", "--db", str(folder / f"new-{i}.db")],
        "demo (nothing to add)": same(["demo", "--db", db]),
        "vendors add": lambda i: ["vendors", "add", f"Bench {i}", "--db", db],
        "probe add": lambda i: [
            "probe",
            "add",
            "okta",
            "--name",
            f"bench {i}",
            "--kind",
            "oidc_discovery",
            "--issuer",
            "https://login.example.com",
            "--db",
            db,
        ],
        "checklist start": same(["checklist", "start", "okta", "annual-review", "--db", db]),
        "checklist import": same(["checklist", "import", str(template), "--db", db]),
    }
    fresh()
    baseline = median_cpu(same(["--version"]), options.runs, env, fresh)
    print(f"--version: {baseline * 1000:.0f} ms CPU (median of {options.runs}); ratios below")
    floor = statistics.median(cpu_of([], env, code=ORM_FLOOR) for _ in range(options.runs))
    print(
        f"floor of an ORM write (CLI + SQLModel + tables, no work; servers only): "
        f"{floor / baseline:.2f}x"
    )
    missed = []
    for title, table in (("reads", reads), ("writes (a file: stdlib sqlite3)", writes)):
        print(f"{title}:")
        for name, argv in table.items():
            ratio = median_cpu(argv, options.runs, env, fresh) / baseline
            verdict = "ok" if ratio <= TARGET else f"MISSED {TARGET}x"
            print(f"  {name:<24} {ratio:5.2f}x  {verdict}")
            if ratio > TARGET:
                missed.append(name)
    shutil.rmtree(folder)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

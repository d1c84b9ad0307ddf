"""Sync figures on a 10,000-vendor knowledge base; exits 1 if a target is missed.

    .venv/bin/python bench/sync_merge.py [--vendors N] [--changes N]

Targets (issue 5): the merge of 100 changed rows per side < 2 s; ``vendortui dump`` < 1 s;
a sync with nothing to do < 0.5 s plus git's own time. Also shows what the
``Database.open`` hook costs when no plain-git merge is pending (target well under 5 ms).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("GIT_CONFIG_NOSYSTEM", "1")

from vendortui.app.sync import repo as repo_module
from vendortui.app.sync import run, setup
from vendortui.app.sync.merge import merge_files
from vendortui.app.sync.pending import finish_unmerged
from vendortui.app.synthetic import generate

TARGETS = {"merge": 2.0, "dump": 1.0, "idle sync (vendortui's part)": 0.5, "open hook": 0.005}


def _stamp(offset: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() + offset)) + ".000000"


def _change(path: Path, who: str, start: int, count: int, offset: int) -> None:
    """``count`` edited vendors from ``start`` (10 % of them also edited by the other side)."""
    conn = sqlite3.connect(path)
    ids = [
        r[0]
        for r in conn.execute("SELECT id FROM vendor ORDER BY id LIMIT ? OFFSET ?", (count, start))
    ]
    conn.executemany(
        "UPDATE vendor SET description = ?, status = 'pilot', updated_at = ?, updated_by = ? "
        "WHERE id = ?",
        [(f"{who} {n}", _stamp(offset), who, vid) for n, vid in enumerate(ids)],
    )
    conn.commit()
    conn.close()


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, timeout=120)


def _best(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vendors", type=int, default=10_000)
    parser.add_argument("--changes", type=int, default=100)
    args = parser.parse_args()
    os.environ["GIT_CONFIG_GLOBAL"] = os.devnull
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="vendortui-bench-") as folder:
        root = Path(folder)
        base = root / "base.db"
        generate(base, vendors=args.vendors)
        size = base.stat().st_size
        ours, theirs = root / "ours.db", root / "theirs.db"
        shutil.copyfile(base, ours)
        shutil.copyfile(base, theirs)
        overlap = args.changes // 10
        _change(ours, "alice", 0, args.changes, 1)
        _change(theirs, "bob", args.changes - overlap, args.changes, 2)
        out = root / "out.db"
        figures["merge"] = _best(lambda: merge_files(base, ours, theirs, out, who="bench"))
        conflicts = sqlite3.connect(out).execute("SELECT count(*) FROM conflict").fetchone()[0]

        dump_cmd = [sys.executable, "-m", "vendortui", "dump", str(out)]

        def dump() -> None:
            subprocess.run(dump_cmd, check=True, stdout=subprocess.DEVNULL, timeout=60)

        figures["dump"] = _best(dump)

        remote, clone = root / "remote.git", root / "clone"
        _git(root, "init", "-q", "--bare", "-b", "main", str(remote))
        clone.mkdir()
        _git(clone, "init", "-q", "-b", "main")
        _git(clone, "config", "user.name", "bench")
        _git(clone, "config", "user.email", "bench@example.com")
        shutil.copyfile(base, clone / "knowledge.db")
        os.environ["XDG_CONFIG_HOME"] = str(root / "config")
        db_path = setup.init(clone, str(remote))
        run.sync(db_path)
        git_seconds = [0.0]
        original_run = repo_module.Repo.run

        def timed_run(self, *a, **k):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            try:
                return original_run(self, *a, **k)
            finally:
                git_seconds[0] += time.perf_counter() - start

        repo_module.Repo.run = timed_run  # type: ignore[method-assign]
        totals = []
        for _ in range(3):
            git_seconds[0] = 0.0
            start = time.perf_counter()
            run.sync(db_path)
            totals.append((time.perf_counter() - start, git_seconds[0]))
        repo_module.Repo.run = original_run  # type: ignore[method-assign]
        total, in_git = min(totals)
        figures["idle sync (vendortui's part)"] = total - in_git
        cli_start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "vendortui", "sync", "-q", "--db", str(db_path)],
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=120,
        )
        cli_total = time.perf_counter() - cli_start
        runs = 2000
        start = time.perf_counter()
        for _ in range(runs):
            finish_unmerged(db_path)
        figures["open hook"] = (time.perf_counter() - start) / runs

    print(
        f"{args.vendors} vendors ({size / 1e6:.1f} MB), {args.changes} changed rows per side, "
        f"{conflicts} conflicts"
    )
    print(
        f"idle sync in-process: {total:.3f} s total, {in_git:.3f} s in git; "
        f"as a command (with interpreter start-up): {cli_total:.3f} s"
    )
    missed = []
    for name, seconds in figures.items():
        target = TARGETS[name]
        ratio = seconds / target
        verdict = "ok" if ratio < 1 else "MISSED"
        shown = f"{seconds * 1000:.3f} ms" if target < 0.1 else f"{seconds:.3f} s"
        print(f"{name:32} {shown:>12}  target {target:g} s  ratio {ratio:.2f}  {verdict}")
        if ratio >= 1:
            missed.append(name)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

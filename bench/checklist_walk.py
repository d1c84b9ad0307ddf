"""Checklist speed: opening a 500-item run, repainting after a tick, ``vendortui due`` at 10k.

    .venv/bin/python bench/checklist_walk.py [--items 500] [--vendors 10000]

Targets (from the issue): the walker opens a 500-item run in under 200 ms, a tick repaints in
under 16 ms (median), and ``vendortui due`` over 10,000 vendors answers in under 1 s. Exits 1
when a target is missed.

The TUI figures are measured in a child process running the real (not headless) driver on a
pseudo-terminal, with ``App._display`` hooked: a figure ends when the frame has been written
to the terminal, not when Textual's ``Ready`` fires. A tick is a real ``space`` key event;
the walker draws it at once (marked saving) and writes it in a thread worker, so two
figures: the repaint that shows the tick (the 16 ms target; its baseline is a cursor move,
which repaints two lines and writes nothing), and the frame that shows it saved (its own
``BEGIN IMMEDIATE`` transaction, fsync, repaint), for information.
``due`` is timed as a fresh ``vendortui due`` process, start-up and imports included; the
``--json`` form is printed for information (the issue's target is the listing itself).
A baseline (an empty screen pushed the same way, ``vendortui --version``) is printed beside
each figure so a slow machine shows up as a slow baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import pty
import random
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OPEN_TARGET_MS = 200.0
TICK_TARGET_MS = 16.0
DUE_TARGET_MS = 1000.0


# Data ---------------------------------------------------------------------------------------


def big_template(items: int) -> str:
    """A rollout-kind template with ``items`` items in sections of 50, four of them stages."""
    lines = [
        "key: big-rollout",
        "version: 1",
        "title: Big rollout",
        "kind: rollout",
        "description: A synthetic template for the benchmark.",
        "sections:",
    ]
    per = 50
    for s in range(0, items, per):
        number = s // per
        lines += [
            f"  - key: section-{number}",
            f'    title: "Section {number}: synthetic steps {s + 1} to {min(items, s + per)}"',
        ]
        if 1 <= number <= 4:
            lines.append("    stage: true")
        lines.append("    items:")
        for i in range(s, min(items, s + per)):
            lines += [
                f"      - key: item-{i}",
                f"        text: Step {i} of the synthetic checklist, worded like a real one",
                "        help: A hint that only shows under the list.",
            ]
            if i >= 100 and i % 7 == 0:
                lines.append("        needs: note")
    return "\n".join(lines) + "\n"


def add_checklists(path: Path, vendors: int) -> None:
    """Runs on top of the synthetic vendors: reviews, rollouts with blocked items, breaches."""
    from vendortui.app.db import connect_raw
    from vendortui.models.ids import new_id

    rng = random.Random(11)
    conn = connect_raw(path)
    ids = [row[0] for row in conn.execute("SELECT id FROM vendor ORDER BY id")]
    runs, items = [], []
    for n, vendor_id in enumerate(ids[:vendors]):
        day = f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 28):02d} 10:00:00.000000"
        if n % 3:
            run_id = new_id()
            runs.append(
                (
                    run_id,
                    day,
                    vendor_id,
                    "annual-review",
                    "Annual review",
                    "completed",
                    day,
                    "",
                    None,
                )
            )
            items += [(new_id(), day, run_id, p, "s", "S", f"i{p}", "t", "done") for p in range(20)]
        if n % 10 == 0:
            run_id = new_id()
            runs.append(
                (run_id, day, vendor_id, "rollout", "Rollout", "blocked", None, "canary", day)
            )
            items += [
                (
                    new_id(),
                    day,
                    run_id,
                    p,
                    "canary",
                    "Canary",
                    f"i{p}",
                    "t",
                    "blocked" if p == 3 else "open",
                )
                for p in range(29)
            ]
        if n % 500 == 0:
            run_id = new_id()
            runs.append(
                (
                    run_id,
                    day,
                    vendor_id,
                    "breach-response",
                    "Breach response",
                    "in_progress",
                    None,
                    "",
                    None,
                )
            )
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO checklist_run (id, created_at, updated_at, updated_by, vendor_id,"
            " template_key, template_version, title, status, started_by, completed_at,"
            " completed_by, current_stage, stage_entered_at)"
            " VALUES (?1, ?2, ?2, 'bench', ?3, ?4, 1, ?5, ?6, 'bench', ?7, '', ?8, ?9)",
            runs,
        )
        conn.executemany(
            "INSERT INTO checklist_item (id, created_at, updated_at, updated_by, run_id,"
            " position, section_key, section_title, item_key, text, help, required, needs_note,"
            " needs_evidence, state, note, evidence_url, blocked_reason, state_by)"
            " VALUES (?1, ?2, ?2, 'bench', ?3, ?4, ?5, ?6, ?7, ?8, '', 1, 0, 0, ?9, '', '',"
            " 'waiting', '')",
            items,
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


# The TUI child ------------------------------------------------------------------------------


def child(db: Path, run_id: str, out: Path, opens: int, ticks: int) -> None:
    """Run the walker on the real driver (stdout is a pty) and write the figures to ``out``."""
    from textual import events
    from textual.app import App
    from textual.screen import Screen
    from textual.widgets import Static

    from vendortui.app.kb import KnowledgeBase
    from vendortui.screens.checklist_walker import ChecklistWalker

    def counts(screen: object) -> tuple[int, int, int]:
        """Items drawn done, of those the ones saved (no write pending), and the cursor row."""
        if not isinstance(screen, ChecklistWalker) or screen.detail is None:
            return 0, 0, -1
        done = [item.id for item in screen.lines.items if item.state == "done"]
        saved = sum(1 for item_id in done if item_id not in screen.lines.saving)
        return len(done), saved, screen.lines.cursor

    class Empty(Screen[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield Static("baseline")

    class BenchApp(App[None]):
        def __init__(self) -> None:
            super().__init__()
            self.kb = KnowledgeBase.open(db)
            self.frames: list[tuple[float, object, int, int, int]] = []
            """(when written, screen, items drawn done, of which saved, cursor), per frame."""
            self.frame = asyncio.Event()
            self.figures: dict[str, list[float]] = {}

        def _display(self, screen, renderable) -> None:  # type: ignore[no-untyped-def]
            super()._display(screen, renderable)
            if renderable is not None:
                self.frames.append((time.perf_counter(), screen, *counts(screen)))
                self.frame.set()

        async def frame_of(
            self, screen: object, since: int, done: int = -1, saved: int = -1, cursor: int = -2
        ) -> float:
            """When the first frame of ``screen`` after frame ``since`` showing more than
            ``done`` ticks, of which more than ``saved`` saved, with the cursor off row
            ``cursor``, was written."""
            while True:
                for at, shown, shown_done, shown_saved, row in self.frames[since:]:
                    ticks_shown = shown_done > done and shown_saved > saved
                    if shown is screen and ticks_shown and row != cursor:
                        return at
                self.frame.clear()
                await self.frame.wait()

        def on_mount(self) -> None:
            self.run_worker(self.measure(), exclusive=True)

        async def push_timed(self, factory) -> float:  # type: ignore[no-untyped-def]
            await asyncio.sleep(0.1)
            since = len(self.frames)
            start = time.perf_counter()
            screen = factory()
            await self.push_screen(screen)
            took = (await self.frame_of(screen, since)) - start
            await self.pop_screen()
            return took * 1000

        async def measure(self) -> None:
            await asyncio.sleep(0.5)
            self.kb.checklists.detail(run_id)  # first read: warm the template catalog
            self.figures["baseline_open_ms"] = [await self.push_timed(Empty) for _ in range(opens)]
            self.figures["open_ms"] = [
                await self.push_timed(lambda: ChecklistWalker(run_id)) for _ in range(opens)
            ]
            walker = ChecklistWalker(run_id)
            await self.push_screen(walker)
            await asyncio.sleep(0.3)
            moves = []
            for n in range(ticks):
                await asyncio.sleep(0.03)
                row = walker.lines.cursor
                since = len(self.frames)
                start = time.perf_counter()
                self.post_message(events.Key("j" if n % 2 == 0 else "k", None))
                moves.append(((await self.frame_of(walker, since, cursor=row)) - start) * 1000)
            self.figures["move_ms"] = moves
            shown_ms, saved_ms = [], []
            for _ in range(ticks):
                await asyncio.sleep(0.03)
                done, saved, _ = counts(walker)
                since = len(self.frames)
                start = time.perf_counter()
                self.post_message(events.Key("space", " "))
                shown_ms.append(((await self.frame_of(walker, since, done)) - start) * 1000)
                stored = await self.frame_of(walker, since, done, saved)
                saved_ms.append((stored - start) * 1000)
            self.figures["tick_ms"] = shown_ms
            self.figures["saved_ms"] = saved_ms
            self.figures["done_items"] = [float(counts(walker)[1])]
            out.write_text(json.dumps(self.figures))
            self.exit()

    BenchApp().run()


def run_child(db: Path, run_id: str, opens: int, ticks: int) -> dict[str, list[float]]:
    """Start the TUI child on a 120x40 pseudo-terminal and collect its figures."""
    out = db.with_suffix(".json")
    log = db.with_suffix(".log")
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    with log.open("wb") as errors:
        proc = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--child",
                str(db),
                run_id,
                str(out),
                str(opens),
                str(ticks),
            ],
            stdin=slave,
            stdout=slave,
            stderr=errors,
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
        os.close(slave)
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    os.read(master, 65536)
                except OSError:
                    break
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    os.close(master)
    if not out.exists():
        raise SystemExit(f"the TUI child failed:\n{log.read_text()[-3000:]}")
    return json.loads(out.read_text())


# Main ---------------------------------------------------------------------------------------


def timed_process(argv: list[str], runs: int) -> list[float]:
    """Wall time of a fresh process, in ms, ``runs`` times."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=False, cwd=ROOT)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--vendors", type=int, default=10_000)
    parser.add_argument("--opens", type=int, default=7)
    parser.add_argument("--ticks", type=int, default=41)
    args = parser.parse_args()

    from vendortui.app.kb import KnowledgeBase
    from vendortui.app.synthetic import generate

    work = Path(tempfile.mkdtemp(prefix="vendortui-bench-"))
    kb = KnowledgeBase.open(work / "walk.db")
    vendor = kb.add_vendor("Bench vendor", status="rolling_out")
    template = work / "big-rollout.yaml"
    template.write_text(big_template(args.items))
    kb.checklists.import_template(template)
    run = kb.checklists.start_run(vendor.id, "big-rollout")
    kb.db.close()
    tui = run_child(work / "walk.db", run.id, args.opens, args.ticks)

    big = work / "due.db"
    start = time.perf_counter()
    generate(big, args.vendors)
    add_checklists(big, args.vendors)
    built = time.perf_counter() - start
    vendortui = str(Path(sys.executable).with_name("vendortui"))
    due = timed_process([vendortui, "due", "--db", str(big)], 5)
    due_json = timed_process([vendortui, "due", "--json", "--db", str(big)], 3)
    baseline = timed_process([vendortui, "--version"], 5)
    kb = KnowledgeBase.open(big, for_writing=False)
    entries = len(kb.attention())
    kb.db.close()

    rows = [
        (
            f"walker opens a {args.items}-item run",
            tui["open_ms"],
            OPEN_TARGET_MS,
            tui["baseline_open_ms"],
            "empty screen",
        ),
        (
            "a tick repaints (space, drawn saving)",
            tui["tick_ms"],
            TICK_TARGET_MS,
            tui["move_ms"],
            "cursor move, j/k",
        ),
        ("a tick is saved and drawn (worker)", tui["saved_ms"], None, None, ""),
        (
            f"vendortui due, {args.vendors} vendors",
            due,
            DUE_TARGET_MS,
            baseline,
            "vendortui --version",
        ),
        (
            f"vendortui due --json, {args.vendors} vendors",
            due_json,
            None,
            baseline,
            "vendortui --version",
        ),
    ]
    missed = 0
    print(
        f"work dir {work}; {args.vendors} vendors + checklists built in {built:.1f} s; "
        f"due list has {entries} entries; {int(tui['done_items'][0])} items ticked"
    )
    print(f"{'figure':<44}{'median':>9}{'min':>9}{'max':>9}{'target':>9}  baseline")
    for name, values, target, base, base_name in rows:
        median = statistics.median(values)
        ok = target is None or median < target
        missed += not ok
        base_text = f"{statistics.median(base):.1f} ms ({base_name})" if base else ""
        target_text = f"{target:>7.0f}ms" if target else f"{'-':>9}"
        print(
            f"{name:<44}{median:>7.1f}ms{min(values):>7.1f}ms{max(values):>7.1f}ms"
            f"{target_text}  {base_text} {'' if ok else ' MISSED'}"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        db, run_id, out, opens, ticks = sys.argv[2:7]
        child(Path(db), run_id, Path(out), int(opens), int(ticks))
    else:
        raise SystemExit(main())

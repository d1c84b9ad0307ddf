"""Real processes on one file: two people ticking the same run at once, and a walk killed with
SIGKILL right after a tick."""

from __future__ import annotations

import json
import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.checklists.conftest import WalkerApp, walker_on_screen, write
from vendortui.app.kb import KnowledgeBase

ROOT = Path(__file__).resolve().parents[2]


def _template(items: int) -> str:
    """A rollout of our own with ``items`` items over four stages, none needing a note."""
    lines = ["key: wide-rollout", "version: 1", "title: Wide rollout", "kind: rollout", "sections:"]
    per = items // 4
    for stage in range(4):
        lines += [
            f"  - key: stage-{stage}",
            f"    title: Stage {stage}",
            "    stage: true",
            "    items:",
        ]
        for n in range(stage * per, (stage + 1) * per):
            lines += [f"      - key: item-{n}", f"        text: Step {n}"]
    return "\n".join(lines) + "\n"


def _child(*args: str, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.checklists.workers", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        text=True,
        **kwargs,  # type: ignore[arg-type]
    )


def _read_ticks(child: subprocess.Popen[str], count: int, timeout: float = 60) -> list[str]:
    """The item ids of the first ``count`` ticks the child reports (never waits forever)."""
    assert child.stdout is not None
    ticked: list[str] = []
    deadline = time.monotonic() + timeout
    while len(ticked) < count:
        ready, _, _ = select.select([child.stdout], [], [], max(0, deadline - time.monotonic()))
        line = child.stdout.readline() if ready else ""
        if not line:
            child.kill()
            errors = child.stderr.read() if child.stderr else ""
            raise AssertionError(f"the walker child stopped after {len(ticked)} ticks: {errors}")
        ticked.append(line.split()[1])
    return ticked


def _wait_for_files(paths: list[Path], children: list[subprocess.Popen[str]]) -> None:
    """Wait until every path exists (each child writes one when its walker is open), failing
    at once if a child died and after a minute at most on a busy machine."""
    deadline = time.monotonic() + 60
    while not all(path.exists() for path in paths):
        dead = [child for child in children if child.poll() is not None]
        if dead or time.monotonic() > deadline:
            for child in children:
                child.kill()
            errors = [child.communicate()[1] for child in children]
            raise AssertionError(f"a walker child did not open: {errors}")
        time.sleep(0.01)


def test_two_processes_tick_the_same_run_at_the_same_time(
    kb: KnowledgeBase, vendor_id: str, tmp_path: Path
) -> None:
    kb.checklists.import_template(write(tmp_path / "wide-rollout.yaml", _template(80)))
    run = kb.checklists.start_run(vendor_id, "wide-rollout")
    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{p}" for p in (0, 1)]
    files = {p: (tmp_path / f"done-{p}", tmp_path / f"out-{p}.json") for p in (0, 1)}
    children = [
        _child(
            "tick",
            str(kb.path),
            run.id,
            str(p),
            str(ready[p]),
            str(go),
            str(files[p][0]),
            str(files[1 - p][0]),
            str(files[p][1]),
            stderr=subprocess.PIPE,
        )
        for p in (0, 1)
    ]
    _wait_for_files(ready, children)
    go.write_text("go")
    for child in children:
        try:
            _, errors = child.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            child.kill()
            raise
        assert child.returncode == 0, errors
    seen = [json.loads(files[p][1].read_text()) for p in (0, 1)]
    assert seen[0]["first"] < seen[1]["last"] and seen[1]["first"] < seen[0]["last"], (
        "the two walks overlapped in time"
    )
    for view in seen:
        assert view["states"] == ["done"] * 80, "each sees the other's ticks after a refresh"
    detail = kb.checklists.detail(run.id)
    assert all(item.state == "done" for item in detail.items)
    assert detail.run.current_stage == "" and detail.run.status == "in_progress"
    with kb.db.read() as conn:
        ticks = conn.execute(
            "SELECT count(*), count(DISTINCT item_id) FROM checklist_tick WHERE run_id = ?",
            (run.id,),
        ).fetchone()
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert tuple(ticks) == (80, 80)


def test_a_walk_killed_after_a_tick_loses_nothing(kb: KnowledgeBase, vendor_id: str) -> None:
    run = kb.checklists.start_run(vendor_id, "annual-review")
    child = _child("walk", str(kb.path), run.id, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ticked = _read_ticks(child, 5)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    conn = sqlite3.connect(kb.path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    detail = kb.checklists.detail(run.id)
    states = {item.id: item.state for item in detail.items}
    assert all(states[item_id] == "done" for item_id in ticked)
    done = [item.id for item in detail.items if item.state == "done"]
    assert done[: len(ticked)] == ticked, "ticks land in walking order, none lost or invented"
    with kb.db.read() as conn:
        logged = {
            row[0]
            for row in conn.execute(
                "SELECT item_id FROM checklist_tick WHERE run_id = ?", (run.id,)
            )
        }
    assert logged == set(done)
    assert detail.resume_position() == len(done)


async def test_reopening_after_the_kill_resumes_in_the_walker(
    kb: KnowledgeBase, vendor_id: str
) -> None:
    run = kb.checklists.start_run(vendor_id, "sunset")
    child = _child("walk", str(kb.path), run.id, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    [first] = _read_ticks(child, 1)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    app = WalkerApp(kb, run.id)
    async with app.run_test(size=(100, 30)) as pilot:
        lines = (await walker_on_screen(pilot)).lines
        assert lines.items[0].id == first and lines.items[0].state == "done"
        index = lines.current_item
        assert index is not None and lines.items[index].state == "open"
        assert all(item.state == "done" for item in lines.items[:index])

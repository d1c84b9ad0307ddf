"""Child processes for the process tests: a person walking a run in the walker (headless).

python -m tests.checklists.workers tick DB RUN PARITY READY GO MINE THEIRS OUT
    open the walker, write READY, wait for GO, tick every item whose position has PARITY
    (0 or 1) as fast as the walker takes keys, write MINE once every tick is saved, wait for
    THEIRS, press r, write what the walker shows to OUT.
python -m tests.checklists.workers walk DB RUN
    tick items one after another forever, printing ``TICKED <item id>`` once each is saved.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

from textual.widgets import Input

from tests.checklists.conftest import WalkerApp, all_saved, walker_on_screen
from vendortui.app.kb import KnowledgeBase
from vendortui.screens.checklist_prompts import TextPrompt


async def _wait_for(path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {path}")
        await asyncio.sleep(0.005)


async def tick(
    db: str, run_id: str, parity: int, ready: str, go: str, mine: str, theirs: str, out: str
) -> None:
    kb = KnowledgeBase.open(Path(db))
    app = WalkerApp(kb, run_id)
    async with app.run_test(size=(100, 30)) as pilot:
        walker = await walker_on_screen(pilot)
        kb.checklists.warm_up()
        Path(ready).write_text("ready")
        await _wait_for(Path(go))
        moments = []
        for index in range(parity, len(walker.lines.items), 2):
            walker.lines.move_to_item(index)
            await pilot.press("space")
            moments.append(time.time())
        await all_saved(pilot, walker)
        assert not walker.lines.failed, walker.lines.failed
        Path(mine).write_text("done")
        await _wait_for(Path(theirs))
        await pilot.press("r")
        states = [item.state for item in walker.lines.items]
    Path(out).write_text(json.dumps({"states": states, "first": moments[0], "last": moments[-1]}))
    kb.db.close()


async def walk(db: str, run_id: str) -> None:
    kb = KnowledgeBase.open(Path(db))
    app = WalkerApp(kb, run_id)
    async with app.run_test(size=(100, 30)) as pilot:
        walker = await walker_on_screen(pilot)
        while True:
            index = walker.lines.current_item
            assert index is not None
            item_id = walker.lines.items[index].id
            item = walker.lines.items[index]
            await pilot.press("space")
            if isinstance(app.screen, TextPrompt):  # a required item asks for its proof
                proof = "checked" if item.needs_note else f"https://e.example/{item.item_key}"
                app.screen.query_one(Input).value = proof
                await pilot.press("enter")
            await all_saved(pilot, walker)
            if walker.lines.items[index].state != "done" or walker.lines.failed:
                raise SystemExit(f"item {index} was not ticked")
            print(f"TICKED {item_id}", flush=True)


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "tick":
        db, run_id, parity, ready, go, mine, theirs, out = args
        asyncio.run(tick(db, run_id, int(parity), ready, go, mine, theirs, out))
    else:
        asyncio.run(walk(*args))

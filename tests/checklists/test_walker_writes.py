"""Writes from the checklist screens never run on the UI thread.

A teammate's process holds SQLite's write lock (``BEGIN IMMEDIATE`` on its own connection, as
a sync or a long import does): the walker keeps taking keys, the tick shows ``saving…`` until
the lock is released and then shows as saved; a write that fails (the lock held past the busy
timeout, the item removed by a sync) puts the stored state back with the reason beside the
item. The runs panel starts a run the same way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList

from tests.checklists.conftest import all_saved, screen_text, until, walker_on_screen, walking
from vendortui.app.checklists.records import ItemView
from vendortui.app.kb import KnowledgeBase
from vendortui.screens.checklist_runs import ChecklistRunsPanel, TemplatePicker
from vendortui.screens.checklist_walker import ChecklistWalker

SIZE = (120, 40)


@contextmanager
def write_lock(path: Path) -> Iterator[None]:
    """Hold the knowledge base's write lock from another connection, as a teammate's sync."""
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        yield
        holder.execute("ROLLBACK")
    finally:
        holder.close()


def stored_state(kb: KnowledgeBase, item_id: str) -> tuple[str, int]:
    """The item's state in the file and how many ticks it has (read past the held lock)."""
    with kb.db.read() as conn:
        state = conn.execute("SELECT state FROM checklist_item WHERE id = ?", (item_id,))
        ticks = conn.execute("SELECT count(*) FROM checklist_tick WHERE item_id = ?", (item_id,))
        return state.fetchone()[0], ticks.fetchone()[0]


def line_of(app: App[Any], text: str) -> str:
    """The screen line that shows ``text`` (its first 30 cells: a long one may be cropped)."""
    return next(line for line in screen_text(app).splitlines() if text[:29] in line)


async def line_shows(pilot: Pilot[None], item: ItemView, mark: str, what: str) -> None:
    """Wait until the screen line of ``item`` shows ``mark``."""
    await until(pilot, lambda: mark in line_of(pilot.app, item.text), what)


def short_lock_wait(kb: KnowledgeBase, milliseconds: int) -> None:
    """Make the knowledge base's write connections give up on a held lock after
    ``milliseconds`` instead of the production 5 s (set on every new connection)."""

    @event.listens_for(kb.db.engine, "connect")
    def _short(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.execute(f"PRAGMA busy_timeout={milliseconds}")


async def test_a_tick_waits_for_the_lock_while_the_walker_keeps_taking_keys(
    kb: KnowledgeBase, vendor_id: str
) -> None:
    run = kb.checklists.start_run(vendor_id, "keep-the-lights-on")
    async with walking(kb, run.id) as (app, pilot, walker):
        first = walker.lines.items[0]
        with write_lock(kb.path):
            await pilot.press("space")
            await line_shows(pilot, first, "saving…", "the tick drawn as saving")
            assert "[x]" in line_of(app, first.text), "the tick shows at once"
            assert walker.lines.current_item == 1, "the walk moves on at once"
            await pilot.press("j")
            assert walker.lines.current_item == 2, "a key still moves the cursor"
            await pilot.press("k", "k")
            assert walker.lines.current_item == 0
            assert walker.writes.pending == 1 and first.id in walker.lines.saving
            assert stored_state(kb, first.id) == ("open", 0), "nothing saved while locked"
        await all_saved(pilot, walker)
        assert "saving…" not in line_of(app, first.text)
        assert "[x]" in line_of(app, first.text) and not walker.lines.failed
    assert stored_state(kb, first.id) == ("done", 1)


async def test_a_write_that_fails_shows_why_next_to_the_item(
    kb: KnowledgeBase, vendor_id: str
) -> None:
    run = kb.checklists.start_run(vendor_id, "keep-the-lights-on")
    short_lock_wait(kb, 50)
    async with walking(kb, run.id) as (app, pilot, walker):
        first = walker.lines.items[0]
        with write_lock(kb.path):
            await pilot.press("space")
            await line_shows(pilot, first, "✗ not saved:", "the failure drawn beside the item")
        reason = walker.lines.failed[first.id]
        assert "busy" in reason.lower(), reason
        assert "[ ]" in line_of(app, first.text), "the item shows what is stored again"
        assert walker.lines.items[0].state == "open" and not walker.writes.pending
        assert stored_state(kb, first.id) == ("open", 0)
        await pilot.press("k")
        assert "Not saved:" in screen_text(app).split("─" * 20)[-1], "the detail pane says why"
        await pilot.press("space")
        await all_saved(pilot, walker)
        assert first.id not in walker.lines.failed, "a saved tick clears the failure"
        assert "✗" not in line_of(app, first.text) and "[x]" in line_of(app, first.text)
    assert stored_state(kb, first.id) == ("done", 1)


async def test_an_item_removed_by_a_sync_refuses_the_tick_in_place(
    kb: KnowledgeBase, vendor_id: str
) -> None:
    run = kb.checklists.start_run(vendor_id, "sunset")
    async with walking(kb, run.id) as (_, pilot, walker):
        first = walker.lines.items[0]
        teammate = sqlite3.connect(kb.path)
        with teammate:
            teammate.execute(
                "UPDATE checklist_item SET deleted_at = '2026-01-01 00:00:00.000000' WHERE id = ?",
                (first.id,),
            )
        teammate.close()
        await pilot.press("x")
        await until(pilot, lambda: first.id in walker.lines.failed, "the refusal")
        await line_shows(pilot, first, "no longer exists", "the refusal drawn beside the item")
        assert walker.lines.items[0].state == "open"


async def test_leaving_waits_for_the_writes_still_queued(kb: KnowledgeBase, vendor_id: str) -> None:
    run = kb.checklists.start_run(vendor_id, "keep-the-lights-on")
    async with walking(kb, run.id) as (app, pilot, walker):
        first, second = walker.lines.items[:2]
        with write_lock(kb.path):
            await pilot.press("space", "space", "escape")
            closing = "closing once saved"
            await until(pilot, lambda: closing in screen_text(app), "the walker to say so")
            assert app.screen is walker and not app.closed, "the walker waits for its writes"
            assert walker.writes.pending == 2
        await until(pilot, lambda: app.closed, "the walker to close once saved")
        assert not isinstance(app.screen, ChecklistWalker)
    assert stored_state(kb, first.id) == stored_state(kb, second.id) == ("done", 1)


class PanelApp(App[None]):
    """The vendor screen's Checklists tab, reduced to the panel."""

    def __init__(self, kb: KnowledgeBase, vendor_id: str) -> None:
        super().__init__()
        self.kb = kb
        self.vendor_id = vendor_id

    def compose(self) -> ComposeResult:
        yield ChecklistRunsPanel(self.vendor_id)


async def test_the_runs_panel_starts_a_run_without_waiting_for_the_lock(
    kb: KnowledgeBase, vendor_id: str
) -> None:
    for template in ("annual-review", "rollout"):
        kb.checklists.start_run(vendor_id, template)
    app = PanelApp(kb, vendor_id)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(DataTable)
        table.focus()
        with write_lock(kb.path):
            await pilot.press("s")
            picker = app.screen
            assert isinstance(picker, TemplatePicker)
            options = picker.query_one(OptionList)
            options.highlighted = next(
                i
                for i in range(options.option_count)
                if options.get_option_at_index(i).id == "sunset"
            )
            await pilot.press("enter")
            panel = app.query_one(ChecklistRunsPanel)
            await until(pilot, lambda: app.screen is not picker, "the picker to close")
            assert panel.writes.pending == 1
            assert table.cursor_row == 0
            await pilot.press("down")
            assert table.cursor_row == 1, "the panel still takes keys while the start waits"
            assert len(kb.checklists.runs(vendor_id)) == 2
        walker = await walker_on_screen(pilot)
        assert walker.detail is not None and walker.detail.run.template_key == "sunset"
    assert len(kb.checklists.runs(vendor_id)) == 3

"""The conflicts screen, mounted in a minimal app, over a real merged knowledge base."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.app import App
from textual.widgets import DataTable, Input, Static

from tests.planting import plant
from tests.waiting import wait_for
from vendortui.app.db import Database
from vendortui.app.sync.conflicts import ConflictService
from vendortui.app.sync.merge import merge_files
from vendortui.models import Vendor, utcnow
from vendortui.screens.conflicts import ConflictsScreen

HOSTILE = "[bold red]Acme[/] \x1b[2J\x1b]0;pwned\x07"


def _edit(path: Path, vendor_id: str, who: str, **fields: str) -> None:
    db = Database.open(path)
    with db.write() as session:
        row = session.get(Vendor, vendor_id)
        for key, value in fields.items():
            setattr(row, key, value)
        row.updated_at, row.updated_by = utcnow(), who
    db.close()


def _merged(tmp_path: Path) -> Database:
    """A file holding two real conflicts, as a sync would leave it."""
    base = tmp_path / "base.db"
    db = Database.open(base)
    with db.write() as session:
        vendor = Vendor(slug="acme", name="Acme", updated_by="alice@example.com")
        session.add(vendor)
        session.flush()
        vendor_id = vendor.id
    db.close()
    plant(base, "vendor", vendor_id, name=HOSTILE)
    ours, theirs = tmp_path / "ours.db", tmp_path / "theirs.db"
    shutil.copyfile(base, ours)
    shutil.copyfile(base, theirs)
    _edit(ours, vendor_id, "me@example.com", status="pilot", description="mine [x]")
    _edit(theirs, vendor_id, "bob@example.com", status="production", description="theirs")
    out = tmp_path / "merged.db"
    merge_files(base, ours, theirs, out, who="me@example.com")
    return Database.open(out)


class Harness(App[None]):
    def __init__(self, service: ConflictService) -> None:
        super().__init__()
        self.service = service

    def on_mount(self) -> None:
        self.push_screen(ConflictsScreen(self.service))


async def test_lists_conflicts_and_keeps_mine_theirs_or_an_edit(tmp_path: Path) -> None:
    db = _merged(tmp_path)
    service = ConflictService(db, me="me@example.com")
    app = Harness(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: app.screen.query_one(DataTable).row_count == 2, "the list")
        screen = app.screen
        assert isinstance(screen, ConflictsScreen)
        table = screen.query_one(DataTable)
        where = table.get_row_at(0)[0]
        assert where.plain.startswith("vendor [bold red]Acme[/] \\u001b[2J")  # shown as text
        assert "\x1b" not in where.plain and "\x07" not in where.plain
        fields = {table.get_row_at(i)[1].plain: i for i in range(2)}
        table.move_cursor(row=fields["status"])
        await pilot.press("m")
        await wait_for(pilot, lambda: table.row_count == 1, "the kept conflict to leave the list")
        await pilot.press("e")
        await wait_for(pilot, lambda: app.screen.query_one(Input), "the edit field")
        field_input = app.screen.query_one(Input)
        field_input.value = "agreed"
        await pilot.press("enter")
        detail = screen.query_one("#detail", Static)
        await wait_for(
            pilot,
            lambda: table.row_count == 0 and "No open conflicts" in str(detail.render()),
            "the edited conflict to leave the list",
        )
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConflictsScreen), "leaving")
    with db.read() as conn:
        assert tuple(conn.execute("SELECT status, description FROM vendor").fetchone()) == (
            "pilot",
            "agreed",
        )
        assert (
            conn.execute("SELECT count(*) FROM conflict WHERE resolved_at IS NULL").fetchone()[0]
            == 0
        )
    db.close()

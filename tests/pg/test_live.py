"""Live: a teammate's write on the team server shows in an open TUI without a key pressed."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg
import pytest

from tests.checklists.test_walker_writes import line_of
from tests.waiting import CAP, wait_for
from vendortui.app.kb import KnowledgeBase
from vendortui.models import Vendor
from vendortui.models.enums import ItemState
from vendortui.screens.app import VendorTui
from vendortui.screens.checklist_walker import ChecklistWalker
from vendortui.screens.home import HomeScreen
from vendortui.screens.vendor_list import AttentionList


@pytest.fixture
def teammate(pg_url: str) -> KnowledgeBase:
    """A second connection to the same server: another person's vendortui."""
    other = KnowledgeBase.open(pg_url)
    yield other
    other.db.close()


async def test_vendor_list_attention_and_open_card_follow_a_teammate(
    pg_url: str, teammate: KnowledgeBase
) -> None:
    vendor = teammate.add_vendor("Acme Paging", status="evaluating")
    kb = KnowledgeBase.open(pg_url)
    app = VendorTui(kb)
    async with app.run_test() as pilot:
        home = app.screen_stack[0]
        assert isinstance(home, HomeScreen)
        await wait_for(pilot, lambda: [row.name for row in home.rows] == ["Acme Paging"])

        teammate.add_vendor("Teammate's Vendor")
        await wait_for(pilot, lambda: "Teammate's Vendor" in [row.name for row in home.rows])

        teammate.update(Vendor, vendor.id, status="production")  # no lead: needs attention
        await wait_for(
            pilot,
            lambda: any(
                item.vendor_id == vendor.id for item in home.query_one(AttentionList).items
            ),
            "the attention list shows the teammate's production vendor",
        )

        app.open_vendor(vendor.id)
        await wait_for(pilot, lambda: app.current_vendor() is not None)
        teammate.update(Vendor, vendor.id, category="paging-by-teammate")
        await wait_for(
            pilot, lambda: app.current_vendor().card.vendor.category == "paging-by-teammate"
        )
    kb.db.close()


async def test_a_change_made_with_plain_sql_shows_without_a_key_press(pg_url: str) -> None:
    """Not only vendortui's own writes notify: the server's triggers do, so a row inserted,
    renamed or deleted by psql, another tool or an import reaches the open list."""
    kb = KnowledgeBase.open(pg_url)
    vendor = kb.add_vendor("Acme Paging")
    app = VendorTui(kb)
    async with app.run_test() as pilot:
        home = app.screen_stack[0]
        assert isinstance(home, HomeScreen)
        await wait_for(pilot, lambda: [row.name for row in home.rows] == ["Acme Paging"])
        with psycopg.connect(pg_url) as conn:
            conn.execute("UPDATE vendor SET name = 'Renamed by psql' WHERE id = %s", (vendor.id,))
        await wait_for(
            pilot,
            lambda: [row.name for row in home.rows] == ["Renamed by psql"],
            "the list showing the name written with plain SQL",
        )
        with psycopg.connect(pg_url) as conn:
            conn.execute("UPDATE vendor SET deleted_at = now() WHERE id = %s", (vendor.id,))
        await wait_for(pilot, lambda: home.rows == [], "the list without the deleted vendor")
    kb.db.close()


async def test_the_checklist_walker_shows_a_teammates_tick(pg_url: str) -> None:
    """Another process ticks an item of the run the walker shows: the tick appears in the
    walker (its line and its progress) with no key pressed."""
    kb = KnowledgeBase.open(pg_url)
    vendor = kb.add_vendor("Acme Paging", status="production")
    run = kb.checklists.start_run(vendor.id, "keep-the-lights-on")
    app = VendorTui(kb)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(ChecklistWalker(run.id))
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, ChecklistWalker) and app.screen.detail is not None,
            "the walker showing the run",
        )
        walker = app.screen
        assert isinstance(walker, ChecklistWalker)
        item = walker.lines.items[0]
        assert item.state == ItemState.OPEN
        teammate = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-c", TICK, pg_url, item.id],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert teammate.returncode == 0, teammate.stderr
        await wait_for(
            pilot,
            lambda: (
                walker.lines.items[0].state == ItemState.DONE and "[x]" in line_of(app, item.text)
            ),
            "the walker showing the teammate's tick",
        )
    kb.db.close()


TICK = """\
import sys
from vendortui.app.kb import KnowledgeBase
kb = KnowledgeBase.open(sys.argv[1])
kb.checklists.mark(sys.argv[2], "done")
kb.db.close()
"""
"""The teammate's vendortui, in a process of its own: ticks one item on the server."""


def test_a_write_made_while_the_listener_was_cut_off_is_read_after_it_reconnects(
    pg_url: str, teammate: KnowledgeBase
) -> None:
    """The server drops the listening connection (a restart, a failover, an idle timeout) and
    a teammate writes before it is back: that write's notice went to nobody, so the listener
    asks for a re-read once it is listening again."""
    kb = KnowledgeBase.open(pg_url)
    calls: list[None] = []
    written = threading.Event()
    connect = kb.db._connect
    attempts: list[None] = []

    def after_the_write(**options: Any) -> Any:
        """The listener's reconnection waits for the teammate's commit, so that commit's
        notice surely goes to nobody, however slow the machine."""
        attempts.append(None)
        if len(attempts) > 1:
            written.wait(CAP)
        return connect(**options)

    kb.db._connect = after_the_write  # type: ignore[method-assign]
    stop = kb.db.listen(lambda: calls.append(None))
    query = (
        "SELECT pid FROM pg_stat_activity "
        "WHERE datname = current_database() AND query LIKE 'LISTEN %'"
    )
    try:
        with psycopg.connect(pg_url, autocommit=True) as admin:
            [(pid,)] = until_rows(admin, query, lambda rows: len(rows) == 1, "the listener")
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            until_rows(admin, query, lambda rows: rows == [], "the listener's connection gone")
            teammate.add_vendor("Written while nobody listened")
            written.set()
            until_rows(admin, query, lambda rows: len(rows) == 1, "the listener back")
        deadline = time.monotonic() + CAP
        while not calls and time.monotonic() < deadline:
            time.sleep(0.05)
        assert calls, "the listener came back without asking for a re-read"
    finally:
        written.set()
        stop()
        kb.db.close()


def until_rows(
    conn: psycopg.Connection[tuple[object, ...]],
    query: str,
    done: Callable[[list[tuple[object, ...]]], bool],
    what: str,
) -> list[tuple[object, ...]]:
    """Poll ``query`` until ``done(rows)``; fails after the waiting cap naming ``what``."""
    deadline = time.monotonic() + CAP
    while not done(rows := conn.execute(query).fetchall()):
        assert time.monotonic() < deadline, f"waited {CAP:g} s for {what}"
        time.sleep(0.05)
    return rows

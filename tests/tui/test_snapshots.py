"""SVG snapshots of the screens people look at most (home, the vendor card's overview, the
runbook, the checklist walker, the sync conflicts), at 120x40 and at 80x24, on the fixed
knowledge base with a frozen clock. Update with ``pytest tests/tui --snapshot-update`` after a
deliberate change, and look at every changed SVG before committing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.planting import plant
from tests.tui.test_app import home, on_vendor, runbook_text, screen_text
from tests.waiting import wait_for
from vendortui.app.kb import KnowledgeBase
from vendortui.models import Conflict
from vendortui.screens.app import VendorTui
from vendortui.screens.block_view import BlockView
from vendortui.screens.checklist_walker import ChecklistWalker
from vendortui.screens.conflicts import ConflictsScreen
from vendortui.screens.vendor import TABS, tab_label

SIZES = {"120x40": (120, 40), "80x24": (80, 24)}
sizes = pytest.mark.parametrize("size", list(SIZES))


async def open_datadog(pilot: Pilot[None]) -> None:
    await home(pilot)
    await pilot.press("enter")
    await on_vendor(pilot, "Datadog")


async def tab_names(pilot: Pilot[None], *, narrow: bool) -> None:
    """Wait until the vendor tab bar shows every tab's name for the terminal's width."""
    names = [tab_label(tab, narrow=narrow) for tab in TABS]
    await wait_for(
        pilot,
        lambda: all(name in screen_text(pilot.app) for name in names),
        f"the tab bar showing {names}",
    )


@sizes
def test_home_snapshot(tui: VendorTui, snap_compare: Any, size: str) -> None:
    assert snap_compare(tui, terminal_size=SIZES[size], run_before=home)


@sizes
def test_vendor_snapshot(tui: VendorTui, snap_compare: Any, size: str) -> None:
    assert snap_compare(tui, terminal_size=SIZES[size], run_before=open_datadog)


@sizes
def test_runbook_snapshot(tui: VendorTui, snap_compare: Any, size: str) -> None:
    async def open_runbook(pilot: Pilot[None]) -> None:
        await open_datadog(pilot)
        await pilot.press("4")
        await runbook_text(pilot, "First five minutes")
        # Whether the scrollbar shows follows the heights of the blocks drawn so far: at
        # 80x24 the runbook fits only once its blocks are drawn at their real heights.
        view = pilot.app.screen.query_one(BlockView)
        await wait_for(pilot, view.settled, "the runbook drawn at its real height")
        # The tab names follow the size class, set after the screen's first resize.
        await tab_names(pilot, narrow=SIZES[size][0] < 100)
        await pilot.wait_for_scheduled_animations()  # the tab bar scrolling to its tab

    assert snap_compare(tui, terminal_size=SIZES[size], run_before=open_runbook)


@sizes
def test_walker_snapshot(
    tui: VendorTui, tui_kb: KnowledgeBase, snap_compare: Any, size: str
) -> None:
    run = tui_kb.checklists.start_run(tui_kb.find_vendor_id("datadog"), "rollout")
    plant(tui_kb.db.path, "checklist_run", run.id, created_at="2025-06-02 09:00:00.000000")

    async def open_walker(pilot: Pilot[None]) -> None:
        await home(pilot)
        pilot.app.push_screen(ChecklistWalker(run.id))
        await wait_for(
            pilot,
            lambda: isinstance(pilot.app.screen, ChecklistWalker) and pilot.app.screen.detail,
            "the walker",
        )

    assert snap_compare(tui, terminal_size=SIZES[size], run_before=open_walker)


def planted_conflict(kb: KnowledgeBase) -> None:
    """One open conflict on Datadog's status, with fixed times (a stable snapshot)."""
    conflict = Conflict(
        table_name="vendor",
        row_id=kb.find_vendor_id("datadog"),
        field="status",
        base_value="rolling_out",
        ours_value="production",
        theirs_value="sunsetting",
        ours_by="priya@example.com",
        ours_at=datetime(2025, 6, 1, 8, 0, tzinfo=UTC),
        theirs_by="marcus@example.com",
        theirs_at=datetime(2025, 6, 1, 9, 15, tzinfo=UTC),
        provisional="sunsetting",
        updated_by="sync",
    )
    with kb.db.write() as session:
        session.add(conflict)


@sizes
def test_conflicts_snapshot(
    tui: VendorTui, tui_kb: KnowledgeBase, snap_compare: Any, size: str
) -> None:
    planted_conflict(tui_kb)

    async def open_conflicts(pilot: Pilot[None]) -> None:
        await home(pilot)
        pilot.app.show_conflicts()
        await wait_for(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, ConflictsScreen)
                and "sunsetting" in screen_text(pilot.app)
            ),
            "the conflicts",
        )

    assert snap_compare(tui, terminal_size=SIZES[size], run_before=open_conflicts)

"""SVG snapshots of the three screens people look at most, at 120x40, on the fixed knowledge
base with a frozen clock. Update with ``pytest tests/tui --snapshot-update`` after a deliberate
change, and look at the diff report before committing."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.tui.test_app import home, on_vendor, runbook_text
from vendortui.screens.app import VendorTui

SIZE = (120, 40)


def test_home_snapshot(tui: VendorTui, snap_compare: Any) -> None:
    assert snap_compare(tui, terminal_size=SIZE, run_before=home)


def test_vendor_snapshot(tui: VendorTui, snap_compare: Any) -> None:
    async def open_datadog(pilot: Pilot[None]) -> None:
        await home(pilot)
        await pilot.press("enter")
        await on_vendor(pilot, "Datadog")

    assert snap_compare(tui, terminal_size=SIZE, run_before=open_datadog)


def test_runbook_snapshot(tui: VendorTui, snap_compare: Any) -> None:
    async def open_runbook(pilot: Pilot[None]) -> None:
        await home(pilot)
        await pilot.press("enter")
        await on_vendor(pilot, "Datadog")
        await pilot.press("4")
        await runbook_text(pilot, "First five minutes")

    assert snap_compare(tui, terminal_size=SIZE, run_before=open_runbook)

"""Helpers for the checklist tests: a vendor, a minimal App around the walker, screen text,
and waiting for a condition (never for a length of time)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Static

from vendortui.app.kb import KnowledgeBase
from vendortui.screens.checklist_walker import ChecklistWalker

SHIPPED = (
    "rollout",
    "keep-the-lights-on",
    "new-data-category",
    "annual-review",
    "sunset",
    "breach-response",
)


@pytest.fixture
def vendor_id(kb: KnowledgeBase) -> str:
    """A vendor in production to run checklists for."""
    return kb.add_vendor("Acme Observability", status="production", risk_tier="high").id


class WalkerApp(App[None]):
    """The smallest app the walker needs: ``self.kb`` and a screen underneath it."""

    def __init__(self, kb: KnowledgeBase, run_id: str | None = None) -> None:
        super().__init__()
        self.kb = kb
        self.run_id = run_id
        self.closed = False

    def compose(self) -> ComposeResult:
        yield Static("home")

    def on_mount(self) -> None:
        if self.run_id is not None:
            self.push_screen(ChecklistWalker(self.run_id), self._walker_closed)

    def _walker_closed(self, _: object) -> None:
        self.closed = True


def screen_text(app: App[None]) -> str:
    """What the terminal shows, as plain text lines."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


LIMIT = 60.0
"""How long a condition may take before the test fails: a bound for a machine busy with
other work, never a pause; every wait ends as soon as its condition holds."""
POLL = 0.005
"""How often a condition is checked while the app (and its thread workers) run."""


async def until(pilot: Pilot[None], condition: Callable[[], object], what: str) -> None:
    """Let the app run until ``condition()`` is true; fail naming ``what`` after ``LIMIT``."""
    deadline = time.monotonic() + LIMIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(POLL)
        await pilot.pause()


async def walker_on_screen(pilot: Pilot[None]) -> ChecklistWalker:
    """The walker once it shows its run (``WalkerApp`` pushes it when it mounts)."""

    def shown() -> bool:
        screen = pilot.app.screen
        return isinstance(screen, ChecklistWalker) and screen.detail is not None

    await until(pilot, shown, "the walker to show its run")
    screen = pilot.app.screen
    assert isinstance(screen, ChecklistWalker)
    return screen


@asynccontextmanager
async def walking(
    kb: KnowledgeBase, run_id: str, size: tuple[int, int] = (120, 40)
) -> AsyncIterator[tuple[WalkerApp, Pilot[None], ChecklistWalker]]:
    """A ``WalkerApp`` on ``run_id``, its pilot, and the walker once it shows the run."""
    app = WalkerApp(kb, run_id)
    async with app.run_test(size=size) as pilot:
        yield app, pilot, await walker_on_screen(pilot)


async def all_saved(pilot: Pilot[None], walker: ChecklistWalker) -> None:
    """Every write the walker queued has been saved or has failed, and is drawn."""
    await until(pilot, lambda: not walker.writes.pending, "the walker's writes to finish")
    await until(pilot, lambda: "saving…" not in screen_text(pilot.app), "a repaint")


def write(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` and return the path."""
    path.write_text(text, encoding="utf-8")
    return path


SMALL = """\
key: tiny-rollout
version: 1
title: Tiny rollout
kind: rollout
description: A small template of our own.
sections:
  - key: prepare
    title: Prepare
    items:
      - key: lead-named
        text: A lead is named
      - key: signed-off
        text: Security signed off
        needs: note
  - key: staging
    title: "Stage 1: staging"
    stage: true
    items:
      - key: staging-checked
        text: Staging dashboards compared
        needs: evidence
      - key: staging-extra
        text: An optional extra
        required: false
  - key: full
    title: "Stage 2: everyone"
    stage: true
    items:
      - key: full-checked
        text: Production dashboards compared
"""

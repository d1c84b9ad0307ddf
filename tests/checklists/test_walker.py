"""The walker and the runs panel through Pilot: every shipped template walked end to end, the
keys, folding, refusals in place, resume, rollback, refresh, export and escaping."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from tests.checklists.conftest import SHIPPED, WalkerApp, screen_text
from vendortui.app.kb import KnowledgeBase
from vendortui.screens.checklist_runs import ChecklistRunsPanel, TemplatePicker
from vendortui.screens.checklist_walker import (
    ChecklistLines,
    ChecklistWalker,
    RollbackPrompt,
    TextPrompt,
)
from vendortui.screens.confirm import ConfirmScreen

SIZE = (120, 40)


def _walker(app: App[None]) -> ChecklistWalker:
    screen = app.screen
    assert isinstance(screen, ChecklistWalker), type(screen)
    return screen


async def _type(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*text)
    await pilot.press("enter")
    await pilot.pause()


async def _answer(pilot: Pilot[None], text: str) -> None:
    """Fill the open prompt and press enter (Pilot types ~40 ms a key; long answers add up)."""
    pilot.app.screen.query_one(Input).value = text
    await pilot.press("enter")


@pytest.mark.parametrize("template", SHIPPED)
async def test_walk_each_shipped_template_end_to_end(
    kb: KnowledgeBase, vendor_id: str, template: str
) -> None:
    run = kb.checklists.start_run(vendor_id, template)
    app = WalkerApp(kb, run.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        walker = _walker(app)
        total = len(walker.lines.items)
        for index in range(total):
            item = walker.lines.items[index]
            assert walker.lines.current_item == index, f"the walk moves on to item {index}"
            if not item.required:
                await pilot.press("x")
            elif item.needs_note:
                await pilot.press("space")
                assert isinstance(app.screen, TextPrompt), "space asks for the missing note"
                await _answer(pilot, f"checked {item.item_key}")
            elif item.needs_evidence:
                await pilot.press("space")
                assert isinstance(app.screen, TextPrompt), "space asks for the missing link"
                await _answer(pilot, f"https://evidence.example/{item.item_key}")
            else:
                await pilot.press("space")
        assert f"({total} items)" in screen_text(app)
        await pilot.press("C")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        text = screen_text(app)
        assert "read-only" in text
        before = [item.state for item in walker.lines.items]
        await pilot.press("space", "x")
        await pilot.pause()
        assert [item.state for item in walker.lines.items] == before
    stored = kb.checklists.detail(run.id)
    assert stored.run.status == "completed" and stored.run.completed_by == "tester@example.com"
    for item in stored.items:
        assert item.state == ("done" if item.required else "not_applicable")
        assert item.state_by == "tester@example.com" and item.state_at is not None
        if item.required and item.needs_note:
            assert item.note == f"checked {item.item_key}"
        if item.required and item.needs_evidence:
            assert item.evidence_url == f"https://evidence.example/{item.item_key}"
    with kb.db.read() as conn:
        ticks = conn.execute(
            "SELECT count(*) FROM checklist_tick WHERE run_id = ?", (run.id,)
        ).fetchone()[0]
    assert ticks == len(stored.items), "one tick per key press that changed an item"


async def test_reopening_resumes_at_the_first_open_item(kb: KnowledgeBase, vendor_id: str) -> None:
    run = kb.checklists.start_run(vendor_id, "keep-the-lights-on")
    async with WalkerApp(kb, run.id).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("space", "space")
        await pilot.pause()
    app = WalkerApp(kb, run.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        walker = _walker(app)
        assert walker.lines.current_item == 2
        third = walker.lines.items[2].text
        assert third in screen_text(app).split("─" * 20)[-1], "the detail pane shows it"
        assert walker.lines.items[0].state == walker.lines.items[1].state == "done"


async def test_blocked_asks_why_and_refusals_stay_in_the_prompt(
    kb: KnowledgeBase, vendor_id: str
) -> None:
    run = kb.checklists.start_run(vendor_id, "annual-review")
    app = WalkerApp(kb, run.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        walker = _walker(app)
        await pilot.press("b")
        assert isinstance(app.screen, TextPrompt)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt), "an empty reason is refused in place"
        assert "reason: say why the item is blocked" in screen_text(app)
        await _type(pilot, "waiting for SOC 2")
        assert app.screen is walker
        first = walker.lines.items[0]
        assert (first.state, first.blocked_reason) == ("blocked", "waiting for SOC 2")
        assert "[!] The security questionnaire" in screen_text(app)
        assert "1 blocked" in screen_text(app)
        await pilot.press("e")
        await _answer(pilot, "ftp://files.example/q.pdf")
        assert isinstance(app.screen, TextPrompt)
        assert "An evidence link must be a web address" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is walker and walker.lines.items[0].evidence_url == ""
        await pilot.press("b")
        await pilot.pause()
        assert walker.lines.items[0].state == "open", "b on a blocked item unblocks it"
        await pilot.press("n")
        await _answer(pilot, "asked the vendor on Monday")
        assert walker.lines.items[0].note == "asked the vendor on Monday"
        assert walker.lines.items[0].state == "open"


async def test_sections_fold_and_unfold(kb: KnowledgeBase, vendor_id: str) -> None:
    run = kb.checklists.start_run(vendor_id, "rollout")
    app = WalkerApp(kb, run.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        lines = app.screen.query_one(ChecklistLines)
        assert len(lines.rows) == 29 + 5
        await pilot.press("enter")
        await pilot.pause()
        assert len(lines.rows) == 29 + 5 - 3
        assert lines.current_item is None and "▸ Before the first stage" in screen_text(app)
        await pilot.press("space")
        await pilot.pause()
        assert len(lines.rows) == 29 + 5, "space on a section header unfolds it too"
        await pilot.press("z")
        await pilot.pause()
        assert len(lines.rows) == 5
        await pilot.press("z", "j", "G")
        await pilot.pause()
        assert lines.current_item == 28
        await pilot.press("g", "k")
        assert lines.cursor == 0


async def test_rollback_is_one_key_and_only_in_rollouts(kb: KnowledgeBase, vendor_id: str) -> None:
    run = kb.checklists.start_run(vendor_id, "rollout")
    app = WalkerApp(kb, run.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "R Rollback" in screen_text(app)
        await pilot.press("R")
        assert isinstance(app.screen, RollbackPrompt)
        await pilot.press(*"p99 doubled", "tab", "tab")
        await pilot.press(*"INC-77", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ChecklistWalker)
    [event] = kb.card(vendor_id).events
    assert event.kind == "rollback"
    assert event.title == "Rolled back from Stage 1: staging or dev-test: p99 doubled"
    assert "- Suspected incident: INC-77" in event.body
    other = kb.checklists.start_run(vendor_id, "sunset")
    app = WalkerApp(kb, other.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Rollback" not in screen_text(app)
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, ChecklistWalker)


async def test_refresh_shows_a_teammates_ticks(kb: KnowledgeBase, vendor_id: str) -> None:
    run = kb.checklists.start_run(vendor_id, "keep-the-lights-on")
    app = WalkerApp(kb, run.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        walker = _walker(app)
        last = walker.lines.items[-1]
        kb.checklists.mark(last.id, "not_applicable")  # someone else, same file
        assert walker.lines.items[-1].state == "open"
        await pilot.press("r")
        await pilot.pause()
        assert walker.lines.items[-1].state == "not_applicable"
        assert walker.lines.current_item == 0, "the cursor stays where it was"


async def test_export_back_and_a_deleted_run(
    kb: KnowledgeBase, vendor_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run = kb.checklists.start_run(vendor_id, "sunset")
    app = WalkerApp(kb, run.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        [saved] = list(tmp_path.glob("acme-observability-sunset-*.md"))
        assert saved.read_text().startswith("# Sunset: Acme Observability")
        await pilot.press("escape")
        await pilot.pause()
        assert app.closed and not isinstance(app.screen, ChecklistWalker)
    app = WalkerApp(kb, "no-such-run")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.closed, "a missing run is a notification, not a traceback"


async def test_untrusted_text_is_drawn_as_text(kb: KnowledgeBase) -> None:
    evil = kb.add_vendor("[bold red]Evil[/] Corp", status="production")
    with sqlite3.connect(kb.path) as conn:  # stored by an older vendortui: the rule refuses it
        conn.execute(
            "UPDATE vendor SET name = ? WHERE id = ?",
            ("[bold red]Evil[/] \x1b]0;pwned\x07Corp", evil.id),
        )
    conn.close()
    run = kb.checklists.start_run(evil.id, "keep-the-lights-on")
    first = kb.checklists.detail(run.id).items[0]
    kb.checklists.mark(first.id, "blocked", reason="[link=file:///etc]x[/link] \x1b[2J")
    app = WalkerApp(kb, run.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "[bold red]Evil[/] \\u001b]0;pwned\\u0007Corp" in text
        assert "([link=file:///etc]x[/link] \\u001b[2J)" in text
        assert "\x1b" not in text and "\x07" not in text


class PanelApp(App[None]):
    """The vendor screen's Checklists tab, reduced to the panel."""

    def __init__(self, kb: KnowledgeBase, vendor_id: str) -> None:
        super().__init__()
        self.kb = kb
        self.vendor_id = vendor_id
        self.messages: list[str] = []

    def compose(self) -> ComposeResult:
        yield ChecklistRunsPanel(self.vendor_id)

    def on_checklist_runs_panel_run_started(self, message: ChecklistRunsPanel.RunStarted) -> None:
        self.messages.append(f"started {message.template_key}")

    def on_checklist_runs_panel_runs_changed(self) -> None:
        self.messages.append("changed")


async def test_the_runs_panel_lists_opens_and_starts_runs(
    kb: KnowledgeBase, vendor_id: str
) -> None:
    done = kb.checklists.start_demo_run(
        vendor_id,
        "annual-review",
        kb.card(vendor_id).vendor.created_at,
        kb.card(vendor_id).vendor.created_at,
        [],
    )
    app = PanelApp(kb, vendor_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        panel = app.query_one(ChecklistRunsPanel)
        assert [run.id for run in panel.runs] == [done]
        assert "Annual review" in screen_text(app) and "completed" in screen_text(app)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, TemplatePicker)
        options = app.screen.query_one(OptionList)
        options.highlighted = next(
            i for i in range(options.option_count) if options.get_option_at_index(i).id == "sunset"
        )
        await pilot.press("enter")
        await pilot.pause()
        walker = _walker(app)
        assert walker.detail is not None and walker.detail.run.template_key == "sunset"
        await pilot.press("escape")
        await pilot.pause()
        assert app.messages == ["started sunset", "changed"]
        assert [run.template_key for run in panel.runs] == ["sunset", "annual-review"]
        panel.offer("breach-response", "The vendor reported a breach.")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Start the Breach response checklist now?" in screen_text(app)
        await pilot.press("y")
        await pilot.pause()
        assert _walker(app).detail.run.template_key == "breach-response"
        assert "Deadline: 72-hour regulator notification due" in screen_text(app)
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert _walker(app).detail.run.template_key == "breach-response", "enter opens a run"

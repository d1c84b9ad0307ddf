"""The walker and the runs panel through Pilot: every shipped template walked end to end, the
keys, folding, refusals in place, resume, rollback, refresh, export and escaping."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from tests.checklists.conftest import (
    SHIPPED,
    WalkerApp,
    all_saved,
    screen_text,
    until,
    walker_on_screen,
    walking,
)
from tests.checklists.past_runs import add_past_run
from vendortui.app.kb import KnowledgeBase
from vendortui.screens.checklist_prompts import RollbackPrompt, TextPrompt
from vendortui.screens.checklist_runs import ChecklistRunsPanel, TemplatePicker
from vendortui.screens.checklist_walker import ChecklistWalker
from vendortui.screens.confirm import ConfirmScreen

SIZE = (120, 40)


async def _type(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*text)
    await pilot.press("enter")


async def _answer(pilot: Pilot[None], text: str) -> None:
    """Fill the open prompt and press enter (Pilot types ~40 ms a key; long answers add up)."""
    pilot.app.screen.query_one(Input).value = text
    await pilot.press("enter")


@pytest.mark.parametrize("template", SHIPPED)
async def test_walk_each_shipped_template_end_to_end(
    kb: KnowledgeBase, vendor_id: str, template: str
) -> None:
    run = kb.checklists.start_run(vendor_id, template)
    async with walking(kb, run.id) as (app, pilot, walker):
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
        await until(pilot, lambda: "read-only" in screen_text(app), "the run to be completed")
        before = [item.state for item in walker.lines.items]
        await pilot.press("space", "x")
        assert not walker.writes.pending, "a completed run takes no ticks"
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
    async with walking(kb, run.id) as (app, pilot, walker):
        await pilot.press("space", "space")
        await all_saved(pilot, walker)
    async with walking(kb, run.id) as (app, pilot, walker):
        assert walker.lines.current_item == 2
        third = walker.lines.items[2].text
        assert third in screen_text(app).split("─" * 20)[-1], "the detail pane shows it"
        assert walker.lines.items[0].state == walker.lines.items[1].state == "done"


async def test_blocked_asks_why_and_refusals_stay_in_the_prompt(
    kb: KnowledgeBase, vendor_id: str
) -> None:
    run = kb.checklists.start_run(vendor_id, "annual-review")
    async with walking(kb, run.id) as (app, pilot, walker):
        await pilot.press("b")
        assert isinstance(app.screen, TextPrompt)
        await pilot.press("enter")
        refusal = "reason: say why the item is blocked"
        await until(pilot, lambda: refusal in screen_text(app), "the refusal under the input")
        assert isinstance(app.screen, TextPrompt), "an empty reason is refused in place"
        await _type(pilot, "waiting for SOC 2")
        assert app.screen is walker
        await all_saved(pilot, walker)
        first = walker.lines.items[0]
        assert (first.state, first.blocked_reason) == ("blocked", "waiting for SOC 2")
        assert "[!] The security questionnaire" in screen_text(app)
        assert "1 blocked" in screen_text(app)
        await pilot.press("e")
        await _answer(pilot, "ftp://files.example/q.pdf")
        assert isinstance(app.screen, TextPrompt)
        link = "An evidence link must be a web address"
        await until(pilot, lambda: link in screen_text(app), "the refusal under the input")
        await pilot.press("escape")
        assert app.screen is walker and walker.lines.items[0].evidence_url == ""
        assert not walker.writes.pending, "a refused or cancelled prompt writes nothing"
        await pilot.press("b")
        await all_saved(pilot, walker)
        assert walker.lines.items[0].state == "open", "b on a blocked item unblocks it"
        await pilot.press("n")
        await _answer(pilot, "asked the vendor on Monday")
        await all_saved(pilot, walker)
        assert walker.lines.items[0].note == "asked the vendor on Monday"
        assert walker.lines.items[0].state == "open"
    stored = kb.checklists.detail(run.id).items[0]
    assert (stored.state, stored.note) == ("open", "asked the vendor on Monday")


async def test_sections_fold_and_unfold(kb: KnowledgeBase, vendor_id: str) -> None:
    run = kb.checklists.start_run(vendor_id, "rollout")
    async with walking(kb, run.id) as (app, pilot, walker):
        lines = walker.lines
        assert len(lines.rows) == 29 + 5
        await pilot.press("enter")
        assert len(lines.rows) == 29 + 5 - 3 and lines.current_item is None
        folded = "▸ Before the first stage"
        await until(pilot, lambda: folded in screen_text(app), "the folded header drawn")
        await pilot.press("space")
        assert len(lines.rows) == 29 + 5, "space on a section header unfolds it too"
        await pilot.press("z")
        assert len(lines.rows) == 5
        await pilot.press("z", "j", "G")
        assert lines.current_item == 28
        await pilot.press("g", "k")
        assert lines.cursor == 0


async def test_rollback_is_one_key_and_only_in_rollouts(kb: KnowledgeBase, vendor_id: str) -> None:
    run = kb.checklists.start_run(vendor_id, "rollout")
    async with walking(kb, run.id) as (app, pilot, _):
        await until(pilot, lambda: "R Rollback" in screen_text(app), "the footer's keys")
        await pilot.press("R")
        assert isinstance(app.screen, RollbackPrompt)
        await pilot.press(*"p99 doubled", "tab", "tab")
        await pilot.press(*"INC-77", "enter")
        await until(pilot, lambda: isinstance(app.screen, ChecklistWalker), "the record saved")
    [event] = kb.card(vendor_id).events
    assert event.kind == "rollback"
    assert event.title == "Rolled back from Stage 1: staging or dev-test: p99 doubled"
    assert "- Suspected incident: INC-77" in event.body
    other = kb.checklists.start_run(vendor_id, "sunset")
    async with walking(kb, other.id) as (app, pilot, _):
        await until(pilot, lambda: "N/A" in screen_text(app), "the footer's keys")
        assert "Rollback" not in screen_text(app)
        await pilot.press("R")
        assert isinstance(app.screen, ChecklistWalker)


async def test_refresh_shows_a_teammates_ticks(kb: KnowledgeBase, vendor_id: str) -> None:
    run = kb.checklists.start_run(vendor_id, "keep-the-lights-on")
    async with walking(kb, run.id) as (_, pilot, walker):
        last = walker.lines.items[-1]
        kb.checklists.mark(last.id, "not_applicable")  # someone else, same file
        assert walker.lines.items[-1].state == "open"
        await pilot.press("r")
        assert walker.lines.items[-1].state == "not_applicable"
        assert walker.lines.current_item == 0, "the cursor stays where it was"


async def test_export_back_and_a_deleted_run(
    kb: KnowledgeBase, vendor_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run = kb.checklists.start_run(vendor_id, "sunset")
    async with walking(kb, run.id) as (app, pilot, walker):
        await pilot.press("m")
        prompt = app.screen
        assert isinstance(prompt, TextPrompt), "m asks where to save"
        default = prompt.query_one(Input).value
        assert default.startswith(f"{tmp_path}/acme-observability-sunset-"), default
        await pilot.press("enter")
        await all_saved(pilot, walker)
        saved = Path(default)
        assert saved.read_text().startswith("# Sunset: Acme Observability")
        await pilot.press("m")
        await _answer(pilot, default)
        taken = "already exists; give a new file name"
        await until(pilot, lambda: taken in screen_text(app), "the refusal under the input")
        await _answer(pilot, str(tmp_path / "no-folder" / "x.md"))
        await until(pilot, lambda: "does not exist" in screen_text(app), "the next refusal")
        monkeypatch.setenv("HOME", str(tmp_path))
        await _answer(pilot, "~/review.md")
        await all_saved(pilot, walker)
        assert (tmp_path / "review.md").read_text() == saved.read_text()
        assert sorted(tmp_path.glob("*.md")) == sorted([saved, tmp_path / "review.md"])
        await pilot.press("escape")
        await until(pilot, lambda: app.closed, "the walker to close")
        assert not isinstance(app.screen, ChecklistWalker)
    app = WalkerApp(kb, "no-such-run")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.closed, "a missing run to close the walker")


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
    async with walking(kb, run.id) as (app, pilot, _):
        await until(pilot, lambda: "Corp" in screen_text(app), "the run drawn")
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
    done = add_past_run(
        kb,
        vendor_id,
        "annual-review",
        kb.card(vendor_id).vendor.created_at,
        kb.card(vendor_id).vendor.created_at,
        [],
    )
    app = PanelApp(kb, vendor_id)
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(ChecklistRunsPanel)
        assert [run.id for run in panel.runs] == [done]
        await until(pilot, lambda: "Annual review" in screen_text(app), "the runs drawn")
        assert "completed" in screen_text(app)
        await pilot.press("s")
        assert isinstance(app.screen, TemplatePicker)
        options = app.screen.query_one(OptionList)
        options.highlighted = next(
            i for i in range(options.option_count) if options.get_option_at_index(i).id == "sunset"
        )
        await pilot.press("enter")
        walker = await walker_on_screen(pilot)
        assert walker.detail is not None and walker.detail.run.template_key == "sunset"
        await pilot.press("escape")
        await until(pilot, lambda: "changed" in app.messages, "the walker to close")
        assert app.messages == ["started sunset", "changed"]
        assert [run.template_key for run in panel.runs] == ["sunset", "annual-review"]
        panel.offer("breach-response", "The vendor reported a breach.")
        assert isinstance(app.screen, ConfirmScreen)
        offered = "Start the Breach response checklist now?"
        await until(pilot, lambda: offered in screen_text(app), "the offer drawn")
        await pilot.press("y")
        walker = await walker_on_screen(pilot)
        assert walker.detail.run.template_key == "breach-response"
        deadline = "Deadline: 72-hour regulator notification due"
        await until(pilot, lambda: deadline in screen_text(app), "the breach clock drawn")
        await pilot.press("q")
        await until(pilot, lambda: app.screen is not walker, "the walker to close")
        await pilot.press("enter")
        walker = await walker_on_screen(pilot)
        assert walker.detail.run.template_key == "breach-response", "enter opens a run"

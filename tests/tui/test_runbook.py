"""The runbook tab with a 5 MB runbook (a pasted log) and the card with megabyte fields, driven
with Pilot: the first screen comes from the first parsed blocks, only blocks on screen are
rendered (a resize too), the outline and heading keys jump, code copies whole, the pager gets
the whole text escaped, and long fields are cut visibly with a key that shows them whole.

Every wait is for a condition (a screen, a widget's text); ``until`` fails after a generous
deadline rather than hang."""

from __future__ import annotations

import json
import stat
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList, Static

from tests.tui.conftest import NOW
from vendortui.app.kb import KnowledgeBase, runbook_template
from vendortui.app.runbook_doc import Block, iter_blocks, outline
from vendortui.app.text import strip_control
from vendortui.screens import block_view
from vendortui.screens import runbook as runbook_screen
from vendortui.screens.app import VendorTui
from vendortui.screens.block_view import CACHE_LINES, BlockView
from vendortui.screens.long_text import DETAIL_CHARS, FullTextScreen
from vendortui.screens.runbook_outline import OutlineScreen
from vendortui.screens.vendor import VendorScreen

SIZE = (120, 40)
LOG_LINE = "2025-06-01T12:{m:02d}:00Z INFO worker-{w} GET /api/v1/items/{n} status=200 took={n}ms\n"


def log(lines: int) -> str:
    return "".join(LOG_LINE.format(m=n % 60, w=n % 17, n=n) for n in range(lines))


PASTED = log(32_000)  # 2.6 MB
HUGE = (
    runbook_template()
    + "\n## Pasted log\n\n"
    + PASTED
    + "\n## The same log, fenced\n\n```text\n"
    + PASTED
    + "```\n\n## The end\n\nLast line of the runbook.\n"
)
MEGABYTE = "A pasted e-mail thread. " * 44_000 + "THE LAST WORDS"


async def until(pilot: Pilot[None], condition: Callable[[], object], what: str) -> None:
    """Let the app run until ``condition()`` holds (a failure after 60 s, never a wait)."""
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, f"{what} never happened"
        await pilot.pause()


async def open_runbook(pilot: Pilot[None], kb: KnowledgeBase) -> BlockView:
    app = pilot.app
    assert isinstance(app, VendorTui)
    app.open_vendor(kb.find_vendor_id("datadog"))
    await until(
        pilot,
        lambda: isinstance(app.screen, VendorScreen) and app.screen.card is not None,
        "the vendor screen",
    )
    await pilot.press("4")
    view = app.screen.query_one("#runbook-view", BlockView)
    return view


def first_line(view: BlockView) -> str:
    return next((line.strip() for line in view.visible_text().splitlines() if line.strip()), "")


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[Block]:
    """Every block rendered, in order (the real renderer still does the work)."""
    calls: list[Block] = []
    real = block_view.render_block

    def counting(block: Block, *args: object) -> object:
        calls.append(block)
        return real(block, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(block_view, "render_block", counting)
    return calls


@pytest.fixture
def huge(tui_kb: KnowledgeBase) -> KnowledgeBase:
    assert len(HUGE) > 5_000_000
    tui_kb.save_runbook(tui_kb.find_vendor_id("datadog"), HUGE)
    return tui_kb


async def test_a_5mb_runbook_shows_its_first_screen_and_renders_only_what_is_seen(
    tui: VendorTui, huge: KnowledgeBase, rendered: list[Block]
) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        view = await open_runbook(pilot, huge)
        await until(pilot, lambda: "What the integration does" in view.visible_text(), "paint")
        await until(pilot, lambda: view.complete, "the whole runbook parsed")
        assert "5.3 MB" in str(tui.screen.query_one("#runbook-status", Static).render())
        assert len(view.blocks) > 300
        assert len(rendered) < 30, "only the blocks on the first screen are rendered"
        await pilot.press("G")
        await until(pilot, lambda: "Last line of the runbook." in view.visible_text(), "the end")
        assert view.scroll_y == view.max_scroll_y
        assert len(rendered) < 60
        # Scrolling up by a line moves by exactly a line, though the block above had only an
        # estimated height until it came into view.
        for _ in range(40):
            before = view.visible_text().split("\n")
            await pilot.press("k")
            after = view.visible_text().split("\n")
            assert after[1:] == before[:-1]
        for _ in range(150):
            await pilot.press("pageup")
        assert view._cached_lines <= CACHE_LINES + SIZE[1], "rendered lines are bounded"


async def test_a_resize_renders_only_the_visible_blocks_and_keeps_the_place(
    tui: VendorTui, huge: KnowledgeBase, rendered: list[Block]
) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        view = await open_runbook(pilot, huge)
        await until(pilot, lambda: view.complete, "the whole runbook parsed")
        index = next(i for i, block in outline(view.blocks) if block.title == "Pasted log")
        view.jump_to(index + 40)
        await until(pilot, lambda: view.top_block() == index + 40, "the jump")
        top = first_line(view)
        rendered.clear()
        await pilot.resize_terminal(90, 30)
        await until(pilot, lambda: view.size.width == 90, "the resize")
        assert top[:40] in view.visible_text().replace("\n", " ")
        assert 0 < len(rendered) <= 6, "a resize renders what is on screen, nothing else"


async def test_outline_lists_the_headings_and_jumps_to_one(
    tui: VendorTui, huge: KnowledgeBase
) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        view = await open_runbook(pilot, huge)
        await until(pilot, lambda: view.complete, "the whole runbook parsed")
        await pilot.press("o")
        await until(pilot, lambda: isinstance(tui.screen, OutlineScreen), "the outline")
        options = tui.screen.query_one(OptionList)
        titles = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert titles[0] == "<Vendor> runbook"
        assert titles[-3:] == ["  Pasted log", "  The same log, fenced", "  The end"]
        await pilot.press("end", "enter")
        await until(pilot, lambda: isinstance(tui.screen, VendorScreen), "back on the runbook")
        # The last heading is near the end: the view stops at the bottom, the heading in it.
        await until(pilot, lambda: "The end" in view.visible_text(), "the jump")
        await pilot.press("left_square_bracket")
        await until(pilot, lambda: first_line(view) == "The same log, fenced", "[")
        await pilot.press("left_square_bracket")
        await until(pilot, lambda: first_line(view) == "Pasted log", "[ again")
        await pilot.press("right_square_bracket")
        await until(pilot, lambda: first_line(view) == "The same log, fenced", "]")


async def test_y_copies_a_code_block_whole_even_when_cut_in_pieces(
    tui: VendorTui, huge: KnowledgeBase
) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        view = await open_runbook(pilot, huge)
        await until(pilot, lambda: view.complete, "the whole runbook parsed")
        pieces = [i for i, block in enumerate(view.blocks) if block.info == "text"]
        assert len(pieces) > 10
        view.jump_to(pieces[len(pieces) // 2])
        await until(pilot, lambda: view.top_block() == pieces[len(pieces) // 2], "the jump")
        await pilot.press("y")
        assert tui.clipboard == PASTED
        view.jump_to(0)
        await until(pilot, lambda: view.top_block() == 0, "the top")
        await pilot.press("y")
        assert tui.clipboard.startswith("# The safest diagnostic command")


async def test_p_pages_the_whole_runbook_with_control_characters_escaped(
    tui: VendorTui, tui_kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "# Runbook\n\n\x1b]0;pwned\x07Title change \x1b[31mred\x1b[0m\n\n" + PASTED
    tui_kb.save_runbook(tui_kb.find_vendor_id("datadog"), body)
    out = tmp_path / "paged.md"
    pager = tmp_path / "pager.sh"
    pager.write_text(f'#!/bin/sh\ncp "$1" "{out}"\n')
    pager.chmod(pager.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PAGER", str(pager))
    # The headless driver cannot suspend (tests/tui/test_terminal.py does it in a real pty).
    monkeypatch.setattr(tui, "suspend", nullcontext)
    async with tui.run_test(size=SIZE) as pilot:
        view = await open_runbook(pilot, tui_kb)
        await until(pilot, lambda: "Runbook" in view.visible_text(), "paint")
        await pilot.press("p")
        await until(pilot, out.exists, "the pager")
    paged = out.read_text(encoding="utf-8")
    assert paged == strip_control(body)
    assert "\x1b" not in paged and "\x07" not in paged
    assert paged.endswith(PASTED)


async def test_the_runbook_is_parsed_off_the_ui_thread(
    tui: VendorTui, huge: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()

    def held_back(text: str) -> Iterator[Block]:
        blocks = iter_blocks(text)
        yield from (next(blocks) for _ in range(60))
        release.wait(60)
        yield from blocks

    monkeypatch.setattr(runbook_screen, "iter_blocks", held_back)
    async with tui.run_test(size=SIZE) as pilot:
        view = await open_runbook(pilot, huge)
        await until(pilot, lambda: "What the integration does" in view.visible_text(), "paint")
        assert not view.complete
        await pilot.press("o")
        await until(pilot, lambda: isinstance(tui.screen, OutlineScreen), "the outline")
        assert "still reading" in str(tui.screen.query_one(Static).render())
        await pilot.press("escape", "1")
        await until(pilot, lambda: tui.screen.query_one("#vendor-tabs").active == "overview", "1")
        await pilot.press("4")
        release.set()
        await until(pilot, lambda: view.complete, "the whole runbook parsed")
        await pilot.press("G")
        await until(pilot, lambda: "Last line of the runbook." in view.visible_text(), "the end")


async def test_megabyte_fields_are_cut_visibly_and_read_whole(
    tui: VendorTui, tui_kb: KnowledgeBase
) -> None:
    """Long text where the card summarises data: event details (and titles that arrived by
    sync, past the form's limit), data descriptions, role notes, people's fields, findings."""
    from vendortui.models import DataCategory, Event, Person, ProbeConfig, ProbeResult, Role

    vendor_id = tui_kb.find_vendor_id("datadog")
    tui_kb.create(
        Event,
        vendor_id=vendor_id,
        kind="note",
        occurred_at="2025-06-01 10:00",
        title="Pasted thread",
        body=MEGABYTE,
    )
    tui_kb.create(DataCategory, vendor_id=vendor_id, name="Thread", description=MEGABYTE)
    finding = {"check": "oidc.x", "severity": "error", "message": MEGABYTE, "hint": MEGABYTE}
    with tui_kb.db.write() as session:  # as sync or an import would bring them
        person = Person(name="Long " + MEGABYTE, email=MEGABYTE)
        probe = ProbeConfig(vendor_id=vendor_id, name="SSO", kind="oidc_discovery")
        session.add_all([person, probe])
        session.flush()
        session.add(
            Role(vendor_id=vendor_id, person_id=person.id, kind="power_user", note=MEGABYTE)
        )
        session.add(Event(vendor_id=vendor_id, kind="note", occurred_at=NOW, title=MEGABYTE))
        session.add(
            ProbeResult(
                probe_id=probe.id,
                vendor_id=vendor_id,
                started_at=NOW,
                outcome="fail",
                findings=json.dumps([finding]),
            )
        )
    async with tui.run_test(size=SIZE) as pilot:
        tui.open_vendor(vendor_id)
        await until(pilot, lambda: isinstance(tui.screen, VendorScreen), "the vendor screen")
        screen = tui.screen
        assert isinstance(screen, VendorScreen)
        await until(pilot, lambda: "Risk tier" in screen_text(tui), "the card")
        await pilot.press("2")
        await until(pilot, lambda: screen.query_one("#roles-table").row_count == 5, "roles")
        await pilot.press("3")
        await pilot.press("5")
        events = screen.query_one("#events-table")
        await until(pilot, lambda: events.row_count == 3, "events")
        details = []
        for row in range(events.row_count):
            detail = await show_event(pilot, screen, row)
            details.append(detail[:13])
            assert len(detail) < 2 * DETAIL_CHARS + 400
            if detail.startswith("Pasted thread"):
                assert f"… ({len(MEGABYTE):,} characters in all; f reads it all)" in detail
                await pilot.press("f")
                await until(pilot, lambda: isinstance(tui.screen, FullTextScreen), "reader")
                await read_to_the_end(pilot, tui.screen.query_one(BlockView))
                await pilot.press("escape")
                await until(pilot, lambda: tui.screen is screen, "back")
        assert sorted(details) == ["A pasted e-ma", "Delayed metri", "Pasted thread"]
        await pilot.press("6")
        await until(pilot, lambda: "characters in all" in probes_text(screen), "findings")
        assert len(probes_text(screen)) < 3 * DETAIL_CHARS
        await pilot.press("f")
        await until(pilot, lambda: isinstance(tui.screen, FullTextScreen), "findings reader")
        await until(pilot, lambda: tui.screen.query_one(BlockView).complete, "every finding")
        await pilot.press("escape", "escape")
        await until(pilot, lambda: tui.screen is not screen, "home")
        await pilot.press("p")
        await until(pilot, lambda: type(tui.screen).__name__ == "PeopleScreen", "people")
        await until(pilot, lambda: tui.screen.query_one("#people-table").row_count == 4, "rows")


async def show_event(pilot: Pilot[None], screen: VendorScreen, row: int) -> str:
    """Move to ``row`` of the events table; the detail pane's text once it shows that event."""
    screen.query_one("#events-table", DataTable).move_cursor(row=row)
    title = screen._event().title[:13]
    await until(pilot, lambda: text_of(screen, "#event-detail").startswith(title), "details")
    return text_of(screen, "#event-detail")


async def read_to_the_end(pilot: Pilot[None], reader: BlockView) -> None:
    await until(pilot, lambda: reader.complete, "the whole text")
    assert "A pasted e-mail thread." in reader.visible_text()
    await pilot.press("G")
    await until(pilot, lambda: "THE LAST WORDS" in reader.visible_text(), "the end")


def screen_text(app: VendorTui) -> str:
    """What the terminal shows, as plain text."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def text_of(screen: object, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())  # type: ignore[attr-defined]


def probes_text(screen: object) -> str:
    statics = screen.query("#probe-list Static")  # type: ignore[attr-defined]
    return "\n".join(str(static.render()) for static in statics)

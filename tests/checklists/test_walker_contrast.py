"""Every cell the checklist walker draws is readable on the light theme and on the default dark
one: the contrast of each drawn character against its own background, measured on the frames
Textual composes (after theme variables, alpha, ``auto`` colours and the ANSI palette), with
the cursor on every row, focused and not. The footer is Textual's and is left out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from textual.app import App
from textual.color import Color
from textual.widgets import Footer

from tests.checklists.conftest import WalkerApp, until, walker_on_screen
from tests.planting import plant
from tests.tui.test_themes import contrast
from vendortui.app.kb import KnowledgeBase
from vendortui.screens.themes import LIGHT

TEXT, GRAPHIC = 4.5, 3.0
"""WCAG AA for text; WCAG 1.4.11 (non-text contrast) for bars, rules and markers."""

THEMES = ("vendortui-light", "textual-dark")


def _graphic(char: str) -> bool:
    """Box drawing, blocks and shapes (U+2500 to U+25FF): the bar, the rule, ▸ ▾ ◀."""
    return 0x2500 <= ord(char) <= 0x25FF


def _hex(colour: object, app: App[object], foreground: bool) -> str:
    rich = colour.get_truecolor(app.ansi_theme, foreground=foreground)  # type: ignore[attr-defined]
    return Color(*rich).hex


def too_faint(app: App[object], what: str) -> list[str]:
    """Each (colour, background, text) on screen below its threshold, with ``what`` state;
    the screen's footer (Textual's) is left out."""
    footer = app.screen.query_one(Footer).region
    out = []
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        if footer.y <= y < footer.bottom:
            continue
        for segment in strip:
            shown = [c for c in segment.text if not c.isspace()]
            if not shown or segment.style is None:
                continue
            fg, bg = segment.style.color, segment.style.bgcolor
            assert fg is not None and bg is not None, f"{segment.text!r} has no colour"
            one, two = _hex(fg, app, True), _hex(bg, app, False)
            if segment.style.reverse:
                one, two = two, one
            ratio = contrast(one, two)
            needed = GRAPHIC if all(_graphic(c) for c in shown) else TEXT
            if ratio < needed:
                out.append(f"{what}, line {y}: {segment.text.strip()!r} {one} on {two} {ratio:.2f}")
    return out


@pytest.fixture
def breach_run(kb: KnowledgeBase) -> str:
    """A breach response two days late, with every state and mark the walker draws."""
    vendor = kb.add_vendor("Acme Observability", status="production", risk_tier="high").id
    run = kb.checklists.start_run(vendor, "breach-response")
    items = kb.checklists.detail(run.id).items
    done, na, blocked = items[0], items[1], items[2]
    kb.checklists.mark(done.id, "done", note="seen", evidence_url="https://e.example/1")
    kb.checklists.mark(na.id, "not_applicable")
    kb.checklists.mark(blocked.id, "blocked", reason="waiting for legal")
    started = datetime.now(UTC) - timedelta(days=5)
    plant(kb.db.path, "checklist_run", run.id, created_at=f"{started:%Y-%m-%d %H:%M:%S.%f}")
    return run.id


@pytest.mark.parametrize("theme", THEMES)
async def test_every_cell_of_the_walker_is_readable(
    kb: KnowledgeBase, breach_run: str, theme: str
) -> None:
    app = WalkerApp(kb, breach_run)
    app.register_theme(LIGHT)
    app.theme = theme
    async with app.run_test(size=(120, 40)) as pilot:
        walker = await walker_on_screen(pilot)
        assert "Deadline:" in str(walker.query_one("#walker-head").render())
        faint: list[str] = []
        states = {item.state for item in walker.lines.items}
        assert states == {"done", "not_applicable", "blocked", "open"}
        assert any(not item.required for item in walker.lines.items), "an optional mark"
        for row in range(len(walker.lines.rows)):
            walker.lines.cursor = row
            walker.lines.refresh()
            walker._paint_detail()
            await pilot.pause()
            faint += too_faint(app, f"cursor on row {row}")
        walker.lines.blur()
        await until(pilot, lambda: not walker.lines.has_focus, "the list to lose focus")
        await pilot.pause()
        faint += too_faint(app, "cursor not focused")
    assert not faint, "\n".join(faint)

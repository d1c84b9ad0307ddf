"""Data text of any size on screen: cut visibly where it is summarised, whole in a lazy reader.

A note, an event's details, a description or a probe finding can hold a pasted megabyte. Drawn
whole in a ``Static`` or a table cell, Rich wraps and measures all of it on the UI thread and
the TUI freezes. So summaries show at most a few thousand characters (table cells a couple of
hundred) and say how much more there is, and ``FullTextScreen`` shows the whole text with the
runbook's lazy ``BlockView`` (only the lines on screen are rendered).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static

from vendortui.app.runbook_doc import plain_blocks
from vendortui.app.text import strip_control
from vendortui.screens.block_view import BlockView
from vendortui.screens.fit_footer import FitFooter

CELL_CHARS = 200
"""A table cell shows at most this much of a value (the edit form has all of it)."""
DETAIL_CHARS = 2_000
"""A detail pane or a finding shows at most this much; a key opens the rest."""


def clipped(value: object, limit: int = DETAIL_CHARS, more: str = "") -> Text:
    """``value`` as text (control characters shown escaped), cut to ``limit`` characters with
    an ellipsis and how much was left out, and ``more`` (how to see it all) when cut. The cut
    comes first, so a megabyte is never scanned on the UI thread."""
    raw = "" if value is None else str(value)
    if len(raw) <= limit:
        return Text(strip_control(raw))
    text = Text(strip_control(raw[:limit]) + "…")
    text.append(f" ({len(raw):,} characters in all{more})", style="dim italic")
    return text


def cell(value: object) -> Text:
    """A table cell: ``clipped`` to ``CELL_CHARS``."""
    return clipped(value, CELL_CHARS)


class FullTextScreen(Screen[None]):
    """A long text (a note, a finding, an event's details) whole, read-only, rendered lazily."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "Back", id="fulltext.back")
    ]

    DEFAULT_CSS = """
    FullTextScreen BlockView { height: 1fr; scrollbar-gutter: stable; }
    """

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        yield Static(Text(strip_control(self.title_text), style="bold"), classes="title-bar")
        yield BlockView(id="full-text")
        yield FitFooter()

    def on_mount(self) -> None:
        text = self.text
        view = self.query_one(BlockView)
        view.load(lambda: plain_blocks(text))
        view.focus()

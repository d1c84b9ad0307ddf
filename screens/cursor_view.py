"""A line-API scroll view with a row cursor: the movement keys both line lists share.

``CursorView`` holds the cursor, clamps it to the rows, keeps it on screen and binds up/k,
down/j, page up/ctrl+b, page down/ctrl+f, home/g and end/G. A subclass says how many rows it
has (``row_count``), how many header lines sit above them (``HEADER_LINES``) and what happens
once the cursor moved (``cursor_moved``); it draws the rows itself.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from textual.binding import Binding, BindingType
from textual.scroll_view import ScrollView


class CursorView(ScrollView, can_focus=True):
    """A scrolling list of rows with a cursor moved by the arrow keys, j/k and paging."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("home,g", "first", "First", show=False, id="list.first"),
        Binding("end,G", "last", "Last", show=False, id="list.last"),
    ]

    HEADER_LINES: ClassVar[int] = 0
    """Lines drawn above the rows that do not scroll (a column header, for example)."""

    cursor: int
    """The row under the cursor, counted from the first row (headers not included)."""

    @property
    def row_count(self) -> int:
        """How many rows the cursor can be on."""
        raise NotImplementedError

    def component_style(self, name: str) -> Style:
        """A component's style for drawing over this widget: its text style, and its colour
        and background only where it sets them. The colour comes from the full style, where
        Textual resolves ``auto`` and see-through colours (``$text``, ``$text-muted``)
        against the background; a partial style has them as plain white, which vanished on
        the light theme."""
        partial = self.get_component_rich_style(name, partial=True)
        full = self.get_component_rich_style(name)
        return partial + Style(
            color=full.color if partial.color else None,
            bgcolor=full.bgcolor if partial.bgcolor else None,
        )

    # Cursor -----------------------------------------------------------------------------------

    @property
    def _page(self) -> int:
        """How far page up and page down move the cursor."""
        return max(1, self.scrollable_content_region.height - 1)

    def clamp_cursor(self, row: int) -> int:
        """``row`` moved into ``0 .. row_count - 1`` (0 when there are no rows)."""
        return max(0, min(row, self.row_count - 1))

    def scroll_to_cursor(self) -> None:
        """Scroll just enough for the cursor's row to be on screen."""
        visible = max(1, self.scrollable_content_region.height - self.HEADER_LINES)
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False, immediate=True)

    def move_to(self, row: int) -> None:
        """Put the cursor on ``row`` (clamped), scroll it into view, then ``cursor_moved``."""
        old, self.cursor = self.cursor, self.clamp_cursor(row)
        self.scroll_to_cursor()
        self.cursor_moved(old)

    def cursor_moved(self, old: int) -> None:
        """Called after ``move_to`` with the row the cursor was on; redraws by default."""
        self.refresh()

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_page_up(self) -> None:
        self.move_to(self.cursor - self._page)

    def action_page_down(self) -> None:
        self.move_to(self.cursor + self._page)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(self.row_count - 1)

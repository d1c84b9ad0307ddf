"""A ``DataTable`` that fits its width: on a narrow terminal the least important columns go
first, long free text is cut with an ellipsis, and names are cut (with an ellipsis) last.

Textual's ``DataTable`` sizes every column to its widest cell and scrolls sideways when they do
not fit, so at 80 columns a vendor's People tab hid the e-mail and phone behind a sideways
scroll. ``FitTable`` keeps every row whole and decides on each resize which columns are shown
and how wide, the way ``vendor_list.VirtualList`` does for the vendor list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widgets import DataTable

MIN_NAME = 12
"""Cells a name column keeps when even dropping every droppable column is not enough."""


@dataclass(frozen=True)
class TableColumn:
    """One column of a ``FitTable``."""

    title: str
    drop: int = 0
    """Columns go in order of ``drop``, highest first, when the table is too narrow; 0 stays."""
    squeeze: int = 0
    """Free text (a note, a description): cut with an ellipsis down to this many cells before
    any column is dropped. 0: shown whole while it is shown."""
    name: bool = False
    """A name: cut with an ellipsis (down to ``MIN_NAME``) only once nothing can be dropped."""


def plan(
    columns: Sequence[TableColumn], natural: Sequence[int], room: int, pad: int
) -> dict[int, int]:
    """Which columns to show in ``room`` cells, by index, and each one's width.

    ``natural`` is each column's widest cell, ``pad`` the padding every shown column adds.
    Squeezable text shrinks first, then columns are dropped by priority, then names shrink.
    """

    def floor(i: int) -> int:
        return min(natural[i], columns[i].squeeze) if columns[i].squeeze else natural[i]

    shown = list(range(len(columns)))
    droppable = sorted((i for i, c in enumerate(columns) if c.drop), key=lambda i: -columns[i].drop)
    while droppable and sum(floor(i) + pad for i in shown) > room:
        shown.remove(droppable.pop(0))
    widths = {i: natural[i] for i in shown}
    excess = sum(w + pad for w in widths.values()) - room
    for i in shown:
        if excess > 0 and columns[i].squeeze:
            cut = min(excess, widths[i] - floor(i))
            widths[i] -= cut
            excess -= cut
    names = [i for i in shown if columns[i].name]
    while excess > 0 and names:
        widest = max(names, key=lambda i: widths[i])
        if widths[widest] <= MIN_NAME:
            break
        widths[widest] -= 1
        excess -= 1
    return widths


class FitTable(DataTable[Any]):
    """A row-cursor table whose columns fit its width (see the module docstring)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.spec: tuple[TableColumn, ...] = ()
        self.full_rows: list[tuple[str, tuple[Text, ...]]] = []
        self._layout: dict[int, int] | None = None

    def set_columns(self, *columns: TableColumn) -> None:
        """The columns, most important first in display order; call once, before ``set_rows``."""
        self.spec = columns
        self._show(force=True)

    def set_rows(self, rows: Sequence[tuple[str, Sequence[Text]]]) -> None:
        """Show ``rows`` (row key, one cell per column), keeping the cursor's row number."""
        self.full_rows = [(key, tuple(cells)) for key, cells in rows]
        self._show(force=True)

    def shown_titles(self) -> list[str]:
        """The titles of the columns on screen now."""
        return [self.spec[i].title for i in sorted(self._layout or {})]

    def on_resize(self, _event: events.Resize) -> None:
        self._show(force=False)

    def _show(self, *, force: bool) -> None:
        if not self.spec:
            return
        natural = [
            max([cell_len(c.title)] + [cell_len(cells[i].plain) for _, cells in self.full_rows])
            for i, c in enumerate(self.spec)
        ]
        # From the widget's outer width, not ``size`` (which loses the scrollbar's cells when
        # one appears): otherwise a re-layout that toggles a scrollbar re-lays out again.
        room = self.outer_size.width - self.styles.gutter.width
        room -= self.styles.scrollbar_size_vertical
        layout = plan(self.spec, natural, room, 2 * self.cell_padding) if room > 0 else None
        if layout is None:
            layout = {i: natural[i] for i in range(len(self.spec))}
        if layout == self._layout and not force:
            return
        self._layout = layout
        keep = self.cursor_row
        self.clear(columns=True)
        order = sorted(layout)
        for i in order:
            self.add_column(self.spec[i].title, width=layout[i])
        for key, cells in self.full_rows:
            self.add_row(*(_ellipsis(cells[i]) for i in order), key=key)
        self.move_cursor(row=keep)


def _ellipsis(cell: Text) -> Text:
    """``cell`` on one line, ending in an ellipsis when its column is narrower than it."""
    text = cell.copy()
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text

"""A virtual list: draws only the rows on screen, so 10,000 vendors filter as fast as 10.

Textual's ``DataTable`` measures every cell of every row it is given (about 1 s to clear and
re-add 10k rows), which is far over the 50 ms a filter keystroke may take. This widget uses the
line API instead: ``set_items`` only stores the list and sets the virtual height, and
``render_line`` formats the one row asked for. The same widget, with other columns, lists what
needs attention on the home screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from vendortui.app.attention import AttentionItem
from vendortui.app.card import status_text
from vendortui.app.queries import VendorRow
from vendortui.app.text import strip_control
from vendortui.screens.cursor_view import CursorView

T = TypeVar("T")


@dataclass(frozen=True)
class Column(Generic[T]):
    """One column: its title, the cell text of an item, and how wide it may be."""

    title: str
    value: Callable[[T], str]
    width: int = 0
    """Fixed width in cells; 0 means a share of what the fixed columns leave over."""
    style: Callable[[T], str] | None = None
    """An optional Rich style for the cell (for example red for ``overdue``)."""
    share: int = 1
    """How many shares of the leftover width a flexible column takes."""
    drop: int = 0
    """When the list is too narrow for every column, columns go in order of ``drop``, highest
    first, before a flexible column (a name) is squeezed below ``MIN_FLEXIBLE``; 0 stays."""


MIN_FLEXIBLE = 18
"""Cells a flexible column (vendor names) keeps before less important columns are dropped."""


def fit(text: str, width: int) -> str:
    """``text`` cropped (with an ellipsis) or padded to exactly ``width`` cells."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


class VirtualList(CursorView, Generic[T], can_focus=True):
    """A scrolling list with a header line, a cursor, j/k, mouse clicks and the wheel."""

    COLUMNS: ClassVar[Sequence[Column]] = ()
    EMPTY: ClassVar[str] = "Nothing to show."

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select", "Open", id="list.open")]
    HEADER_LINES: ClassVar[int] = 1

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-list--header",
        "virtual-list--cursor",
        "virtual-list--empty",
    }

    DEFAULT_CSS = """
    VirtualList {
        height: 1fr;
        overflow-x: hidden;
        background: $surface;
    }
    VirtualList > .virtual-list--header { text-style: bold; color: $text-accent; }
    VirtualList > .virtual-list--cursor { background: $panel; }
    VirtualList:focus > .virtual-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; text-style: $block-cursor-text-style; }
    VirtualList > .virtual-list--empty { color: $text-muted; text-style: italic; }
    """  # noqa: E501

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Selected(Message):
        """Enter or a double click on ``item``."""

        def __init__(self, item: object) -> None:
            super().__init__()
            self.item = item

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.items: Sequence[T] = []

    # Data -----------------------------------------------------------------------------------

    def set_items(self, items: Sequence[T], keep: Callable[[T], bool] | None = None) -> None:
        """Show ``items``; the cursor goes to the first item matching ``keep``, else the top.

        O(1) apart from the optional ``keep`` search: nothing is measured or rendered here.
        """
        self.items = items
        self.virtual_size = Size(0, len(items) + 1)
        target = 0
        if keep is not None:
            target = next((i for i, item in enumerate(items) if keep(item)), 0)
        self.cursor = target
        self.refresh()

    @property
    def current(self) -> T | None:
        """The item under the cursor, if any."""
        if 0 <= self.cursor < len(self.items):
            return self.items[self.cursor]
        return None

    # Cursor -----------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.items)

    def validate_cursor(self, value: int) -> int:
        return self.clamp_cursor(value)

    def watch_cursor(self) -> None:
        self.scroll_to_cursor()
        self.refresh()

    def move_to(self, row: int) -> None:
        """Set the reactive ``cursor``: it clamps, scrolls and redraws itself."""
        self.cursor = row

    def action_select(self) -> None:
        item = self.current
        if item is not None:
            self.post_message(self.Selected(item))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return
        index = round(self.scroll_y) + offset.y - 1
        if index >= len(self.items):
            return
        self.cursor = index
        if event.chain >= 2:
            self.action_select()

    # Drawing ----------------------------------------------------------------------------------

    def columns_for(self, width: int) -> list[Column[T]]:
        """The columns shown at ``width``: the least important dropped until the flexible
        ones keep ``MIN_FLEXIBLE`` cells each (a column is never cut off at the edge)."""
        columns = list(self.COLUMNS)
        for victim in sorted((c for c in self.COLUMNS if c.drop), key=lambda c: -c.drop):
            if _leftover(columns, width) >= 0:
                break
            columns.remove(victim)
        return columns

    @staticmethod
    def _widths(columns: Sequence[Column[T]], width: int) -> list[int]:
        fixed = sum(column.width + 1 for column in columns if column.width)
        shares = sum(column.share for column in columns if not column.width) or 1
        flexible = sum(1 for column in columns if not column.width)
        left = max(8 * flexible, width - fixed - flexible)
        return [column.width or max(8, left * column.share // shares) for column in columns]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        columns = self.columns_for(width - 1)
        if y == 0:
            return self._row_strip(
                columns,
                [column.title for column in columns],
                [None] * len(columns),
                width,
                base + self.get_component_rich_style("virtual-list--header", partial=True),
            )
        index = round(self.scroll_y) + y - 1
        if not self.items and y == 1:
            style = base + self.component_style("virtual-list--empty")
            return Strip([Segment(fit(f" {self.EMPTY}", width), style)], width)
        if index >= len(self.items):
            return Strip.blank(width, base)
        item = self.items[index]
        row_style = base
        if index == self.cursor:
            row_style = base + self.get_component_rich_style("virtual-list--cursor", partial=True)
        cells = [strip_control(column.value(item)) for column in columns]
        styles = [column.style(item) if column.style else None for column in columns]
        return self._row_strip(columns, cells, styles, width, row_style)

    def _row_strip(
        self,
        columns: Sequence[Column[T]],
        cells: list[str],
        styles: list[str | None],
        width: int,
        row_style: Style,
    ) -> Strip:
        segments = [Segment(" ", row_style)]
        widths = self._widths(columns, width - 1)
        for text, cell_width, style in zip(cells, widths, styles, strict=True):
            cell_style = row_style + Style.parse(style) if style else row_style
            segments.append(Segment(fit(text, cell_width), cell_style))
            segments.append(Segment(" ", row_style))
        return Strip(segments).adjust_cell_length(width, row_style)


def _leftover(columns: Sequence[Column[Any]], width: int) -> int:
    """Cells left over at ``width`` once every column has its fixed or minimum width."""
    used = sum((column.width or MIN_FLEXIBLE) + 1 for column in columns)
    return width - used


def _status(row: VendorRow) -> str:
    return status_text(row.status, row.rollout_stage, row.rollout_percent)


RISK_STYLES = {"critical": "bold red", "high": "yellow"}
STATUS_STYLES = {"rolling_out": "cyan", "sunsetting": "magenta", "retired": "dim"}


class VendorList(VirtualList[VendorRow]):
    """Every vendor: name, category, lifecycle status, risk tier, lead and backup."""

    COLUMNS = (
        Column("Vendor", lambda row: row.name),
        Column("Category", lambda row: row.category, 16, drop=3),
        Column("Status", _status, 26, lambda row: STATUS_STYLES.get(row.status, "")),
        Column(
            "Risk", lambda row: row.risk_tier, 8, lambda row: RISK_STYLES.get(row.risk_tier, "")
        ),
        Column("Lead", lambda row: row.lead or "-", 16, drop=1),
        Column("Backup", lambda row: row.backup or "-", 16, drop=2),
    )
    EMPTY = "No vendor matches. Escape clears the filter; a adds a vendor."


SEVERITY_STYLES = {"overdue": "bold red", "due": "yellow", "info": "dim"}


class AttentionList(VirtualList[AttentionItem]):
    """What needs attention, most urgent first (``KnowledgeBase.attention()``)."""

    COLUMNS = (
        Column("!", lambda item: item.severity, 8, lambda item: SEVERITY_STYLES[item.severity]),
        Column("Vendor", lambda item: item.vendor, 20),
        Column("Why", lambda item: item.why, share=3),
        Column("What to do", lambda item: item.todo, share=2, drop=1),
    )
    EMPTY = "Nothing needs attention."

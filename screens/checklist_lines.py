"""The walker's item list: sections and items as lines, drawn only where they are on screen.

``ChecklistLines`` stores the items and draws only the visible rows, so a 500-item run opens
as fast as a 20-item one and a tick repaints two lines (the item and its section header), not
the screen. Writes happen elsewhere (the walker's write queue); the list only shows their
state: an item whose write is queued or running is drawn with the state it is being given and
``saving…``, and one whose write failed goes back to what is stored with the reason beside it.

Text from the knowledge base is drawn as plain ``Segment`` text (never parsed as markup), on
one line with control sequences removed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from vendortui.app.checklists.export import one_line
from vendortui.app.checklists.records import ItemView
from vendortui.models.enums import ItemState
from vendortui.screens.cursor_view import CursorView
from vendortui.screens.vendor_list import fit

GLYPHS: dict[str, tuple[str, str]] = {
    ItemState.DONE: ("[x]", "checklist--done"),
    ItemState.NOT_APPLICABLE: ("[-]", "checklist--na"),
    ItemState.BLOCKED: ("[!]", "checklist--blocked"),
    ItemState.OPEN: ("[ ]", "checklist--open"),
}
SAVING = "  saving…"


@dataclass(frozen=True, slots=True)
class Section:
    """A run of consecutive items with the same section: ``items[start:end]``."""

    key: str
    title: str
    start: int
    end: int


def sections_of(items: list[ItemView]) -> list[Section]:
    """The sections in walking order, from the items' section keys."""
    out: list[Section] = []
    start = 0
    for index in range(1, len(items) + 1):
        if index == len(items) or items[index].section_key != items[start].section_key:
            first = items[start]
            out.append(Section(first.section_key, first.section_title, start, index))
            start = index
    return out


class ChecklistLines(CursorView, can_focus=True):
    """Sections and items as lines: a cursor, folding, and drawing only what is visible.

    A row is ``-1 - s`` for the header of section ``s``, or an item index ``>= 0``.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,o", "fold", "Fold", id="walker.fold"),
        Binding("z", "fold_all", "Fold all", show=False, id="walker.fold_all"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "checklist--section",
        "checklist--current-stage",
        "checklist--cursor",
        "checklist--done",
        "checklist--na",
        "checklist--blocked",
        "checklist--open",
        "checklist--muted",
        "checklist--warning",
        "checklist--saving",
        "checklist--failed",
    }

    DEFAULT_CSS = """
    ChecklistLines { height: 1fr; overflow-x: hidden; background: $surface; }
    ChecklistLines > .checklist--section { text-style: bold; color: $text-accent; }
    ChecklistLines > .checklist--current-stage { color: $text-warning; text-style: bold; }
    ChecklistLines > .checklist--cursor { background: $panel; }
    ChecklistLines:focus > .checklist--cursor { background: $block-cursor-background; color: auto 100%; }
    ChecklistLines > .checklist--done { color: $text-success; text-style: bold; }
    ChecklistLines > .checklist--na { color: $text-muted; }
    ChecklistLines > .checklist--blocked { color: $text-error; text-style: bold; }
    ChecklistLines > .checklist--open { color: $text; }
    ChecklistLines > .checklist--muted { color: $text-muted; }
    ChecklistLines > .checklist--warning { color: $text-warning; }
    ChecklistLines > .checklist--saving { color: $text-muted; text-style: italic; }
    ChecklistLines > .checklist--failed { color: $text-error; text-style: bold; }
    """  # noqa: E501

    class Highlighted(Message):
        """The cursor moved (or the item under it changed)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: list[ItemView] = []
        self.index_of: dict[str, int] = {}
        self.sections: list[Section] = []
        self.section_of: list[int] = []
        self.folded: set[int] = set()
        self.rows: list[int] = []
        self.row_of: dict[int, int] = {}
        self.cursor = 0
        self.current_stage = ""
        self.saving: Counter[str] = Counter()
        """Item id -> how many of its writes are queued or running."""
        self.stored: dict[str, ItemView] = {}
        """Item id -> the item as last saved, for items drawn with a write still pending."""
        self.failed: dict[str, str] = {}
        """Item id -> the sentence of its last write that failed (cleared by the next one)."""

    # Data -------------------------------------------------------------------------------------

    def set_items(self, items: list[ItemView], current_stage: str, cursor_item: int) -> None:
        """Show ``items`` with the cursor on item ``cursor_item``; folds are kept by key.

        An item with a write still pending keeps the state it is being given.
        """
        folded_keys = {self.sections[s].key for s in self.folded if s < len(self.sections)}
        shown = {key: self.items[i] for key, i in self.index_of.items() if key in self.saving}
        self.stored.update((item.id, item) for item in items if item.id in shown)
        self.items = [shown.get(item.id, item) for item in items]
        self.index_of = {item.id: index for index, item in enumerate(items)}
        self.current_stage = current_stage
        self.sections = sections_of(items)
        self.section_of = [0] * len(items)
        for number, section in enumerate(self.sections):
            for index in range(section.start, section.end):
                self.section_of[index] = number
        self.folded = {n for n, s in enumerate(self.sections) if s.key in folded_keys}
        self._layout()
        self.move_to_item(cursor_item)

    def _layout(self) -> None:
        """Rebuild the visible rows after a fold changed (O(items), no drawing)."""
        rows: list[int] = []
        for number, section in enumerate(self.sections):
            rows.append(-1 - number)
            if number not in self.folded:
                rows.extend(range(section.start, section.end))
        self.rows = rows
        self.row_of = {row: y for y, row in enumerate(rows)}
        self.virtual_size = Size(0, len(rows))
        self.refresh()

    def _show(self, item: ItemView, current_stage: str | None = None) -> None:
        """Redraw one item's line and its section's header, nothing else."""
        index = self.index_of.get(item.id)
        if index is None:
            return
        self.items[index] = item
        if current_stage is not None and current_stage != self.current_stage:
            self.current_stage = current_stage
            self.refresh()
        for row in (index, -1 - self.section_of[index]):
            if row in self.row_of:
                self.refresh_line(self.row_of[row])
        self.post_message(self.Highlighted())

    def show_pending(self, item: ItemView) -> None:
        """A write of ``item`` (as it will be once saved) is queued: draw it with ``saving…``."""
        index = self.index_of[item.id]
        self.stored.setdefault(item.id, self.items[index])
        self.saving[item.id] += 1
        self.failed.pop(item.id, None)
        self._show(item)

    def show_saved(self, item: ItemView, current_stage: str) -> None:
        """A write of ``item`` was saved; it is drawn as saved once no other write is pending."""
        self.saving[item.id] -= 1
        if self.saving[item.id] > 0:
            self.stored[item.id] = item
            self.current_stage = current_stage
            return
        del self.saving[item.id]
        self.stored.pop(item.id, None)
        self._show(item, current_stage)

    def show_failed(self, item_id: str, reason: str) -> None:
        """A write of the item failed: back to what is stored, with ``reason`` beside it."""
        self.saving[item_id] -= 1
        self.failed[item_id] = reason
        if self.saving[item_id] > 0:
            return
        del self.saving[item_id]
        stored = self.stored.pop(item_id, None)
        if stored is not None:
            self._show(stored)

    @property
    def current_item(self) -> int | None:
        """The index of the item under the cursor (``None`` on a section header)."""
        if not self.rows:
            return None
        row = self.rows[self.cursor]
        return row if row >= 0 else None

    @property
    def current_section(self) -> int | None:
        """The section of the row under the cursor."""
        if not self.rows:
            return None
        row = self.rows[self.cursor]
        return -1 - row if row < 0 else self.section_of[row]

    # Cursor -----------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def move_to(self, row: int) -> None:
        """Put the cursor on visible row ``row`` and scroll it into view."""
        if self.rows:
            super().move_to(row)

    def cursor_moved(self, old: int) -> None:
        self.refresh_line(old)
        self.refresh_line(self.cursor)
        self.post_message(self.Highlighted())

    def move_to_item(self, index: int) -> None:
        """Put the cursor on an item, unfolding its section if needed."""
        if not self.items:
            return
        index = max(0, min(index, len(self.items) - 1))
        section = self.section_of[index]
        if section in self.folded:
            self.folded.discard(section)
            self._layout()
        self.move_to(self.row_of[index])

    def next_item(self) -> None:
        """Move to the next visible item (after a tick: walking goes forward)."""
        for y in range(self.cursor + 1, len(self.rows)):
            if self.rows[y] >= 0:
                self.move_to(y)
                return

    def action_fold(self) -> None:
        """Fold or unfold the section under the cursor; the cursor stays on its header."""
        section = self.current_section
        if section is None:
            return
        self.folded ^= {section}
        self._layout()
        self.move_to(self.row_of[-1 - section])

    def action_fold_all(self) -> None:
        """Fold every section, or unfold them all when all are folded."""
        section = self.current_section
        every = set(range(len(self.sections)))
        self.folded = set() if self.folded == every else every
        self._layout()
        if section is not None:
            self.move_to(self.row_of[-1 - section])

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        y = round(self.scroll_y) + offset.y
        if y < len(self.rows):
            self.move_to(y)
            if event.chain >= 2 and self.rows[y] < 0:
                self.action_fold()

    # Drawing ----------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = round(self.scroll_y) + y
        if index >= len(self.rows):
            return Strip.blank(width, base)
        cursor = self.component_style("checklist--cursor") if index == self.cursor else Style()
        row_style = base + cursor
        row = self.rows[index]
        if row < 0:
            segments, flexible = self._section_segments(-1 - row), [(1, 10)]
        else:
            segments = self._item_segments(row)
            item_id = self.items[row].id
            failed = item_id in self.failed and item_id not in self.saving
            # The reason a write failed matters more than the rest of a text the user knows.
            flexible = [(3, 30), (len(segments) - 1, 10)] if failed else [(3, 10)]
        excess = sum(cell_len(text) for text, _ in segments) - width
        for n, least in flexible:
            text, style = segments[n]
            room = max(least, cell_len(text) - excess)
            if room < cell_len(text):
                segments[n] = (fit(text, room), style)
                excess -= cell_len(text) - room
        # The cursor's own colour (when focused) goes over the marks' colours: a warning
        # colour chosen for the list's background can vanish on the cursor's.
        styled = [Segment(text, row_style + style + cursor) for text, style in segments]
        return Strip(styled).adjust_cell_length(width, row_style)

    def _section_segments(self, number: int) -> list[tuple[str, Style]]:
        section = self.sections[number]
        states = Counter(item.state for item in self.items[section.start : section.end])
        settled = states[ItemState.DONE] + states[ItemState.NOT_APPLICABLE]
        out = [
            ("▸ " if number in self.folded else "▾ ", self.component_style("checklist--section")),
            (one_line(section.title or section.key), self.component_style("checklist--section")),
            (
                f"  {settled}/{section.end - section.start}",
                self.component_style("checklist--muted"),
            ),
        ]
        if states[ItemState.BLOCKED]:
            blocked = states[ItemState.BLOCKED]
            out.append((f"  {blocked} blocked", self.component_style("checklist--blocked")))
        if section.key and section.key == self.current_stage:
            out.append(("  ◀ current stage", self.component_style("checklist--current-stage")))
        return out

    def _item_segments(self, index: int) -> list[tuple[str, Style]]:
        """Glyph, text, then marks; a failed write's reason comes last."""
        item = self.items[index]
        glyph, glyph_style = GLYPHS.get(item.state, ("[?]", "checklist--open"))
        if item.id in self.saving:
            glyph_style = "checklist--saving"
        out = [("   ", Style()), (glyph, self.component_style(glyph_style)), (" ", Style())]
        out.append(
            (
                one_line(item.text),
                self.component_style("checklist--na")
                if item.state == ItemState.NOT_APPLICABLE
                else Style(),
            )
        )
        if item.id in self.saving:
            out.append((SAVING, self.component_style("checklist--saving")))
        if not item.required:
            out.append(("  optional", self.component_style("checklist--muted")))
        if item.state == ItemState.BLOCKED and item.blocked_reason:
            out.append(
                (f"  ({one_line(item.blocked_reason)})", self.component_style("checklist--blocked"))
            )
        missing = item.missing
        if missing and item.state != ItemState.DONE:
            label = "needs a note" if missing == "note" else "needs a link"
            out.append((f"  {label}", self.component_style("checklist--warning")))
        else:
            marks = ("  ✎" if item.note else "") + ("  ↗" if item.evidence_url else "")
            if marks:
                out.append((marks, self.component_style("checklist--muted")))
        if item.id in self.failed and item.id not in self.saving:
            reason = one_line(self.failed[item.id])
            out.append((f"  ✗ not saved: {reason}", self.component_style("checklist--failed")))
        return out

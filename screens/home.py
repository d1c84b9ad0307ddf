"""The home screen: what needs attention, and every vendor, filtered as you type.

The first frame must not wait for SQLModel, so this module imports nothing that does, and the
vendor list is read with ``kb.vendor_rows()`` (stdlib ``sqlite3``) before the first paint.
The attention list (a heavier query) arrives from a thread worker once the keys typed ahead
have landed, and the footer is rebuilt then too (``BindingsWhenIdle``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from vendortui.app.attention import AttentionItem
from vendortui.app.errors import KbError
from vendortui.app.queries import VendorRow, filter_rows
from vendortui.app.text import safe
from vendortui.screens.fit_footer import FitFooter
from vendortui.screens.typeahead import BindingsWhenIdle
from vendortui.screens.vendor_list import AttentionList, VendorList, VirtualList

if TYPE_CHECKING:
    from vendortui.screens.app import VendorTui


class FilterInput(Input):
    """The ``/`` filter. Arrow keys move the list's cursor so you never leave the keyboard row."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Down", show=False, id="filter.down"),
        Binding("up", "move(-1)", "Up", show=False, id="filter.up"),
        Binding("escape", "screen.clear_filter", "Clear filter", id="filter.clear"),
    ]

    def action_move(self, step: int) -> None:
        """Move the vendor list's cursor while the filter keeps focus."""
        self.screen.query_one(VendorList).cursor += step


class HomeScreen(BindingsWhenIdle, Screen[None]):
    """Attention list on top, the vendor list below, the filter between them."""

    app: VendorTui

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", key_display="/", id="home.filter"),
        Binding("a", "add_vendor", "Add", id="home.add"),
        Binding("e", "edit_vendor", "Edit", id="home.edit"),
        Binding("ctrl+d", "delete_vendor", "Delete", id="home.delete"),
        Binding("p", "app.people", "People", id="home.people"),
        Binding("r", "reload", "Reload", id="home.reload"),
        Binding("ctrl+s", "app.sync", "Sync", id="home.sync"),
        Binding("c", "conflicts", "Conflicts", id="home.conflicts"),
    ]
    """Deleting, syncing and quitting take ctrl: a burst of text that reaches this screen
    (typed before the filter had focus, in another terminal program) never runs them."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[VendorRow] = []
        self.conflicts = 0
        self.stale = False
        """Re-read on return (set when leaving for a screen that may change data)."""
        self._matches: dict[str, list[VendorRow]] = {"": []}
        """Recent filter results by query: typing narrows the longest cached prefix's result
        (a row matching ``"dat"`` also matches ``"da"``), backspace finds its result here."""

    def compose(self) -> ComposeResult:
        with Horizontal(classes="title-bar"):
            yield Static(self._title(), id="title")
            yield Static("", id="status")
        with Vertical(id="attention-box") as box:
            box.border_title = "Needs attention"
            yield AttentionList(id="attention")
        with Horizontal(id="filter-row"):
            yield FilterInput(placeholder="/ to filter vendors", id="filter", compact=True)
            yield Static("", id="count")
        yield VendorList(id="vendors")
        yield FitFooter()

    def _title(self) -> str:
        kb = self.app.kb
        mode = " · [b]read-only[/b]" if kb.readonly else ""
        if kb.db.banner:
            mode += f" · [b]{safe(kb.db.banner)}[/b]"
        return f"[b]vendortui[/b] · {safe(kb.short_label)}{mode}"

    def on_mount(self) -> None:
        # Read synchronously: the list is what the first frame is for, and stdlib sqlite3
        # returns 10,000 rows in well under 100 ms. Anything slower goes to a worker.
        try:
            self._show_rows(self.app.kb.vendor_rows())
        except KbError as error:
            self.app.report(error)
        self.query_one(VendorList).focus()
        # After the keys typed ahead: someone who typed a vendor's name wants its card first.
        self.app.typeahead.when_idle(self.load_attention)

    def refresh_data(self) -> None:
        """Re-read vendors and attention after an edit (here, on another screen, or by sync)."""
        self.load_rows()
        self.load_attention()

    @work(thread=True, exclusive=True, group="rows")
    def load_rows(self) -> None:
        """Re-read the vendor list off the UI thread."""
        try:
            rows = self.app.kb.vendor_rows()
        except KbError as error:
            self.app.call_from_thread(self.app.report, error)
            return
        self.app.call_from_thread(self._show_rows, rows)

    @work(thread=True, exclusive=True, group="attention")
    def load_attention(self) -> None:
        """Compute what needs attention off the UI thread (10k vendors: about 0.1 s)."""
        try:
            items = self.app.kb.attention(self.app.today())
        except KbError as error:
            self.app.call_from_thread(self.app.report, error)
            return
        self.app.call_from_thread(self._show_attention, items)
        from vendortui.app.sync.conflicts import ConflictService

        conflicts = ConflictService(self.app.kb.db).count_open()
        self.app.call_from_thread(self._show_conflicts, conflicts)

    def _show_conflicts(self, count: int) -> None:
        """The sync conflicts badge; the ``c`` key appears only while there are some."""
        self.conflicts = count
        badge = f"[b]{count} sync conflict{'s' if count != 1 else ''}[/b]: press c"
        self.set_status(badge if count else "")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.conflicts > 0 if action == "conflicts" else True

    def action_conflicts(self) -> None:
        """Open the conflicts screen; what is resolved there shows here on return."""
        self.stale = True
        self.app.show_conflicts()

    def on_screen_resume(self) -> None:
        # Textual's own resume handler, run just before, drew the screen.
        self.app.typeahead.first_frame()
        if self.stale:
            self.stale = False
            self.refresh_data()

    def set_status(self, markup: str) -> None:
        """The right end of the title bar: sync progress or the conflicts badge."""
        self.query_one("#status", Static).update(markup)

    def _show_attention(self, items: list[AttentionItem]) -> None:
        box = self.query_one("#attention-box")
        overdue = sum(1 for item in items if item.severity == "overdue")
        box.border_title = f"Needs attention ({len(items)}, {overdue} overdue)"
        # Header, border and at most nine items: the vendor list keeps the rest of the screen.
        box.styles.height = min(12, len(items) + 3) if items else 4
        self.query_one(AttentionList).set_items(items)

    def _show_rows(self, rows: list[VendorRow]) -> None:
        vendors = self.query_one(VendorList)
        keep = vendors.current.id if vendors.current else None
        self.rows = rows
        self._matches = {"": rows}
        self._apply_filter(keep)

    def _filter(self, query: str) -> list[VendorRow]:
        if query not in self._matches:
            if len(self._matches) > 64:
                self._matches = {"": self.rows}
            base = max((q for q in self._matches if query.startswith(q)), key=len)
            self._matches[query] = filter_rows(self._matches[base], query)
        return self._matches[query]

    def _apply_filter(self, keep: str | None = None) -> None:
        shown = self._filter(self.query_one(FilterInput).value)
        self.query_one(VendorList).set_items(shown, (lambda row: row.id == keep) if keep else None)
        self.query_one("#count", Static).update(f"{len(shown)} of {len(self.rows)} vendors")

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self._apply_filter()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.query_one(VendorList).action_select()

    @on(VirtualList.Selected)
    def _open(self, event: VirtualList.Selected) -> None:
        item = event.item
        if isinstance(item, VendorRow):
            self.app.open_vendor(item.id)
        elif isinstance(item, AttentionItem):
            self.app.open_vendor(item.vendor_id)

    def action_filter(self) -> None:
        self.query_one(FilterInput).focus()

    def action_clear_filter(self) -> None:
        filter_input = self.query_one(FilterInput)
        filter_input.value = ""
        self.query_one(VendorList).focus()

    def action_reload(self) -> None:
        self.refresh_data()

    def _current(self) -> tuple[str, str] | None:
        """(id, name) of the vendor under the cursor of the focused list (attention or all)."""
        attention = self.query_one(AttentionList)
        if attention.has_focus and attention.current is not None:
            return attention.current.vendor_id, attention.current.vendor
        row = self.query_one(VendorList).current
        return (row.id, row.name) if row is not None else None

    def action_add_vendor(self) -> None:
        self.app.add_vendor()

    def action_edit_vendor(self) -> None:
        current = self._current()
        if current is not None:
            self.app.edit_vendor(current[0])

    def action_delete_vendor(self) -> None:
        current = self._current()
        if current is not None:
            self.app.delete_vendor(*current)

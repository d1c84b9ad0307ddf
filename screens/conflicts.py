"""The conflicts screen: what two teammates changed differently, and a key to settle each.

Talks only to the service object handed to it (``list_open()`` and ``resolve()``, see
``app.sync.conflicts.ConflictService``), in a worker thread so the screen never waits on the
database. Every value shown came from data, possibly a teammate's commit: it is stripped of
control sequences and drawn as plain ``Text``, never parsed as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Protocol

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Input, Label, Static

from vendortui.app.errors import KbError
from vendortui.app.text import safe, strip_control
from vendortui.screens.fit_footer import FitFooter

if TYPE_CHECKING:
    from vendortui.app.sync.conflicts import ConflictView


class ConflictSource(Protocol):
    """What the screen needs from the service."""

    def list_open(self) -> list[ConflictView]: ...

    def resolve(self, conflict_id: str, choice: str, value: str | None = None) -> ConflictView: ...


def _cell(value: object, width: int = 40) -> Text:
    """Data as inert text on one line, shortened for a table cell."""
    if value is None:
        return Text("(empty)", style="dim")
    text = strip_control(str(value)).replace("\n", " ")
    return Text(text if len(text) <= width else text[: width - 1] + "…")


class EditValueScreen(ModalScreen[str | None]):
    """Asks for the value to keep; enter accepts, escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel")
    ]

    def __init__(self, title: str, current: str | None) -> None:
        super().__init__()
        self.title_text = title
        self.current = current or ""

    def compose(self) -> ComposeResult:
        with Vertical(id="edit-value"):
            yield Label(safe(self.title_text))
            yield Input(value=strip_control(self.current), id="value")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        """Leave without changing anything."""
        self.dismiss(None)


class ConflictsScreen(Screen[None]):
    """Open conflicts; m keeps mine, t keeps theirs, e edits, escape goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "Back", id="conflicts.back"),
        Binding("m", "resolve('mine')", "Keep mine", id="conflicts.mine"),
        Binding("t", "resolve('theirs')", "Keep theirs", id="conflicts.theirs"),
        Binding("e", "edit", "Edit value", id="conflicts.edit"),
    ]
    DEFAULT_CSS = """
    ConflictsScreen DataTable { height: 1fr; }
    ConflictsScreen #detail { height: auto; padding: 0 1; }
    EditValueScreen { align: center middle; }
    EditValueScreen #edit-value { width: 70; height: auto; border: round $accent; padding: 1; }
    """

    def __init__(self, service: ConflictSource) -> None:
        super().__init__()
        self.service = service
        self.items: list[ConflictView] = []

    def compose(self) -> ComposeResult:
        yield Static("Loading conflicts…", id="detail")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="conflicts")
        yield FitFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Where", "Field", "Mine", "Theirs", "Now")
        self.reload()

    @work(thread=True, exclusive=True, group="conflicts")
    def reload(self) -> None:
        """Read the open conflicts off the UI thread."""
        try:
            items = self.service.list_open()
        except KbError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        self.app.call_from_thread(self._show, items)

    def _show(self, items: list[ConflictView]) -> None:
        self.items = items
        table = self.query_one(DataTable)
        table.clear()
        for item in items:
            table.add_row(
                _cell(f"{item.table.replace('_', ' ')} {item.row_label}", 36),
                _cell(item.field.replace("_", " "), 16),
                _cell(item.mine),
                _cell(item.theirs),
                _cell(item.current),
                key=item.id,
            )
        self._describe()
        table.focus()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._describe()

    def _selected(self) -> ConflictView | None:
        table = self.query_one(DataTable)
        if not self.items or table.cursor_row < 0 or table.cursor_row >= len(self.items):
            return None
        return self.items[table.cursor_row]

    def _describe(self) -> None:
        detail = self.query_one("#detail", Static)
        item = self._selected()
        if item is None:
            detail.update("No open conflicts." if not self.items else "")
            return
        lines = Text()
        lines.append(f"{len(self.items)} open. ", style="bold")
        for side, value, by, at in (
            ("Mine", item.mine, item.mine_by, item.mine_at),
            ("Theirs", item.theirs, item.theirs_by, item.theirs_at),
        ):
            shown = "(empty)" if value is None else strip_control(value)
            who = strip_control(by or "someone")
            lines.append(f"\n{side}: ", style="bold")
            lines.append(f"{shown}  ({who}, {(at or '?')[:16]})")
        detail.update(lines)

    def action_resolve(self, choice: str) -> None:
        """Keep one side of the highlighted conflict."""
        item = self._selected()
        if item is not None:
            self._resolve(item.id, choice, None)

    def action_edit(self) -> None:
        """Ask for a value, then keep it."""
        item = self._selected()
        if item is None:
            return

        def chosen(value: str | None) -> None:
            if value is not None:
                self._resolve(item.id, "value", value)

        title = f"New {item.field.replace('_', ' ')} for {item.table} {item.row_label}"
        self.app.push_screen(EditValueScreen(title, item.current), chosen)

    @work(thread=True, group="conflicts")
    def _resolve(self, conflict_id: str, choice: str, value: str | None) -> None:
        try:
            self.service.resolve(conflict_id, choice, value)
        except KbError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        items = self.service.list_open()
        self.app.call_from_thread(self._show, items)
        self.app.call_from_thread(self.notify, "Resolved; sync to share it.", markup=False)

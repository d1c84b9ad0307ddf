"""Everyone we may need to reach, across vendors: add, edit and delete people.

Roles (who is lead of what) are edited on each vendor's People tab; this screen is for the
person records themselves, e.g. marking someone inactive when they leave the team.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static

from vendortui.screens.clipboard import contact_items, offer
from vendortui.screens.fit_footer import FitFooter
from vendortui.screens.fit_table import TableColumn
from vendortui.screens.long_text import cell
from vendortui.screens.vendor import KeyTable

if TYPE_CHECKING:
    from vendortui.models import Person
    from vendortui.screens.app import VendorTui


class PeopleScreen(Screen[None]):
    """A table of people; a adds, e or enter edits, ctrl+d deletes (after asking)."""

    app: VendorTui

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "Back", id="people.back"),
        Binding("a", "add", "Add person", id="people.add"),
        Binding("e", "edit", "Edit person", id="people.edit"),
        Binding("ctrl+d", "delete", "Delete person", id="people.delete"),
        Binding("y", "copy", "Copy", id="people.copy"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.people: list[Person] = []

    def compose(self) -> ComposeResult:
        yield Static(Text("People", style="bold"), classes="title-bar")
        yield KeyTable(id="people-table")
        yield FitFooter()

    def on_mount(self) -> None:
        self.query_one(KeyTable).set_columns(
            TableColumn("Name", name=True),
            TableColumn("E-mail", name=True),
            TableColumn("Phone", drop=1),
            TableColumn("Chat", drop=3),
            TableColumn("Team", drop=4),
            TableColumn("Organisation", drop=2),
            TableColumn("Active"),
        )
        self.refresh_data()

    def refresh_data(self) -> None:
        """Re-read the people (after an edit)."""
        self.app.background(self.app.kb.people, self._show)

    def _show(self, people: list[Person]) -> None:
        self.people = people
        self.query_one(KeyTable).set_rows(
            [
                (
                    p.id,
                    [
                        *(
                            cell(value)
                            for value in (p.name, p.email, p.phone, p.chat, p.team, p.organisation)
                        ),
                        Text("yes" if p.active else "no", style="" if p.active else "bold red"),
                    ],
                )
                for p in people
            ]
        )

    def _current(self) -> Person | None:
        key = self.query_one(KeyTable).current_key()
        return next((p for p in self.people if p.id == key), None)

    def action_add(self) -> None:
        self.app.edit_person(None)

    def action_edit(self) -> None:
        person = self._current()
        if person is not None:
            self.app.edit_person(person)

    def action_copy(self) -> None:
        """y: the person's e-mail, phone, chat or name."""
        person = self._current()
        offer(self.app, contact_items(person) if person is not None else [])

    @on(DataTable.RowSelected)
    def _selected(self, _: Any) -> None:
        self.action_edit()

    def action_delete(self) -> None:
        person = self._current()
        if person is not None:
            self.app.confirm_delete(
                f"Delete {person.name!r}? Their roles on vendors stop showing.", "Person", person.id
            )

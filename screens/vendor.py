"""The vendor screen: the card at a glance, then tabs for people, data, runbook, events, auth
and checklists.

The card is read in a thread worker with stdlib ``sqlite3`` (``kb.card_view``: typed records,
no SQLModel, so a vendor opened right after launch is not kept waiting by the ORM), and the
screen is shown filled in. Keys are screen bindings that apply to the active tab
(``check_action``), so the footer always shows what ``a``/``e``/``d`` do here, wherever focus
is.

The Auth tab holds ``screens.auth_panel.AuthPanel(vendor_id)``, the Checklists tab
``screens.checklist_runs.ChecklistRunsPanel(vendor_id)`` and the Public data tab
``screens.public_panel.PublicPanel(vendor_id)`` (``EXTENSIONS``), each built and
imported on the tab's first visit: the card opens without paying for them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from vendortui.app.card import status_text
from vendortui.app.errors import KbError
from vendortui.app.text import strip_control
from vendortui.screens import overview
from vendortui.screens.clipboard import Copyable, contact_items, offer
from vendortui.screens.fit_footer import FitFooter
from vendortui.screens.fit_table import FitTable, TableColumn
from vendortui.screens.forms import (
    DATA_CATEGORY_FIELDS,
    EVENT_FIELDS,
    FormField,
    FormScreen,
    Save,
    initial,
    role_fields,
    save_edit,
)
from vendortui.screens.long_text import CELL_CHARS, FullTextScreen, cell, clipped
from vendortui.screens.runbook import RunbookEditor, RunbookPane, edit_externally

if TYPE_CHECKING:
    from vendortui.app.kb import VendorCard
    from vendortui.screens.app import VendorTui

TABS = ("overview", "people", "data", "runbook", "events", "auth", "checklists", "public")

TAB_NAMES: dict[str, tuple[str, str]] = {
    "overview": ("Overview", "Overview"),
    "people": ("People", "People"),
    "data": ("Data", "Data"),
    "runbook": ("Runbook", "Runbook"),
    "events": ("Events", "Events"),
    "auth": ("Auth", "Auth"),
    "checklists": ("Checklists", "Checks"),
    "public": ("Public data", "Public"),
}
"""Each tab's name, full and on a narrow terminal: the short ones keep all eight tabs inside 80
columns (the full ones cut the last tab to "8 Publ")."""


def tab_label(tab: str, *, narrow: bool) -> str:
    """The tab bar's label of ``tab``: its key (1-8) and its name."""
    full, short = TAB_NAMES[tab]
    return f"{TABS.index(tab) + 1} {short if narrow else full}"


def _auth_panel(vendor_id: str) -> Widget:
    from vendortui.screens.auth_panel import AuthPanel

    return AuthPanel(vendor_id)


def _checklists_panel(vendor_id: str) -> Widget:
    from vendortui.screens.checklist_runs import ChecklistRunsPanel

    return ChecklistRunsPanel(vendor_id)


def _public_panel(vendor_id: str) -> Widget:
    from vendortui.screens.public_panel import PublicPanel

    return PublicPanel(vendor_id)


EXTENSIONS: dict[str, Callable[[str], Widget]] = {
    "auth": _auth_panel,
    "checklists": _checklists_panel,
    "public": _public_panel,
}
"""Tab -> its panel for a vendor id, imported on first use (the panels import the probe and
checklist services, which opening the card does not need)."""


def extension_panel(tab: str, vendor_id: str) -> Widget:
    """The panel of ``tab`` for ``vendor_id``."""
    return EXTENSIONS[tab](vendor_id)


class KeyTable(FitTable):
    """A ``FitTable`` with j/k, for the short per-vendor lists (roles, data, events)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("j", "cursor_down", "Down", show=False, id="table.down"),
    ]

    def current_key(self) -> str | None:
        """The row key (a row id) under the cursor."""
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value


ACTION_TAB: dict[str, str] = {
    "edit_vendor": "overview",
    "delete_vendor": "overview",
    "add_role": "people",
    "edit_role": "people",
    "delete_role": "people",
    "new_person": "people",
    "edit_person": "people",
    "add_category": "data",
    "edit_category": "data",
    "delete_category": "data",
    "edit_runbook": "runbook",
    "edit_runbook_external": "runbook",
    "verify_runbook": "runbook",
    "add_event": "events",
    "edit_event": "events",
    "delete_event": "events",
    "read_event": "events",
}
"""The tab each tab-specific action belongs to; the footer shows only the active tab's."""


class VendorScreen(Screen[None]):
    """One vendor. 1-8 switch tabs; a/e/ctrl+d add, edit, delete on the active tab (deleting
    takes ctrl, like on the home screen, and asks first)."""

    app: VendorTui

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="vendor.back"),
        Binding("e", "edit_vendor", "Edit vendor", id="vendor.edit"),
        Binding("ctrl+d", "delete_vendor", "Delete vendor", id="vendor.delete"),
        Binding("a", "add_role", "Add role", id="vendor.add"),
        Binding("e", "edit_role", "Edit role", id="vendor.edit"),
        Binding("ctrl+d", "delete_role", "Remove role", id="vendor.delete"),
        Binding("n", "new_person", "New person", id="vendor.new_person"),
        Binding("P", "edit_person", "Edit person", id="vendor.edit_person"),
        Binding("a", "add_category", "Add data", id="vendor.add"),
        Binding("e", "edit_category", "Edit data", id="vendor.edit"),
        Binding("ctrl+d", "delete_category", "Delete data", id="vendor.delete"),
        Binding("e", "edit_runbook", "Edit", id="vendor.edit"),
        Binding("E", "edit_runbook_external", "Edit in $EDITOR", id="vendor.edit_external"),
        Binding("v", "verify_runbook", "Mark verified", id="vendor.verify_runbook"),
        Binding("a", "add_event", "Add event", id="vendor.add"),
        Binding("e", "edit_event", "Edit event", id="vendor.edit"),
        Binding("ctrl+d", "delete_event", "Delete event", id="vendor.delete"),
        Binding("f", "read_event", "Read all", id="vendor.read_event"),
        Binding("r", "reload", "Reload", id="vendor.reload"),
        Binding("y", "copy", "Copy", id="vendor.copy"),
        *(
            Binding(str(n), f"show_tab('{tab}')", tab.capitalize(), show=False, id=f"vendor.{tab}")
            for n, tab in enumerate(TABS, start=1)
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.vendor_id = ""
        self.vendor_name = ""
        self.card: VendorCard | None = None

    def load(self, card: VendorCard) -> None:
        """Show ``card``. The app keeps one vendor screen and reloads it: composing the screen
        anew for every vendor costs more than the 100 ms an open may take."""
        if card.vendor.id != self.vendor_id:
            self.vendor_id = card.vendor.id
            if self.is_mounted:
                self._reset()
        self.card = card
        if self.is_mounted:
            self.show_card(card)

    def _reset(self) -> None:
        """Forget the previous vendor: first tab, no extension panels, no rendered runbook."""
        self.query_one(TabbedContent).active = "overview"
        for tab in EXTENSIONS:
            self.query_one(f"#slot-{tab}").remove_children()
        self.query_one(RunbookPane).clear()

    def compose(self) -> ComposeResult:
        yield Static(id="vendor-title", classes="title-bar")
        with TabbedContent(initial="overview", id="vendor-tabs"):
            with (
                TabPane(tab_label("overview", narrow=False), id="overview"),
                VerticalScroll(id="overview-scroll"),  # a scrollbar, never a silent cut
                Horizontal(id="overview-columns"),
            ):
                with Vertical(classes="column"):
                    # People first: who to call must be on screen at 80x24 without scrolling.
                    yield Static(id="panel-people", classes="panel")
                    yield Static(id="panel-lifecycle", classes="panel")
                    yield Static(id="panel-events", classes="panel")
                with Vertical(classes="column"):
                    yield Static(id="panel-sso", classes="panel")
                    yield Static(id="panel-data", classes="panel")
                    yield Static(id="panel-contract", classes="panel")
            with TabPane(tab_label("people", narrow=False), id="people"):
                yield KeyTable(id="roles-table")
            with TabPane(tab_label("data", narrow=False), id="data"):
                yield KeyTable(id="data-table")
            with TabPane(tab_label("runbook", narrow=False), id="runbook"):
                yield RunbookPane(id="runbook-pane")
            with TabPane(tab_label("events", narrow=False), id="events"):
                yield KeyTable(id="events-table")
                yield Static(id="event-detail")
            with TabPane(tab_label("auth", narrow=False), id="auth"):
                yield Vertical(id="slot-auth", classes="slot")
            with TabPane(tab_label("checklists", narrow=False), id="checklists"):
                yield Vertical(id="slot-checklists", classes="slot")
            with TabPane(tab_label("public", narrow=False), id="public"):
                yield Vertical(id="slot-public", classes="slot")
        yield FitFooter()

    def on_mount(self) -> None:
        titles = {
            "lifecycle": "Lifecycle",
            "people": "People",
            "events": "Recent events",
            "sso": "SSO & MFA",
            "data": "Data we send",
            "contract": "Contract",
        }
        for key, title in titles.items():
            self.query_one(f"#panel-{key}").border_title = title
        # At 80 columns the least important columns go first (note, chat, team...); names and
        # free text are cut with an ellipsis rather than scrolled off to the side.
        self.query_one("#roles-table", KeyTable).set_columns(
            TableColumn("Role"),
            TableColumn("Person", name=True),
            TableColumn("Team", drop=3),
            TableColumn("E-mail", name=True),
            TableColumn("Phone", drop=1),
            TableColumn("Chat", drop=4),
            TableColumn("Note", drop=5, squeeze=12),
        )
        self.query_one("#data-table", KeyTable).set_columns(
            TableColumn("Data category", name=True),
            TableColumn("PII"),
            TableColumn("Encrypted", drop=1),
            TableColumn("Description", drop=2, squeeze=16),
        )
        self.query_one("#events-table", KeyTable).set_columns(
            TableColumn("When"),
            TableColumn("Kind", drop=1),
            TableColumn("Title", name=True),
            TableColumn("By", drop=2),
        )
        self._label_tabs()
        if self.card is not None:
            self.show_card(self.card)

    def on_resize(self) -> None:
        # This handler runs before ``Screen._on_resize`` sets the size classes: label after it.
        self.call_after_refresh(self._label_tabs)

    def _label_tabs(self) -> None:
        """Short tab names when the screen is narrow (the app's ``-narrow`` size class)."""
        narrow = self.has_class("-narrow")
        tabs = self.query_one(TabbedContent)
        for tab in TABS:
            label = tab_label(tab, narrow=narrow)
            if tabs.get_tab(tab).label.plain != label:
                tabs.get_tab(tab).label = label

    # Data -------------------------------------------------------------------------------------

    def refresh_data(self) -> None:
        """Re-read the card (after an edit here, elsewhere, or a sync), and the extension
        panels that know how to refresh themselves."""
        kb, vendor_id = self.app.kb, self.vendor_id
        self.app.background(lambda: kb.card_view(vendor_id), self.show_card, failed=self._gone)
        for tab in EXTENSIONS:
            for panel in self.query_one(f"#slot-{tab}").children:
                refresh = getattr(panel, "refresh_data", None)
                if refresh is not None:
                    refresh()

    def _gone(self) -> None:
        if self.app.screen is self:
            self.dismiss()

    def show_card(self, card: VendorCard) -> None:
        """Fill every tab from ``card``."""
        self.card = card
        v = card.vendor
        self.vendor_name = v.name
        self.query_one("#vendor-title", Static).update(
            Text.assemble(
                (strip_control(v.name), "bold"),
                f"  {status_text(v.status, strip_control(v.rollout_stage), v.rollout_percent)}",
                ("  ·  risk ", "dim"),
                v.risk_tier,
                ("  ·  " + strip_control(v.slug), "dim"),
            )
        )
        width = max(20, (self.size.width or 120) // 2 - 4)
        self.query_one("#panel-lifecycle", Static).update(
            overview.lifecycle(card, width, self.app.now())
        )
        self.query_one("#panel-people", Static).update(overview.people(card, width))
        self.query_one("#panel-events", Static).update(overview.recent_events(card))
        self.query_one("#panel-sso", Static).update(overview.sso(card))
        self.query_one("#panel-data", Static).update(overview.data_sent(card))
        self.query_one("#panel-contract", Static).update(
            overview.contract(card, self.app.today(), width)
        )
        self._fill_tables(card)
        if self._active_tab() == "runbook":
            self.query_one(RunbookPane).show(card.runbook, self.app.now())

    def _fill_tables(self, card: VendorCard) -> None:
        plain = cell
        self.query_one("#roles-table", KeyTable).set_rows(
            [
                (
                    line.role.id,
                    [
                        plain(line.role.kind.replace("_", " ")),
                        plain(line.person.name + ("" if line.person.active else " (inactive)")),
                        plain(line.role.team or line.person.team),
                        plain(line.person.email),
                        plain(line.person.phone),
                        plain(line.person.chat),
                        plain(line.role.note),
                    ],
                )
                for line in card.roles
            ]
        )
        self.query_one("#data-table", KeyTable).set_rows(
            [
                (
                    category.id,
                    [
                        plain(category.name),
                        plain(category.pii_level),
                        plain("yes" if category.encrypted else "no"),
                        plain(overview.clip(category.description, 60, 1)),
                    ],
                )
                for category in card.data_categories
            ]
        )
        self.query_one("#events-table", KeyTable).set_rows(
            [
                (
                    event.id,
                    [
                        plain(f"{event.occurred_at:%Y-%m-%d %H:%M}"),
                        plain(event.kind.replace("_", " ")),
                        plain(event.title),
                        plain(event.updated_by),
                    ],
                )
                for event in card.events
            ]
        )
        self._show_event_detail()

    @on(DataTable.RowHighlighted, "#events-table")
    def _show_event_detail(self) -> None:
        detail = self.query_one("#event-detail", Static)
        event = self._event()
        if event is None:
            detail.update(Text("No events yet: press a to add one.", style="dim"))
            return
        detail.update(
            Text.assemble(
                Text(style="bold").append_text(clipped(event.title, CELL_CHARS)),
                "\n",
                clipped(event.body, more="; f reads it all") if event.body else "(no details)",
                "\n",
                (f"Source: {cell(event.source_url)}\n" if event.source_url else ""),
                (
                    f"Recorded by {strip_control(event.updated_by)} "
                    f"at {event.updated_at:%Y-%m-%d %H:%M} UTC",
                    "dim",
                ),
            )
        )

    # Tabs -------------------------------------------------------------------------------------

    def _active_tab(self) -> str:
        return self.query_one(TabbedContent).active

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def switch_and_run(self, tab: str, action: Callable[[], object]) -> None:
        """Show ``tab``, then run one of its actions (for the command palette)."""
        self.action_show_tab(tab)
        action()

    @on(TabbedContent.TabActivated)
    async def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        tab = self._active_tab()
        self.refresh_bindings()
        targets = {
            "people": "#roles-table",
            "data": "#data-table",
            "events": "#events-table",
            "runbook": "#runbook-view",
        }
        if tab in targets:
            self.query_one(targets[tab]).focus()
        if tab == "runbook" and self.card is not None:
            self.query_one(RunbookPane).show(self.card.runbook, self.app.now())
        if tab in EXTENSIONS:
            await self._show_extension(tab)

    async def _show_extension(self, tab: str) -> None:
        """Mount the extension panel on first visit, then focus it so its own keys work."""
        slot = self.query_one(f"#slot-{tab}")
        if not slot.children:
            await slot.mount(extension_panel(tab, self.vendor_id))
        panel = slot.children[0]
        target = (
            panel
            if panel.focusable
            else next((widget for widget in panel.query("*") if widget.focusable), None)
        )
        if target is not None:
            target.focus()

    def on_checklist_runs_panel_runs_changed(self) -> None:
        """EXTENSION: a checklist walk may have added events (a rollback): re-read the card."""
        self.refresh_data()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Only the active tab decides: the footer must not recompose when the card arrives.
        tab = ACTION_TAB.get(action)
        return tab is None or self._active_tab() == tab

    # Actions ----------------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss()

    def action_reload(self) -> None:
        self.refresh_data()

    def action_copy(self) -> None:
        """y: a value of the row under the cursor on the People, Data and Events tabs; the
        lead's and backup's contacts, website and slug elsewhere (the runbook's code blocks
        and the Auth tab's findings have their own y)."""
        if self.card is None:
            return
        tab = self._active_tab()
        items: list[Copyable] = []
        if tab == "people":
            line = self._role_line()
            items = contact_items(line.person) if line is not None else []
        elif tab == "data":
            category = self._category()
            items = [Copyable("data category", category.name)] if category is not None else []
        elif tab == "events":
            event = self._event()
            if event is not None:
                items = [Copyable("event title", event.title)]
                if event.source_url:
                    items.append(Copyable("event source URL", event.source_url))
                if event.body:
                    items.append(Copyable("event details", event.body, multiline=True))
        else:
            items = overview.copy_items(self.card)
        offer(self.app, items)

    def action_edit_vendor(self) -> None:
        self.app.edit_vendor(self.vendor_id)

    def action_delete_vendor(self) -> None:
        self.app.delete_vendor(self.vendor_id, self.vendor_name)

    def offer_checklist(self, template_key: str, reason: str) -> None:
        """Show the Checklists tab and ask whether to start ``template_key`` now."""

        async def offer() -> None:
            self.action_show_tab("checklists")
            await self._show_extension("checklists")
            panel = self.query_one("#slot-checklists").children[0]
            offer_to_start = getattr(panel, "offer", None)
            if offer_to_start is not None:
                offer_to_start(template_key, reason)

        self.run_worker(offer(), exclusive=True, group="offer")

    def _form(
        self,
        title: str,
        fields: Sequence[FormField],
        values: dict[str, Any],
        save: Save,
        then: Callable[[Any], object] | None = None,
    ) -> None:
        def saved(result: Any) -> None:
            if result is not None:
                self.app.notify("Saved.")
                self.app.changed()
                if then is not None:
                    then(result)

        self.app.push_screen(FormScreen(title, fields, values, save), saved)

    def _delete(self, what: str, label: str, table_name: str, row_id: str | None) -> None:
        if row_id is None:
            return
        self.app.confirm_delete(f"Delete {what} {label!r}?", table_name, row_id)

    # People tab

    def _role_line(self) -> Any:
        key = self.query_one("#roles-table", KeyTable).current_key()
        if self.card is None or key is None:
            return None
        return next((line for line in self.card.roles if line.role.id == key), None)

    def action_add_role(self) -> None:
        self._role_form(None)

    def action_edit_role(self) -> None:
        line = self._role_line()
        if line is not None:
            self._role_form(line.role)

    def _role_form(self, role: Any) -> None:
        kb, vendor_id = self.app.kb, self.vendor_id

        def open_form(people: list[Any]) -> None:
            if not people:
                self.app.notify("Add a person first (n).", severity="warning")
                return
            fields = role_fields(people)

            def save(values: dict[str, Any]) -> Any:
                from vendortui.models import Role

                if role is None:
                    return kb.create(Role, vendor_id=vendor_id, **values)
                return save_edit(kb, Role, role, values)

            self._form(
                f"{'Edit' if role else 'Add'} a role on {self.vendor_name}",
                fields,
                initial(role, fields),
                save,
            )

        self.app.opening(kb.people, open_form)

    def action_delete_role(self) -> None:
        line = self._role_line()
        if line is not None:
            label = f"{line.role.kind.replace('_', ' ')} {line.person.name}"
            self._delete("the role", label, "Role", line.role.id)

    def action_new_person(self) -> None:
        self.app.edit_person(None)

    def action_edit_person(self) -> None:
        line = self._role_line()
        if line is not None:
            self.app.edit_person(line.person)

    # Data tab

    def _category(self) -> Any:
        key = self.query_one("#data-table", KeyTable).current_key()
        if self.card is None or key is None:
            return None
        return next((c for c in self.card.data_categories if c.id == key), None)

    def action_add_category(self) -> None:
        self._category_form(None)

    def action_edit_category(self) -> None:
        category = self._category()
        if category is not None:
            self._category_form(category)

    def _category_form(self, category: Any) -> None:
        kb, vendor_id = self.app.kb, self.vendor_id

        def save(values: dict[str, Any]) -> Any:
            from vendortui.models import DataCategory

            if category is None:
                row = kb.create(DataCategory, vendor_id=vendor_id, **values)
                return row, kb.checklists.offer_for_data_category(vendor_id, row.pii_level)
            return save_edit(kb, DataCategory, category, values), None

        def offer(result: Any) -> None:
            row, template = result
            if template is not None:
                reason = f"{row.name!r} carries {row.pii_level} PII."
                self.offer_checklist(template.key, reason)

        self._form(
            f"{'Edit' if category else 'Add'} a data category on {self.vendor_name}",
            DATA_CATEGORY_FIELDS,
            initial(category, DATA_CATEGORY_FIELDS) if category else {"pii_level": "none"},
            save,
            offer,
        )

    def action_delete_category(self) -> None:
        category = self._category()
        if category is not None:
            self._delete("the data category", category.name, "DataCategory", category.id)

    # Events tab

    def _event(self) -> Any:
        key = self.query_one("#events-table", KeyTable).current_key()
        if self.card is None or key is None:
            return None
        return next((e for e in self.card.events if e.id == key), None)

    def action_add_event(self) -> None:
        self._event_form(None)

    def action_edit_event(self) -> None:
        event = self._event()
        if event is not None:
            self._event_form(event)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        actions = {
            "roles-table": self.action_edit_role,
            "data-table": self.action_edit_category,
            "events-table": self.action_edit_event,
        }
        action = actions.get(event.data_table.id or "")
        if action is not None:
            action()

    def _event_form(self, event: Any) -> None:
        kb, vendor_id = self.app.kb, self.vendor_id

        def save(values: dict[str, Any]) -> Any:
            from vendortui.models import Event

            if event is None:
                return kb.create(Event, vendor_id=vendor_id, **values)
            return save_edit(kb, Event, event, values)

        values = (
            initial(event, EVENT_FIELDS)
            if event
            else {
                "kind": "note",
                "occurred_at": self.app.now().strftime("%Y-%m-%d %H:%M"),
            }
        )
        title = f"{'Edit the' if event else 'Add an'} event on {self.vendor_name}"
        self._form(title, EVENT_FIELDS, values, save)

    def action_read_event(self) -> None:
        """The event's details whole, however long (the detail pane shows the start)."""
        event = self._event()
        if event is not None:
            self.app.push_screen(FullTextScreen(event.title, event.body or "(no details)"))

    def action_delete_event(self) -> None:
        event = self._event()
        if event is not None:
            self._delete("the event", event.title, "Event", event.id)

    # Runbook tab

    def action_edit_runbook(self) -> None:
        if self.card is None:
            return
        body = self.card.runbook.body if self.card.runbook else ""

        def edited(text: str | None) -> None:
            if text is not None and text != body:
                self._save_runbook(text)

        self.app.push_screen(RunbookEditor(f"Runbook: {self.vendor_name}", body), edited)

    def action_edit_runbook_external(self) -> None:
        if self.card is None:
            return
        body = self.card.runbook.body if self.card.runbook else ""
        try:
            text = edit_externally(self.app, body, self.card.vendor.slug)
        except KbError as error:
            self.app.report(error)
            return
        if text is not None:
            self._save_runbook(text)

    def _save_runbook(self, text: str) -> None:
        kb, vendor_id = self.app.kb, self.vendor_id

        def saved(_: object) -> None:
            self.app.notify("Runbook saved.")
            self.app.changed()

        self.app.background(lambda: kb.save_runbook(vendor_id, text), saved)

    def action_verify_runbook(self) -> None:
        kb, vendor_id = self.app.kb, self.vendor_id

        def verified(_: object) -> None:
            self.app.notify("Runbook marked verified.")
            self.app.changed()

        self.app.background(lambda: kb.verify_runbook(vendor_id), verified)

    def focus_runbook(self) -> None:
        """Show the runbook tab (used by the command palette's "Runbook" command)."""
        self.action_show_tab("runbook")
        self.query_one("#runbook-view").focus()

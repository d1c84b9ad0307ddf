"""A vendor's checklist runs, for the vendor screen's Checklists tab, and starting new ones.

``ChecklistRunsPanel(vendor_id)`` lists the runs (unfinished first), opens one in the walker
(enter) and starts a new one from a template picker (s); the start is a write, so it runs in
the panel's ``WriteQueue`` (a thread worker) and the walker opens once it is saved. It
posts ``RunStarted`` when a run starts and ``RunsChanged`` when the walker closes, so the
vendor screen can re-read its card (a rollback adds an event to the vendor's timeline).
``offer(template_key, reason)`` asks "start this checklist now?" for flows such as moving a
vendor to sunsetting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from vendortui.app.checklists.export import one_line, utc_text
from vendortui.app.checklists.records import RunSummary
from vendortui.app.checklists.templates import Catalog
from vendortui.app.errors import KbError
from vendortui.screens.checklist_walker import ChecklistWalker
from vendortui.screens.confirm import ConfirmScreen
from vendortui.screens.write_queue import WriteQueue

if TYPE_CHECKING:
    from vendortui.app.checklists.service import ChecklistService
    from vendortui.screens.app import VendorTui

STATUS_STYLES = {"blocked": "bold red", "in_progress": "yellow", "completed": "green"}


class TemplatePicker(ModalScreen[str | None]):
    """Choose a template; broken ones are listed below with their file, line and reason."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel")
    ]

    DEFAULT_CSS = """
    TemplatePicker { align: center middle; }
    TemplatePicker > Vertical {
        width: 100; max-width: 100%; height: auto; max-height: 90%; padding: 1 2;
        border: thick $accent; background: $surface;
    }
    TemplatePicker OptionList { height: auto; max-height: 20; }
    TemplatePicker .picker-errors { color: $text-error; margin-top: 1; }
    TemplatePicker .picker-keys { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, vendor: str, catalog: Catalog) -> None:
        super().__init__()
        self.vendor = vendor
        self.catalog = catalog

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"Start a checklist for {one_line(self.vendor)}", style="bold"))
            yield OptionList(
                *(
                    Option(
                        Text.assemble(
                            (one_line(t.title), "bold"),
                            (
                                f"  {t.kind} · v{t.version} · {t.item_count} items"
                                + ("" if t.origin == "shipped" else " · team template"),
                                "dim",
                            ),
                            f"\n{one_line(t.description)[:160]}" if t.description else "",
                        ),
                        id=t.key,
                    )
                    for t in self.catalog.ordered()
                ),
                id="picker-options",
            )
            if self.catalog.errors:
                yield Static(
                    Text("\n".join(f"Not usable: {error}" for error in self.catalog.errors)),
                    classes="picker-errors",
                )
            yield Static("enter starts · escape cancels", classes="picker-keys")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChecklistRunsPanel(Vertical):
    """The runs of one vendor. ``ChecklistRunsPanel(vendor_id)``."""

    app: VendorTui

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "start", "Start checklist", id="checklists.start"),
        Binding("enter", "open", "Open run", id="checklists.open"),
    ]

    DEFAULT_CSS = """
    ChecklistRunsPanel { height: 1fr; }
    ChecklistRunsPanel DataTable { height: 1fr; }
    ChecklistRunsPanel .runs-empty { color: $text-muted; text-style: italic; padding: 1; }
    """

    class RunStarted(Message):
        """A run was started for this vendor (and is being shown in the walker)."""

        def __init__(self, run_id: str, template_key: str) -> None:
            super().__init__()
            self.run_id = run_id
            self.template_key = template_key

    class RunsChanged(Message):
        """The walker closed: items, the run's status or the vendor's events may have changed."""

    def __init__(self, vendor_id: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.vendor_id = vendor_id
        self.runs: list[RunSummary] = []
        self.writes = WriteQueue(self)

    @property
    def service(self) -> ChecklistService:
        """The checklist service of the app's knowledge base."""
        return self.app.kb.checklists

    def compose(self) -> ComposeResult:
        yield Static("", classes="runs-empty")
        table: DataTable[Any] = DataTable(cursor_type="row", zebra_stripes=True, id="runs-table")
        yield table

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(
            "Checklist", "Version", "Status", "Progress", "Started", "By", "Completed"
        )
        self.refresh_data()

    def refresh_data(self) -> None:
        """Re-read the runs (after a walk, a sync, or when the vendor screen reloads)."""
        try:
            self.runs = self.service.runs(self.vendor_id)
        except KbError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        for run in self.runs:
            table.add_row(
                Text(one_line(run.title)),
                Text(f"v{run.template_version}"),
                Text(run.status.replace("_", " "), style=STATUS_STYLES.get(run.status, "")),
                Text(run.progress()),
                Text(utc_text(run.started_at)),
                Text(one_line(run.started_by)),
                Text(utc_text(run.completed_at)),
                key=run.id,
            )
        table.move_cursor(row=keep)
        empty = self.query_one(".runs-empty", Static)
        empty.update("" if self.runs else "No checklist runs yet. Press s to start one.")
        empty.display = not self.runs

    def current_run(self) -> RunSummary | None:
        """The run under the cursor."""
        table = self.query_one(DataTable)
        if not self.runs or not 0 <= table.cursor_row < len(self.runs):
            return None
        return self.runs[table.cursor_row]

    # Actions ------------------------------------------------------------------------------------

    def open_run(self, run_id: str) -> None:
        """Show a run in the walker; the list re-reads when the walker closes."""

        def closed(_: object) -> None:
            self.refresh_data()
            self.post_message(self.RunsChanged())

        self.app.push_screen(ChecklistWalker(run_id), closed)

    @on(DataTable.RowSelected)
    def action_open(self) -> None:
        run = self.current_run()
        if run is not None:
            self.open_run(run.id)

    def action_start(self) -> None:
        """s: pick a template, start a run, walk it."""
        vendor = self.runs[0].vendor if self.runs else ""
        catalog = self.service.catalog(refresh=True)
        self.app.push_screen(TemplatePicker(vendor or "this vendor", catalog), self.start)

    def start(self, template_key: str | None) -> None:
        """Start a run of ``template_key`` for this vendor (in a worker) and open it."""
        if not template_key:
            return
        service, vendor_id = self.service, self.vendor_id

        def started(run: RunSummary) -> None:
            self.refresh_data()
            self.post_message(self.RunStarted(run.id, template_key))
            self.open_run(run.id)

        def failed(error: KbError) -> None:
            self.notify(str(error), severity="error", markup=False)

        self.notify("Starting the checklist…", markup=False)
        self.writes.submit(lambda: service.start_run(vendor_id, template_key), started, failed)

    def offer(self, template_key: str, reason: str) -> None:
        """Ask whether to start ``template_key`` now (``reason`` says why it is offered)."""
        try:
            template = self.service.catalog().get(template_key)
        except KbError as error:
            self.notify(str(error), severity="error", markup=False)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.start(template_key)

        question = f"{reason} Start the {template.title} checklist now?"
        self.app.push_screen(ConfirmScreen(question, yes="Start"), answered)

"""The runbook tab: Markdown parsed off the UI thread and rendered block by block as it comes
into view; edited in $EDITOR or a built-in editor, read whole in $PAGER.

Textual's ``Markdown`` widget takes 1.5 s to mount a 751-line document, and Rich's ``Markdown``
over a whole 5 MB runbook (a pasted log) ran for minutes in 800 MB. So the pane hands the text
to ``BlockView`` (``screens/block_view.py``): markdown-it-py finds the blocks in a worker, and
only the blocks on screen are rendered with Rich. The outline (o) lists the headings found by
the parse and jumps to one; ] and [ step between headings, y copies a code block.

Runbooks come from teammates' commits, so they are untrusted: control characters are shown
escaped before rendering, and links are rendered as text with their URL, never as clickable
terminal hyperlinks, so nothing opens or runs from a runbook.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static, TextArea

from vendortui.app.config.editor import editor_command
from vendortui.app.errors import KbError
from vendortui.app.kb import age
from vendortui.app.runbook_doc import iter_blocks
from vendortui.app.text import strip_control
from vendortui.screens.block_view import BlockView
from vendortui.screens.confirm import ConfirmScreen
from vendortui.screens.fit_footer import FitFooter
from vendortui.screens.runbook_outline import OutlineScreen

if TYPE_CHECKING:
    from vendortui.models import Runbook

NO_RUNBOOK = "*No runbook yet: press e to write one.*"
LARGE = 256 * 1024
"""From this size on, the status line says how big the runbook is and that p pages it."""


class RunbookPane(Vertical):
    """When the runbook was last verified and by whom, then the runbook itself."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "outline", "Outline", id="runbook.outline"),
        Binding("p", "pager", "Pager", id="runbook.pager"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.runbook: Runbook | None = None
        self._shown: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="runbook-status")
        yield BlockView(id="runbook-view")

    @property
    def body(self) -> str:
        return self.runbook.body if self.runbook else NO_RUNBOOK

    def clear(self) -> None:
        """Drop what is shown (the vendor screen is switching to another vendor)."""
        self.runbook = None
        self._shown = None
        self.query_one(BlockView).load(list)

    def show(self, runbook: Runbook | None, now: datetime) -> None:
        """Show ``runbook`` (``None``: the vendor has none yet); parses only if it changed.
        Resizes and theme changes re-render only what is on screen (``BlockView``)."""
        self.runbook = runbook
        status = verified_line(runbook, now)
        if len(self.body) >= LARGE:
            status.append(
                f"  ·  {len(self.body) / 1e6:.1f} MB: o outline, p whole text in $PAGER", "dim"
            )
        self.query_one("#runbook-status", Static).update(status)
        body = self.body
        if body != self._shown:
            self._shown = body
            self.query_one(BlockView).load(lambda: iter_blocks(body))

    def action_outline(self) -> None:
        view = self.query_one(BlockView)

        def chosen(index: int | None) -> None:
            if index is not None:
                view.jump_to(index)
                view.focus()

        self.app.push_screen(OutlineScreen(view.blocks, view.complete), chosen)

    def action_pager(self) -> None:
        name = self.runbook.vendor_id if self.runbook else "runbook"
        try:
            page_externally(self.app, self.body, name)
        except KbError as error:
            self.app.notify(str(error), severity="error", markup=False)


def verified_line(runbook: Runbook | None, now: datetime) -> Text:
    """``Verified 40 days ago by priya@... (2025-05-01); next due 2025-07-30``, or never."""
    if runbook is None:
        return Text("No runbook yet.", style="yellow")
    if runbook.verified_at is None:
        return Text.assemble(
            ("Never verified. ", "bold yellow"),
            "Walk through it, fix what changed, then press v.",
        )
    due = runbook.verified_at + timedelta(days=runbook.verify_interval_days or 90)
    overdue = due < now
    return Text.assemble(
        "Verified ",
        (age(runbook.verified_at, now), "bold"),
        f" by {strip_control(runbook.verified_by or 'unknown')} ({runbook.verified_at:%Y-%m-%d}); ",
        (f"re-verify by {due:%Y-%m-%d}", "bold red" if overdue else ""),
        (" (overdue)" if overdue else ""),
    )


class RunbookEditor(Screen[str | None]):
    """The built-in editor: a full-screen TextArea. ctrl+s saves, escape leaves."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True, id="editor.save"),
        Binding("escape", "leave", "Back", id="editor.back"),
    ]

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        yield Static(Text(strip_control(self.title_text), style="bold"), classes="title-bar")
        yield TextArea(self.body, id="runbook-editor", soft_wrap=True, show_line_numbers=True)
        yield FitFooter()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_leave(self) -> None:
        if self.query_one(TextArea).text == self.body:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen("Discard your changes to the runbook?", "Discard"), answered
        )


def pager_command() -> list[str]:
    """``$PAGER`` split like a shell would, else ``less`` (which shows control characters as
    ``^[``); a readable error if there is neither."""
    raw = os.environ.get("PAGER")
    if raw:
        return shlex.split(raw)
    if shutil.which("less"):
        return ["less"]
    raise KbError("Set $PAGER (or install less) to read the whole runbook in a pager.")


def page_externally(app: App[Any], body: str, name: str) -> None:
    """Hand the terminal to the pager on a copy of ``body`` with its control characters shown
    escaped (a pager such as ``cat`` would otherwise send them to the terminal)."""
    run_on_copy(app, pager_command(), strip_control(body), f"{name}-runbook.md", "")


def edit_externally(app: App[Any], body: str, name: str) -> str | None:
    """Hand the terminal to ``$EDITOR`` on a temporary copy of ``body``; the new text, or
    ``None`` if nothing changed."""
    edited = run_on_copy(
        app,
        editor_command(", or press e for the built-in one"),
        body,
        f"{name}-runbook.md",
        "; nothing saved",
    )
    return None if edited == body else edited


def run_on_copy(app: App[Any], command: list[str], body: str, filename: str, failed: str) -> str:
    """Run ``command`` on a temporary file holding ``body`` with the app suspended; the
    file's text afterwards (``failed`` ends the sentence if it exits with an error). Runs on
    the UI thread on purpose: the app is suspended."""
    with tempfile.TemporaryDirectory(prefix="vendortui-") as folder:
        path = Path(folder) / filename
        path.write_text(body, encoding="utf-8")
        try:
            with app.suspend():
                result = subprocess.run([*command, str(path)], check=False)
        except SuspendNotSupported:
            raise KbError(
                "This terminal cannot hand over to another program; press e for the built-in "
                "editor, o for the outline."
            ) from None
        except OSError as error:
            raise KbError(f"Could not start {command[0]!r}: {error.strerror}.") from None
        if result.returncode != 0:
            raise KbError(f"{command[0]} exited with status {result.returncode}{failed}.")
        return path.read_text(encoding="utf-8")

"""The runbook tab: Markdown rendered off the UI thread, edited in $EDITOR or a built-in editor.

Textual's ``Markdown`` widget takes 1.5 s to mount a 751-line document; Rich's ``Markdown``
renders it in about 0.2 s. So a thread worker renders the runbook to lines at the pane's width,
and a line-API view draws only the lines on screen: a 1,000-line runbook never freezes the UI.

Runbooks come from teammates' commits, so they are untrusted: control sequences are stripped
before parsing, and links are rendered as text with their URL (``hyperlinks=False``), never as
clickable terminal hyperlinks, so nothing opens or runs from a runbook.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Console
from rich.markdown import Markdown
from rich.text import Text
from textual import work
from textual.app import App, ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.geometry import Size
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Footer, Static, TextArea

from vendortui.app.errors import KbError
from vendortui.app.kb import age
from vendortui.app.text import strip_control
from vendortui.screens.confirm import ConfirmScreen

if TYPE_CHECKING:
    from vendortui.models import Runbook


def render_markdown(body: str, width: int, code_theme: str = "monokai") -> list[Strip]:
    """``body`` as Rich Markdown, rendered to lines ``width`` cells wide.

    Pure and thread-safe (its own ``Console``), so it runs in a worker.
    """
    console = Console(width=width, force_terminal=True, color_system="truecolor", no_color=False)
    markdown = Markdown(strip_control(body), code_theme=code_theme, hyperlinks=False)
    lines = console.render_lines(markdown, console.options.update_width(width), pad=True)
    return [Strip(line, width) for line in lines]


class MarkdownLines(ScrollView, can_focus=True):
    """Pre-rendered lines, drawn only where visible; j/k, arrows, pages and the wheel scroll."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "scroll_up", "Up", show=False),
        Binding("down,j", "scroll_down", "Down", show=False),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False),
        Binding("pagedown,ctrl+f,space", "page_down", "Page down", show=False),
        Binding("home,g", "scroll_home", "Top", show=False),
        Binding("end,G", "scroll_end", "Bottom", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[Strip] = []

    def set_lines(self, lines: list[Strip], width: int) -> None:
        """Show ``lines`` (all ``width`` cells wide)."""
        self.lines = lines
        self.virtual_size = Size(width, len(lines))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_y) + y
        width = self.scrollable_content_region.width
        if index >= len(self.lines):
            return Strip.blank(width, self.rich_style)
        # Rich leaves unstyled cells without a background: put the widget's under them.
        return self.lines[index].apply_style(self.rich_style).crop_extend(0, width, self.rich_style)


class RunbookPane(Vertical):
    """When the runbook was last verified and by whom, then the rendered runbook."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.runbook: Runbook | None = None
        self._rendered: tuple[str, int, str] | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="runbook-status")
        yield MarkdownLines(id="runbook-view")

    def clear(self) -> None:
        """Drop what is shown (the vendor screen is switching to another vendor)."""
        self.runbook = None
        self._rendered = None
        self.query_one(MarkdownLines).set_lines([], 0)

    def show(self, runbook: Runbook | None, now: datetime) -> None:
        """Show ``runbook`` (``None``: the vendor has none yet); renders only if it changed."""
        self.runbook = runbook
        self.query_one("#runbook-status", Static).update(verified_line(runbook, now))
        self._render_runbook()

    def on_resize(self) -> None:
        self._render_runbook()

    def _render_runbook(self) -> None:
        view = self.query_one(MarkdownLines)
        width = view.scrollable_content_region.width
        if width <= 0 or not self.display:
            return
        body = self.runbook.body if self.runbook else "*No runbook yet: press e to write one.*"
        key = (body, width, self.app.theme)
        if key != self._rendered:
            self._rendered = key
            view.loading = True
            self._render_in_thread(body, width, code_theme(self.app))

    @work(thread=True, exclusive=True, group="runbook-render")
    def _render_in_thread(self, body: str, width: int, theme: str) -> None:
        lines = render_markdown(body, width, theme)
        self.app.call_from_thread(self._rendered_lines, lines, width)

    def _rendered_lines(self, lines: list[Strip], width: int) -> None:
        view = self.query_one(MarkdownLines)
        view.set_lines(lines, width)
        view.loading = False
        # A loading widget cannot hold focus; hand it back so j/k scroll straight away.
        if self.screen.focused is None and view.display:
            view.focus()


def code_theme(app: App[Any]) -> str:
    """A Pygments theme for code blocks; the ANSI themes keep the terminal's own colours."""
    if app.current_theme.ansi:
        return "ansi_dark" if app.current_theme.dark else "ansi_light"
    return "monokai" if app.current_theme.dark else "default"


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
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        yield Static(Text(strip_control(self.title_text), style="bold"), classes="title-bar")
        yield TextArea(self.body, id="runbook-editor", soft_wrap=True, show_line_numbers=True)
        yield Footer()

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


def editor_command() -> list[str]:
    """``$VISUAL`` or ``$EDITOR`` split like a shell would; a readable error if neither is set."""
    raw = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not raw:
        raise KbError(
            "Set $EDITOR (or $VISUAL) to edit in your editor, or press e for the built-in one."
        )
    return shlex.split(raw)


def edit_externally(app: App[Any], body: str, name: str) -> str | None:
    """Hand the terminal to ``$EDITOR`` on a temporary copy of ``body``; the new text, or
    ``None`` if nothing changed. Runs on the UI thread on purpose: the app is suspended."""
    command = editor_command()
    with tempfile.TemporaryDirectory(prefix="vendortui-") as folder:
        path = Path(folder) / f"{name}-runbook.md"
        path.write_text(body, encoding="utf-8")
        try:
            with app.suspend():
                result = subprocess.run([*command, str(path)], check=False)
        except SuspendNotSupported:
            raise KbError(
                "This terminal cannot hand over to an editor; press e for the built-in one."
            ) from None
        except OSError as error:
            raise KbError(f"Could not start {command[0]!r}: {error.strerror}.") from None
        if result.returncode != 0:
            raise KbError(f"{command[0]} exited with status {result.returncode}; nothing saved.")
        edited = path.read_text(encoding="utf-8")
    return None if edited == body else edited

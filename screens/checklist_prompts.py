"""The walker's prompts: one line of text (a note, a link, a reason, where to export), and
the rollback record (why, which stage, which incident).

A refusal keeps the prompt open with the sentence under the input. Neither prompt blocks the
UI thread on the database: ``TextPrompt`` only checks the answer (the walker queues the
write after it closes, so the item can show ``saving…``), and ``RollbackPrompt`` saves in a
thread worker while it says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static

from vendortui.app.checklists.export import one_line
from vendortui.app.errors import KbError
from vendortui.app.text import strip_control


class TextPrompt(ModalScreen[object]):
    """Ask for one line and check it; a refusal shows in place.

    ``check`` turns the answer into what the prompt dismisses with, or raises ``KbError`` to
    keep the prompt open with the sentence under the input. It runs on the UI thread, so it
    must not touch the database: the caller writes once the prompt has closed.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel")
    ]

    DEFAULT_CSS = """
    TextPrompt { align: center middle; }
    TextPrompt > Vertical {
        width: 90; max-width: 100%; height: auto; padding: 1 2;
        border: thick $accent; background: $surface;
    }
    TextPrompt .prompt-about { color: $text-muted; margin-bottom: 1; }
    TextPrompt .prompt-error { color: $text-error; }
    TextPrompt .prompt-keys { color: $text-muted; margin-top: 1; }
    """

    def __init__(
        self, title: str, about: str, value: str, placeholder: str, check: Callable[[str], object]
    ) -> None:
        super().__init__()
        self.title_text = title
        self.about = about
        self.value = value
        self.placeholder = placeholder
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(one_line(self.title_text), style="bold"))
            if self.about:
                yield Static(Text(strip_control(self.about)), classes="prompt-about")
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input")
            yield Static("", classes="prompt-error")
            yield Static("enter saves · escape cancels", classes="prompt-keys")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            result = self.check(event.value)
        except KbError as error:
            self.query_one(".prompt-error", Static).update(Text(str(error)))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)


class RollbackPrompt(ModalScreen[object]):
    """Why, which stage, and the incident it was suspected of; who is the current user.

    ``save`` writes the record; it runs in a thread worker (the write lock may be held by a
    teammate's sync), and the prompt closes with its result once it is saved.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel")
    ]

    DEFAULT_CSS = """
    RollbackPrompt { align: center middle; }
    RollbackPrompt > Vertical {
        width: 90; max-width: 100%; height: auto; padding: 1 2;
        border: thick $error; background: $surface;
    }
    RollbackPrompt .prompt-label { margin-top: 1; }
    RollbackPrompt .prompt-error { color: $text-error; }
    RollbackPrompt .prompt-keys { color: $text-muted; margin-top: 1; }
    """

    def __init__(
        self,
        stages: list[tuple[str, str]],
        stage: str,
        save: Callable[[str, str, str], object],
    ) -> None:
        super().__init__()
        self.stages = stages
        self.stage = stage
        self.save = save
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Record a rollback", style="bold"))
            yield Static("Why was it rolled back?", classes="prompt-label")
            yield Input(placeholder="error rate doubled on checkout", id="rollback-why")
            yield Static("Which stage was rolled back?", classes="prompt-label")
            yield Select(
                [(Text(one_line(title)), key) for key, title in self.stages],
                value=self.stage,
                allow_blank=False,
                id="rollback-stage",
            )
            yield Static("Incident it was suspected of (id or link)", classes="prompt-label")
            yield Input(placeholder="INC-1234 or https://...", id="rollback-incident")
            yield Static("", classes="prompt-error")
            yield Static("enter saves · escape cancels", classes="prompt-keys")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        if self.saving:
            return
        why = self.query_one("#rollback-why", Input).value
        stage = self.query_one("#rollback-stage", Select).value
        incident = self.query_one("#rollback-incident", Input).value
        self.saving = True
        self.query_one(".prompt-error", Static).update("Saving…")
        self._save(why, str(stage), incident)

    @work(thread=True, group="rollback-save")
    def _save(self, why: str, stage: str, incident: str) -> None:
        try:
            result = self.save(why, stage, incident)
        except KbError as error:
            self.app.call_from_thread(self._refused, str(error))
            return
        self.app.call_from_thread(self.dismiss, result)

    def _refused(self, sentence: str) -> None:
        self.saving = False
        self.query_one(".prompt-error", Static).update(Text(sentence))

    def action_cancel(self) -> None:
        """Escape closes the prompt, except while the record is being saved (it may land)."""
        if not self.saving:
            self.dismiss(None)

"""The runbook's outline: its headings, indented by level; enter jumps to one.

During an incident the reader wants "Roll back" now, not after paging through a pasted log.
The headings come from the blocks the runbook view already parsed, so opening the outline
costs nothing; a runbook still being parsed says so (its later headings are not known yet).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from vendortui.app.runbook_doc import Block, outline
from vendortui.app.text import strip_control

TITLE_CHARS = 120
"""Headings are cut to this many characters (a heading can be a pasted line of any length)."""


class OutlineScreen(ModalScreen[int | None]):
    """Dismisses with the index of the chosen heading's block, or ``None`` on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,o,q", "dismiss(None)", "Close", id="outline.close"),
        Binding("j", "cursor('down')", "Down", show=False, id="outline.down"),
        Binding("k", "cursor('up')", "Up", show=False, id="outline.up"),
    ]

    DEFAULT_CSS = """
    OutlineScreen { align: center middle; }
    OutlineScreen #outline-dialog {
        width: 80; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    OutlineScreen OptionList { height: auto; max-height: 30; }
    """

    def __init__(self, blocks: Sequence[Block], complete: bool) -> None:
        super().__init__()
        self.headings = outline(blocks)
        self.complete = complete

    def compose(self) -> ComposeResult:
        with Vertical(id="outline-dialog"):
            note = "" if self.complete else " (still reading the runbook: more may follow)"
            yield Static(Text.assemble(("Outline", "bold"), (note, "dim")))
            if self.headings:
                yield OptionList(
                    *(
                        Option(Text("  " * (block.level - 1) + _title(block)), id=str(index))
                        for index, block in self.headings
                    ),
                    id="outline",
                )
            else:
                yield Static(Text("This runbook has no headings.", style="dim"))

    def action_cursor(self, direction: str) -> None:
        options = self.query(OptionList)
        if options:
            getattr(options.first(), f"action_cursor_{direction}")()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))


def _title(block: Block) -> str:
    title = strip_control(block.title.replace("\n", " ")).strip() or "(untitled)"
    return title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1] + "…"

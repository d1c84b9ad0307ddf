"""Copying a value to the clipboard with the terminal's OSC 52 sequence: the one copy service.

OSC 52 (``ESC ] 52 ; c ; <base64> BEL``) asks the terminal itself to set its clipboard, so a
copy works over SSH and inside tmux (with ``set -g set-clipboard on``), where no local
clipboard tool can reach. Textual's ``App.copy_to_clipboard`` writes exactly that sequence
(and keeps the text for its own paste); every ``y`` in the app goes through ``copy`` here.

The payload is base64, so the bytes sent to the terminal can never carry a raw control
character. What matters is the clipboard itself: a value holding ESC, BEL, the one-byte CSI
U+009B, a bidi override or, in a one-line value, a line break would act when pasted (a newline
pasted into a shell runs the command). Such a value is refused with one sentence naming the
first hidden character, shown escaped; nothing is copied and the data is untouched. Refusing
rather than stripping keeps what is pasted equal to what is stored and shown. A multi-line
value (a code block, findings) keeps its line breaks and tabs; ``\\r\\n`` is copied as ``\\n``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from vendortui.app.text import has_invisible, one_line

if TYPE_CHECKING:
    from textual.app import App

    from vendortui.models import Person

SHOWN_CHARS = 60
"""How much of the copied value the notification repeats."""


@dataclass(frozen=True, slots=True)
class Copyable:
    """One value a person may copy: what it is (``label``, for the menu and the notice) and the
    text itself. ``multiline`` values (code, findings) may hold line breaks and tabs."""

    label: str
    value: str
    multiline: bool = False

    @property
    def text(self) -> str:
        """The text that goes to the clipboard (Windows line ends as ``\\n``)."""
        return self.value.replace("\r\n", "\n") if self.multiline else self.value


def refusal(item: Copyable) -> str | None:
    """Why ``item`` must not be copied (one sentence), or None when it may be."""
    text = item.text
    if not text:
        return f"Nothing to copy: {item.label} is empty."
    checked = text.replace("\n", "").replace("\t", "") if item.multiline else text
    if has_invisible(checked):
        hidden = next(char for char in checked if has_invisible(char))
        return (
            f"Not copied: {item.label} holds a hidden character ({one_line(hidden)}) that "
            "would act when pasted; fix the value first."
        )
    return None


def notice(item: Copyable) -> str:
    """What a copy says: the label and the start of the value, escaped and cut."""
    text = item.text
    if item.multiline:
        lines = text.count("\n") + (not text.endswith("\n"))
        return f"Copied {item.label} ({lines} line{'s' * (lines != 1)})."
    return f"Copied {item.label}: {one_line(text, SHOWN_CHARS)}"


def copy(app: App[Any], item: Copyable) -> bool:
    """Put ``item`` on the clipboard (OSC 52) and say so, or say why not; True when copied."""
    problem = refusal(item)
    if problem is not None:
        app.notify(problem, severity="warning", markup=False)
        return False
    app.copy_to_clipboard(item.text)
    app.notify(notice(item), markup=False)
    return True


def offer(app: App[Any], items: list[Copyable]) -> None:
    """``y``: copy the only value at once, or ask which one when there are several."""
    if not items:
        app.notify("Nothing to copy here.", severity="warning")
    elif len(items) == 1:
        copy(app, items[0])
    else:
        app.push_screen(CopyMenu(items))


class CopyMenu(ModalScreen[None]):
    """Which value to copy: 1-9 or enter picks, escape closes without copying."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Close", id="copy.close"),
        *(Binding(str(n), f"pick({n - 1})", show=False, id=f"copy.pick{n}") for n in range(1, 10)),
    ]
    DEFAULT_CSS = """
    CopyMenu { align: center middle; }
    CopyMenu > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    CopyMenu OptionList { height: auto; max-height: 20; }
    """

    def __init__(self, items: list[Copyable]) -> None:
        super().__init__()
        self.items = items

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Copy to the clipboard (1-9 or enter; escape closes)")
            yield OptionList(
                *(
                    Option(Text.assemble((f"{n} ", "bold"), f"{item.label}: ", _preview(item)))
                    for n, item in enumerate(self.items, start=1)
                ),
                id="copy-options",
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_pick(event.option_index)

    def action_pick(self, index: int) -> None:
        if 0 <= index < len(self.items):
            self.dismiss()
            copy(self.app, self.items[index])


def contact_items(person: Person, whose: str = "") -> list[Copyable]:
    """A person's e-mail, phone, chat and name (those recorded), labelled ``whose`` (for
    example "lead Priya Raman's") so a menu of several people stays readable."""
    owner = f"{whose} " if whose else ""
    fields = (
        ("e-mail", person.email),
        ("phone number", person.phone),
        ("chat handle", person.chat),
    )
    items = [Copyable(f"{owner}{label}", value) for label, value in fields if value]
    return [*items, Copyable(f"{owner}name" if whose else "name", person.name)]


def _preview(item: Copyable) -> Text:
    first = item.text.split("\n", 1)[0] if item.multiline else item.text
    return Text(one_line(first, SHOWN_CHARS), style="dim")

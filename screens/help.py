"""``?``: every key on every screen, read from the screens' own ``BINDINGS``.

Generated rather than written out, so the help can never disagree with what the keys do.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from vendortui.screens.block_view import BlockView
from vendortui.screens.confirm import ConfirmScreen
from vendortui.screens.forms import FormScreen
from vendortui.screens.home import FilterInput, HomeScreen
from vendortui.screens.keymap import bindings_of, remapped
from vendortui.screens.people import PeopleScreen
from vendortui.screens.runbook import RunbookEditor, RunbookPane
from vendortui.screens.vendor import VendorScreen
from vendortui.screens.vendor_list import VirtualList

if TYPE_CHECKING:
    from vendortui.screens.app import VendorTui

EXTRA_EVERYWHERE: Sequence[tuple[str, str]] = (
    ("ctrl+p", "Command palette: jump to a vendor by name, run an action, change theme"),
    ("tab / shift+tab", "Next / previous control"),
    ("mouse", "Click to select, double-click to open, wheel to scroll, click a tab"),
)

SECTIONS: Sequence[tuple[str, Sequence[BindingType]]] = (
    ("Home", HomeScreen.BINDINGS),
    (
        "Filter (after /)",
        [*FilterInput.BINDINGS, Binding("enter", "", "Open the highlighted vendor")],
    ),
    ("Vendor and attention lists", VirtualList.BINDINGS),
    ("Vendor screen (keys follow the active tab)", VendorScreen.BINDINGS),
    ("Runbook tab", [*BlockView.BINDINGS, *RunbookPane.BINDINGS]),
    ("Runbook editor", RunbookEditor.BINDINGS),
    ("People", PeopleScreen.BINDINGS),
    ("Forms", FormScreen.BINDINGS),
    ("Delete confirmation", ConfirmScreen.BINDINGS),
)


def other_sections() -> list[tuple[str, Sequence[BindingType]]]:
    """The key sections of the panels and screens that are imported on first use."""
    from vendortui.screens.auth_panel import AuthPanel
    from vendortui.screens.checklist_runs import ChecklistRunsPanel
    from vendortui.screens.checklist_walker import ChecklistWalker
    from vendortui.screens.conflicts import ConflictsScreen

    return [
        ("Auth tab", AuthPanel.BINDINGS),
        ("Checklists tab", ChecklistRunsPanel.BINDINGS),
        ("Checklist walker", ChecklistWalker.BINDINGS),
        ("Sync conflicts (c on home)", ConflictsScreen.BINDINGS),
    ]


class HelpScreen(ModalScreen[None]):
    """A scrollable key reference; escape, q or ? closes it."""

    app: VendorTui

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "app.pop_screen", "Close", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog") as dialog:
            dialog.border_title = "Keys"
            with VerticalScroll():
                yield Static(self.keys(), id="help-keys")

    def keys(self) -> Group:
        """Every section: a title, then its keys and what they do."""
        everywhere = [*self._rows(bindings_of(type(self.app))), *EXTRA_EVERYWHERE]
        sections = [("Everywhere", everywhere)]
        sections += [
            (title, self._rows(bindings)) for title, bindings in [*SECTIONS, *other_sections()]
        ]
        parts: list[RenderableType] = []
        for title, rows in sections:
            table = Table(box=None, show_header=False, padding=(0, 2), expand=True)
            table.add_column("key", style="bold", no_wrap=True, width=20)
            table.add_column("what")
            for keys, description in rows:
                table.add_row(keys, description)
            parts += [Text(title, style="bold underline"), table, Text("")]
        return Group(*parts)

    def _rows(self, bindings: Sequence[BindingType]) -> list[tuple[str, str]]:
        """(keys, description) per action, keys joined: ``↑ / k``, as the keymap has them."""
        grouped: dict[tuple[str, str], list[str]] = {}
        for binding in remapped(bindings, self.app.keys_in_effect):
            if not binding.description:
                continue
            keys = grouped.setdefault((binding.action, binding.description), [])
            keys.append(self.app.get_key_display(binding))
        return [(" / ".join(keys), description) for (_, description), keys in grouped.items()]

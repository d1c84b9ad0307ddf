"""Key bindings by id: the profiles, the user's ``[keymap]``, and the clashes they would cause.

Every binding in ``screens/`` has a stable id (``home.filter``, ``vendor.runbook``,
``app.quit``). Textual applies the keymap itself (``App.set_keymap``: the footer and the keys
follow it); this module builds that keymap from the config (profile first, then single
entries), checks it (unknown ids, key names Textual never sends) and finds clashes: two
different actions on one key where they are live together (``CHAINS``: a screen with the
widget that has focus there, and the App), reported with both ids at start-up.

Textual's ``BindingsMap.apply_keymap`` drops every binding on a key when it moves one of them,
so bindings sharing a key in one class (the vendor card's per-tab ``e``, ``a``, ``ctrl+d``)
share one id and move together; ``tests/tui/test_keymap.py`` holds every class to that.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from textual.binding import Binding, BindingType, InvalidBinding
from textual.dom import DOMNode
from textual.keys import Keys, _character_to_key

from vendortui.app.config import Config, current

PROFILES: dict[str, dict[str, str]] = {
    "default": {},
    "vim": {
        "list.open": "enter,l",
        "vendor.back": "escape,q,h",
        "people.back": "escape,q,h",
        "conflicts.back": "escape,q,h",
        "fulltext.back": "escape,q,h",
        "walker.back": "escape,q,h",
        "outline.close": "escape,o,q,h",
    },
    "arrows": {
        "list.up": "up",
        "list.down": "down",
        "list.page_up": "pageup",
        "list.page_down": "pagedown",
        "list.first": "home",
        "list.last": "end",
        "reader.up": "up",
        "reader.down": "down",
        "reader.page_up": "pageup",
        "reader.page_down": "pagedown",
        "reader.top": "home",
        "reader.bottom": "end",
        "table.up": "up",
        "table.down": "down",
        "outline.up": "up",
        "outline.down": "down",
    },
}
"""``vim`` adds ``l`` to open and ``h`` to go back; ``arrows`` takes letters off navigation
(j/k/g/G/space), for people who want only the arrow and page keys to move."""

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
KEY_NAMES = frozenset(
    {key.value.rpartition("+")[2] for key in Keys}
    | {_character_to_key(char) for char in string.printable if not char.isspace()}
    | {"space", "tab", "enter", "escape", "backspace", "delete", "insert"}
    | {f"f{n}" for n in range(1, 25)}
)


def chains() -> list[tuple[str, list[type[DOMNode]]]]:
    """Which binding classes are live together: a screen, the widget focused on it, the App."""
    from vendortui.screens.app import VendorTui
    from vendortui.screens.auth_panel import AuthPanel, UserCodeScreen
    from vendortui.screens.block_view import BlockView
    from vendortui.screens.checklist_lines import ChecklistLines
    from vendortui.screens.checklist_prompts import RollbackPrompt, TextPrompt
    from vendortui.screens.checklist_runs import ChecklistRunsPanel, TemplatePicker
    from vendortui.screens.checklist_walker import ChecklistWalker
    from vendortui.screens.confirm import ConfirmScreen
    from vendortui.screens.conflicts import ConflictsScreen, EditValueScreen
    from vendortui.screens.forms import FormScreen
    from vendortui.screens.help import HelpScreen
    from vendortui.screens.home import FilterInput, HomeScreen
    from vendortui.screens.long_text import FullTextScreen
    from vendortui.screens.people import PeopleScreen
    from vendortui.screens.probe_sweep import ProbeSweepScreen
    from vendortui.screens.runbook import RunbookEditor, RunbookPane
    from vendortui.screens.runbook_outline import OutlineScreen
    from vendortui.screens.vendor import KeyTable, VendorScreen
    from vendortui.screens.vendor_list import VirtualList

    app: list[type[DOMNode]] = [VendorTui]
    return [
        ("the home screen's lists", [*app, HomeScreen, VirtualList]),
        ("the home screen's filter", [*app, HomeScreen, FilterInput]),
        ("the vendor card's tables", [*app, VendorScreen, KeyTable]),
        ("the vendor card's runbook", [*app, VendorScreen, RunbookPane, BlockView]),
        ("the vendor card's Auth tab", [*app, VendorScreen, AuthPanel]),
        ("the vendor card's Checklists tab", [*app, VendorScreen, ChecklistRunsPanel]),
        ("the runbook editor", [*app, RunbookEditor]),
        ("the runbook outline", [*app, OutlineScreen]),
        ("the people screen", [*app, PeopleScreen]),
        ("forms", [*app, FormScreen]),
        ("the delete confirmation", [*app, ConfirmScreen]),
        ("the key help", [*app, HelpScreen]),
        ("the conflicts screen", [*app, ConflictsScreen]),
        ("the conflict value prompt", [*app, EditValueScreen]),
        ("the checklist walker", [*app, ChecklistWalker, ChecklistLines]),
        ("the checklist prompts", [*app, TextPrompt]),
        ("the rollback prompt", [*app, RollbackPrompt]),
        ("the template picker", [*app, TemplatePicker]),
        ("the probe sweep", [*app, ProbeSweepScreen]),
        ("the device-code prompt", [*app, UserCodeScreen]),
        ("the full-text reader", [*app, FullTextScreen, BlockView]),
    ]


def bindings_of(node: type[DOMNode]) -> list[Binding]:
    """The class's bindings as Textual merges them (its bases' included), one key each."""
    return [
        binding for group in node._merge_bindings().key_to_bindings.values() for binding in group
    ]


def remapped(bindings: Sequence[BindingType], keymap: Mapping[str, str]) -> list[Binding]:
    """``bindings`` one key each, with the keymap's keys in place of a moved binding's."""
    out: list[Binding] = []
    moved: set[tuple[str, str]] = set()
    for binding in Binding.make_bindings(bindings):
        if binding.id and binding.id in keymap:
            if (binding.id, binding.action) not in moved:
                moved.add((binding.id, binding.action))
                out += [
                    binding.with_key(key, key_display=None) for key in split(keymap[binding.id])
                ]
        else:
            out.append(binding)
    return out


def split(keys: str) -> list[str]:
    """``"f, ctrl+f"`` as Textual's key names: ``["f", "ctrl+f"]`` (``?`` is question_mark)."""
    return [binding.key for binding in Binding.make_bindings([Binding(keys, "")])]


def bad_key(key: str) -> bool:
    """A key name Textual never sends (``ctrl+`` or ``contrl+f``): the action would be lost."""
    *modifiers, name = key.split("+")
    return not name or name not in KEY_NAMES or not set(modifiers) <= MODIFIERS


def known_ids() -> set[str]:
    """Every binding id in the screens."""
    return {b.id for _, chain in chains() for node in chain for b in bindings_of(node) if b.id}


def effective_keymap(config: Config | None = None) -> tuple[dict[str, str], list[str]]:
    """The keymap for ``App.set_keymap``: the profile's entries, then the file's (which win),
    leaving out keys that cannot work, with one sentence for each of those. Cheap (no screen
    is imported): ids are checked by ``check``."""
    config = config or current()
    keymap = dict(PROFILES[config.value("keymap.profile")])
    problems: list[str] = []
    for binding_id, keys in config.keymap.items():
        try:
            names = split(keys)
        except InvalidBinding:  # an empty key inside the list: "f,,g"
            names = [""]
        wrong = [name for name in names if bad_key(name)]
        if wrong:
            problems.append(
                f"{_where(config, binding_id)}: {wrong[0]!r} (for {binding_id}) is not a key "
                'name Textual knows (e.g. "f", "ctrl+f", "f5", "question_mark"); that action '
                "keeps its usual key."
            )
            continue
        keymap[binding_id] = ",".join(names)
    return keymap, problems


def check(config: Config, keymap: Mapping[str, str]) -> list[str]:
    """Sentences for ids no binding has and for clashes; imports every screen, so the App
    runs it after the first frame, in a worker."""
    ids = known_ids()
    problems = [
        f"{_where(config, binding_id)}: there is no key binding with the id {binding_id!r} "
        "(`vendortui config keys` lists them); the entry is ignored."
        for binding_id in config.keymap
        if binding_id not in ids
    ]
    return problems + [clash.sentence(config.path) for clash in clashes(keymap)]


def _where(config: Config, binding_id: str) -> str:
    line = config.lines.get(f"keymap.{binding_id}")
    return f"{config.path}, line {line}" if line else str(config.path)


@dataclass(frozen=True, slots=True)
class Clash:
    """Two actions on one key where both are live."""

    where: str
    key: str
    first: str
    second: str

    def sentence(self, config_path: object) -> str:
        return (
            f"In {self.where}, the key {self.key} is bound to both {self.first} and "
            f"{self.second}, so only one of them can run; give one of them another key in "
            f"[keymap] of {config_path}."
        )


def clashes(keymap: Mapping[str, str]) -> list[Clash]:
    """Keys with two different actions live together, where the keymap put at least one of
    them on that key (the shipped layout overlaps on purpose: the Auth tab's escape cancels a
    run before the card's escape goes back)."""
    found: list[Clash] = []
    seen: set[tuple[str, str, str]] = set()
    for where, chain in chains():
        shipped = _pairs(chain, {})
        for pair in sorted(_pairs(chain, keymap) - shipped):
            if pair not in seen:
                seen.add(pair)
                found.append(Clash(where, *pair))
    return found


def _pairs(chain: Sequence[type[DOMNode]], keymap: Mapping[str, str]) -> set[tuple[str, str, str]]:
    """(key, name, name) for every two different actions on one key in ``chain``."""
    on_key: dict[str, list[Binding]] = {}
    typing = any(_is_input(node) for node in chain)
    for node in chain:
        for binding in remapped(bindings_of(node), keymap):
            on_key.setdefault(binding.key, []).append(binding)
    pairs: set[tuple[str, str, str]] = set()
    for key, bindings in on_key.items():
        if typing and (len(key) == 1 or _character(key)):
            continue  # the input takes it as text
        for one in bindings:
            for other in bindings:
                if other.action != one.action and _name(one) < _name(other):
                    pairs.add((key, _name(one), _name(other)))
    return pairs


def _name(binding: Binding) -> str:
    return binding.id or f"Textual's {binding.action}"


def _is_input(node: type[DOMNode]) -> bool:
    from textual.widgets import Input

    return issubclass(node, Input)


def _character(key: str) -> bool:
    """Whether an input takes ``key`` as text (a printable character's name, such as slash)."""
    return key in {_character_to_key(c) for c in string.printable if not c.isspace()}


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the key reference: id, keys, what it does."""

    id: str
    keys: str
    description: str


def reference(keymap: Mapping[str, str] | None = None) -> Iterator[Row]:
    """Every binding id once, sorted, with its keys under ``keymap`` (default: as shipped)."""
    keys: dict[str, list[str]] = {}
    what: dict[str, list[str]] = {}
    for _, chain in chains():
        for node in chain:
            for binding in remapped(bindings_of(node), keymap or {}):
                if not binding.id:
                    continue
                shown = binding.key_display or binding.key
                if shown not in keys.setdefault(binding.id, []):
                    keys[binding.id].append(shown)
                if binding.description and binding.description not in what.setdefault(
                    binding.id, []
                ):
                    what[binding.id].append(binding.description)
    for binding_id in sorted(keys):
        description = " / ".join(what.get(binding_id, [])) or binding_id
        yield Row(binding_id, ",".join(keys[binding_id]), description)


def markdown(rows: Iterator[Row]) -> str:
    """The README's table of binding ids (``vendortui config keys --markdown`` prints it)."""
    lines = ["| id | keys | what it does |", "|---|---|---|"]
    for row in rows:
        keys = ", ".join(f"`{key}`" for key in row.keys.split(","))
        lines.append(f"| `{row.id}` | {keys} | {row.description.replace('|', '/')} |")
    return "\n".join(lines) + "\n"

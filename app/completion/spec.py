"""What can be typed where, read from the argparse tree the command line is built from.

Each node is one command path (``""``, ``"probe"``, ``"probe run"``): its sub-commands, the
group's default command (``probe okta`` is ``probe run okta``), its options, which options take
a value and what kind of value, and what its positional arguments are. Vendors are recognised
by their metavar (``VENDOR``, ``NAME_OR_SLUG``), paths by theirs (``FILE``, ``DIR``, ``PATH``).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

from vendortui.app.cli.registry import COMMANDS

VENDOR_METAVARS = frozenset({"VENDOR", "NAME_OR_SLUG"})
PATH_METAVARS = frozenset({"FILE", "DIR", "PATH"})

VENDOR, PATHNAME, OTHER, CHOICES = "vendor", "path", "other", "choices:"
"""Kinds of value: a vendor slug, a file or folder name, anything (nothing to offer), or one
of fixed words (``choices:markdown,html``)."""


@dataclass
class Node:
    """One command path as a shell needs it."""

    path: str
    subs: list[str] = field(default_factory=list)
    default: str = ""
    options: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    """Option -> the kind of value it takes (options missing here take none)."""
    positionals: list[str] = field(default_factory=list)
    """Kinds of the positional arguments; a group with a default command has that command's,
    since ``probe okta`` completes like ``probe run okta``."""
    repeats: bool = False
    """The last positional takes any number of words (``probe VENDOR...``)."""


def _kind(action: argparse.Action) -> str:
    if action.choices is not None and not isinstance(action, argparse._SubParsersAction):
        return CHOICES + ",".join(str(choice) for choice in action.choices)
    metavar = action.metavar if isinstance(action.metavar, str) else ""
    if metavar in VENDOR_METAVARS:
        return VENDOR
    if metavar in PATH_METAVARS:
        return PATHNAME
    return OTHER


def nodes(root: argparse.ArgumentParser) -> list[Node]:
    """Every command path of the parser, root first, in a stable order."""
    out: list[Node] = []

    def visit(parser: argparse.ArgumentParser, words: tuple[str, ...]) -> None:
        node = Node(" ".join(words))
        children: dict[str, argparse.ArgumentParser] = {}
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                children = dict(action.choices)
            elif action.option_strings:
                node.options.extend(action.option_strings)
                if action.nargs != 0:
                    for option in action.option_strings:
                        node.values[option] = _kind(action)
            else:
                node.positionals.append(_kind(action))
                node.repeats = action.nargs in ("*", "+", argparse.REMAINDER)
        node.subs = sorted(children)
        node.default = next(
            (cmd.words[-1] for cmd in COMMANDS.values() if cmd.default and cmd.words[:-1] == words),
            "",
        )
        out.append(node)
        for name in node.subs:
            visit(children[name], (*words, name))
        if node.default:
            default = next(n for n in out if n.path == " ".join((*words, node.default)))
            node.positionals, node.repeats = default.positionals, default.repeats

    visit(root, ())
    return out

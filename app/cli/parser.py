"""The registry as nested argparse sub-commands, with one-sentence errors and typo suggestions.

``vendortui vendors add X`` is the ``add`` sub-command of ``vendors``; a group that is also a
command (``vendors``, ``conflicts``) runs it when no sub-command follows. A mistyped command or
option is answered with the nearest one (``difflib``), in one line, exit code 2.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from typing import Any, NoReturn

from vendortui.app.cli.registry import COMMANDS, Command

HELP = ("-h", "--help")


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line and name the nearest command."""

    def error(self, message: str) -> NoReturn:
        """``vendortui: <message>. See `<prog> --help`.`` on stderr, exit 2 (no usage dump)."""
        message = message.rstrip()
        if not message.endswith((".", "?")):
            message += "."
        self.exit(2, f"vendortui: {message} See `{self.prog} --help`.\n")

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        # argparse checks a sub-command's name here; its own message lists every choice.
        if isinstance(action, argparse._SubParsersAction) and value not in action.choices:
            raise argparse.ArgumentError(
                None, f"unknown command {value!r}{_nearest(value, action.choices)}"
            )
        super()._check_value(action, value)

    def unknown_options(self, extras: list[str]) -> NoReturn:
        """Reject arguments no parser took, suggesting the nearest option of this command."""
        first = extras[0]
        hint = ""
        if first.startswith("-"):
            hint = _nearest(first.split("=", 1)[0], self._option_string_actions)
        self.error(f"unrecognized argument {first!r}{hint}")


def _nearest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f". Did you mean {close[0]!r}?" if close else ""


def _verbose(parser: argparse.ArgumentParser, *, root: bool) -> None:
    """``-v`` anywhere on the line; sub-commands leave the root's value alone unless given."""
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=False if root else argparse.SUPPRESS,
        help="show what happens on stderr and write it to the log file",
    )


def _listing(prefix: tuple[str, ...]) -> str:
    """The commands under ``prefix``, one a line, for the help text."""
    rows = [
        (" ".join(words), cmd.help)
        for words, cmd in sorted(COMMANDS.items())
        if words and words[: len(prefix)] == prefix and words != prefix
    ]
    width = max((len(name) for name, _ in rows), default=0) + 2
    return "commands:\n" + "\n".join(f"  {name:<{width}}{text}" for name, text in rows)


def _groups() -> dict[tuple[str, ...], list[str]]:
    """Every prefix that has sub-commands, with the names of its children."""
    children: dict[tuple[str, ...], list[str]] = {}
    for words in sorted(COMMANDS):
        for size in range(1, len(words) + 1):
            names = children.setdefault(words[: size - 1], [])
            if words[size - 1] not in names:
                names.append(words[size - 1])
    return children


def build(version: str) -> Parser:
    """The whole command line; each command's parser carries ``_command`` in its defaults."""
    groups = _groups()
    root = Parser(
        prog="vendortui",
        description="Offline-first dashboard over your team's vendors. "
        "Without a command it opens the dashboard.",
        epilog=_listing(()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    root.add_argument("-V", "--version", action="version", version=f"vendortui {version}")
    _verbose(root, root=True)
    root.set_defaults(db=None)
    _fill(root, (), groups)
    return root


def _fill(
    parser: argparse.ArgumentParser,
    words: tuple[str, ...],
    groups: dict[tuple[str, ...], list[str]],
) -> None:
    own = COMMANDS.get(words)
    if own is not None:
        own.configure(parser)
    parser.set_defaults(_command=own, _parser=parser)
    children = groups.get(words, [])
    if not children:
        return
    sub = parser.add_subparsers(dest=argparse.SUPPRESS, metavar="COMMAND", parser_class=Parser)
    for name in children:
        path = (*words, name)
        entry = COMMANDS.get(path)
        child = sub.add_parser(
            name,
            description=entry.help if entry else None,
            epilog=_listing(path) if groups.get(path) else None,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        _verbose(child, root=False)
        _fill(child, path, groups)


def with_default(argv: list[str], root: argparse.ArgumentParser) -> list[str]:
    """``probe okta`` -> ``probe run okta``: insert a group's default command when none is named.

    Only the word right after the group names a sub-command, so ``probe run list`` is how a
    vendor called ``list`` is probed.
    """
    takes_value = {
        option
        for action in root._actions
        if action.nargs != 0 and action.option_strings
        for option in action.option_strings
    }
    index = 0
    while index < len(argv) and argv[index].startswith("-"):
        index += 2 if argv[index] in takes_value else 1
    if index >= len(argv):
        return argv
    group = (argv[index],)
    default = next(
        (cmd for cmd in COMMANDS.values() if cmd.default and cmd.words[:-1] == group), None
    )
    following = argv[index + 1] if index + 1 < len(argv) else None
    if default is None or following in HELP:
        return argv
    siblings = {words[-1] for words in COMMANDS if words[:-1] == group}
    if following in siblings:
        return argv
    return [*argv[: index + 1], default.words[-1], *argv[index + 1 :]]


def parse(root: Parser, argv: list[str]) -> tuple[Command | None, argparse.Namespace]:
    """Parse ``argv``: the command to run (None for a bare group) and its arguments."""
    args, extras = root.parse_known_args(with_default(argv, root))
    parser: Parser = args._parser
    if extras:
        parser.unknown_options(extras)
    return args._command, args


def print_group_help(args: argparse.Namespace) -> int:
    """``vendortui secret`` alone: the group's commands on stdout."""
    args._parser.print_help(sys.stdout)
    return 0

"""The ``vendortui`` command line: a registry of commands, each a small module.

Commands are named by one or more words (``vendors``, ``vendors add``, ``probe add``); the
longest registered prefix of the arguments wins, so ``vendortui probe add X`` and
``vendortui probe X Y`` can coexist without argparse sub-parser contortions. Nothing here
imports Textual or SQLModel at module level: headless commands stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

import vendortui
from vendortui.app.errors import KbError

COMMAND_MODULES = (
    "vendortui.app.cli.kb_commands",
    "vendortui.app.cli.checklist_commands",
    "vendortui.app.cli.probe_commands",
    "vendortui.app.cli.sync_commands",
)
"""Modules that register commands; a missing one is skipped so parts can land separately."""


@dataclass(frozen=True)
class Command:
    """One registered command."""

    words: tuple[str, ...]
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


COMMANDS: dict[tuple[str, ...], Command] = {}


def command(
    name: str, help: str, configure: Callable[[argparse.ArgumentParser], None] | None = None
) -> Callable[[Callable[[argparse.Namespace], int]], Callable[[argparse.Namespace], int]]:
    """Register ``run(args) -> exit code`` under the words of ``name``."""

    def register(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        words = tuple(name.split())
        COMMANDS[words] = Command(words, help, configure or (lambda _parser: None), run)
        return run

    return register


def _load_commands() -> None:
    for module in COMMAND_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


def _usage() -> str:
    lines = [
        "usage: vendortui [--db PATH]            open the dashboard",
        "       vendortui COMMAND [ARGS] [--help]",
        "",
        "commands:",
    ]
    for words, cmd in sorted(COMMANDS.items()):
        if words:
            lines.append(f"  {' '.join(words):<22} {cmd.help}")
    lines += ["", "options:", "  --version              print the version", ""]
    return "\n".join(lines)


def _find(argv: list[str]) -> tuple[Command, list[str]]:
    for size in range(min(len(argv), 3), 0, -1):
        words = tuple(argv[:size])
        if words in COMMANDS:
            return COMMANDS[words], argv[size:]
    return COMMANDS[()], argv


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``vendortui`` script; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    _load_commands()
    if argv[:1] in (["--version"], ["-V"]):
        print(f"vendortui {vendortui.__version__}")
        return 0
    if argv[:1] in (["--help"], ["-h"], ["help"]):
        print(_usage())
        return 0
    cmd, rest = _find(argv)
    prog = " ".join(("vendortui", *cmd.words))
    parser = argparse.ArgumentParser(prog=prog, description=cmd.help)
    cmd.configure(parser)
    args = parser.parse_args(rest)
    try:
        return cmd.run(args)
    except KbError as exc:
        print(f"vendortui: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("vendortui: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if os.environ.get("VENDORTUI_DEBUG"):
            raise
        print(
            f"vendortui: unexpected {type(exc).__name__}; nothing was half-saved (each change is "
            "one transaction). Run again with VENDORTUI_DEBUG=1 for details and report it.",
            file=sys.stderr,
        )
        return 3

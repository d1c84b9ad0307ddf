"""The command registry: each ``app/cli/*_commands.py`` module registers its commands here.

A command is named by its words (``"vendors add"``); ``app/cli/parser.py`` turns the registry
into nested argparse sub-commands. This module imports nothing from vendortui, so every command
module can import it without a cycle.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

Configure = Callable[[argparse.ArgumentParser], None]
Run = Callable[[argparse.Namespace], int]


@dataclass(frozen=True)
class Command:
    """One registered command: its words, one line of help, its options, what it runs.

    ``default`` marks the command that its group's words alone run: ``vendortui probe okta``
    is ``vendortui probe run okta`` (and ``vendortui probe run list`` probes a vendor called
    ``list``).
    """

    words: tuple[str, ...]
    help: str
    configure: Configure
    run: Run
    default: bool = False


COMMANDS: dict[tuple[str, ...], Command] = {}


def _no_options(_parser: argparse.ArgumentParser) -> None:
    """A command without options of its own."""


def command(
    name: str, help: str, configure: Configure | None = None, *, default: bool = False
) -> Callable[[Run], Run]:
    """Register ``run(args) -> exit code`` under the words of ``name`` (``""``: no words)."""

    def register(run: Run) -> Run:
        words = tuple(name.split())
        COMMANDS[words] = Command(words, help, configure or _no_options, run, default)
        return run

    return register

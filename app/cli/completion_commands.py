"""``vendortui completion bash|zsh|fish``: print a shell completion script (``app/completion``).

The vendor slugs the scripts offer come from ``vendortui __complete slugs``, which
``app.cli.main`` answers before any command loads; it is not a registered command, so it is
neither listed nor completed.
"""

from __future__ import annotations

import argparse
import sys

from vendortui.app.cli import command

SHELLS = ("bash", "zsh", "fish")


def _completion_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("shell", choices=SHELLS, help="the shell to print the script for")


@command("completion", "print a shell completion script (bash, zsh or fish)", _completion_args)
def completion(args: argparse.Namespace) -> int:
    """Print the script built from this vendortui's own command tree."""
    import vendortui
    from vendortui.app.cli.parser import build
    from vendortui.app.completion.scripts import SCRIPTS
    from vendortui.app.completion.spec import nodes

    sys.stdout.write(SCRIPTS[args.shell](nodes(build(vendortui.__version__))))
    return 0

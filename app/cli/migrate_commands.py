"""``vendortui migrate SOURCE TARGET``: a knowledge base from a file to a team server, or back."""

from __future__ import annotations

import argparse

from vendortui.app.cli import command


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", metavar="SOURCE", help="knowledge-base file or postgresql:// URL")
    parser.add_argument(
        "target", metavar="TARGET", help="empty postgresql:// database, or a new file name"
    )


@command("migrate", "copy a knowledge base between a file and a PostgreSQL server", _configure)
def migrate_command(args: argparse.Namespace) -> int:
    """Copy every row, then print each table's row count and checksum on both sides."""
    from vendortui.app.transfer import run

    return 0 if run(args.source, args.target, print) else 1

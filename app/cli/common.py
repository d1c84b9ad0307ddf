"""Pieces every command shares: the ``--db`` option, opening the knowledge base, JSON output."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from vendortui.app.db import Database, open_database
from vendortui.app.errors import ReadOnlyError
from vendortui.app.paths import builtin_db_path, resolve_db
from vendortui.app.text import json_text


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    """``--db PATH_OR_URL``: the knowledge base, a file or a PostgreSQL URL; defaults to
    ``$VENDORTUI_DB`` or the user data dir.

    Accepted before or after the command's words: a command's own ``--db`` leaves one given
    earlier alone (the root parser's default is None).
    """
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        default=argparse.SUPPRESS,
        help="knowledge base file or postgresql:// team server (default: $VENDORTUI_DB, else "
        "knowledge_base in the config file, else the one vendortui init chose, else the user "
        "data dir)",
    )


def open_db(args: argparse.Namespace, *, for_writing: bool) -> Database:
    """Open the knowledge base named by ``--db`` (validated, migrated), telling any notice."""
    from vendortui.app.sync import pending

    pending.install()
    found = resolve_db(args.db)
    db = open_database(found, for_writing=for_writing, create_folder=found == builtin_db_path())
    if db.kind == "postgresql":
        from vendortui.app.offline import refresh_after_exit

        refresh_after_exit(db)  # type: ignore[arg-type]
    if for_writing and db.readonly:
        # The write would be refused with the same notice: say it once, as the error.
        raise ReadOnlyError(db.notice)
    if db.notice:
        print(f"vendortui: {db.notice}", file=sys.stderr)
    return db


def print_json(value: Any) -> None:
    """The one writer of ``--json`` output: ``app.text.json_text`` on stdout."""
    sys.stdout.write(json_text(value) + "\n")

"""Team-sync commands: ``init``, ``clone``, ``sync``, ``conflicts``, ``dump``, ``merge-driver``.

Thin wrappers over ``app.sync``: parse, call the service, print. SQLModel is imported only by
the commands that write (resolve) or merge; ``dump`` (git's textconv) stays on plain sqlite3.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Literal

from vendortui.app.cli import command
from vendortui.app.cli.common import add_db_argument, print_json
from vendortui.app.paths import resolve_db_path


def _configure_init(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", metavar="DIR", help="folder for the team knowledge base")
    parser.add_argument("--remote", metavar="URL", help="git remote to push it to (origin)")
    parser.add_argument(
        "--from",
        dest="source",
        metavar="PATH",
        help="start from the data of an existing knowledge base file",
    )


@command("init", "create or adopt a team knowledge base (a git repository)", _configure_init)
def init_command(args: argparse.Namespace) -> int:
    """``vendortui init DIR [--remote URL] [--from PATH]``."""
    from vendortui.app.sync.setup import init

    source = Path(args.source).expanduser() if args.source else None
    db_path = init(Path(args.folder).expanduser(), args.remote, source=source)
    print(f"Team knowledge base ready: {db_path} (now the default).")
    print("Teammates join with: vendortui clone URL DIR; then vendortui sync shares edits.")
    return 0


def _configure_clone(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", metavar="URL", help="the team knowledge base's git URL")
    parser.add_argument("folder", metavar="DIR", help="new folder to clone into")


@command("clone", "join an existing team knowledge base", _configure_clone)
def clone_command(args: argparse.Namespace) -> int:
    """``vendortui clone URL DIR``."""
    from vendortui.app.sync.setup import clone

    db_path = clone(args.url, Path(args.folder).expanduser())
    print(f"Joined the team knowledge base: {db_path} (now the default).")
    return 0


def _configure_sync(parser: argparse.ArgumentParser) -> None:
    add_db_argument(parser)
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress lines")


@command("sync", "commit local edits, merge teammates' edits, push", _configure_sync)
def sync_command(args: argparse.Namespace) -> int:
    """``vendortui sync``: exit 0 when synced, 1 when the remote could not be reached."""
    from vendortui.app.sync.run import sync

    def progress(message: str) -> None:
        if not args.quiet:
            print(f"... {message}", file=sys.stderr, flush=True)

    report = sync(resolve_db_path(args.db), progress)
    for line in report.lines():
        print(line)
    return 1 if report.problem else 0


def _configure_conflicts(parser: argparse.ArgumentParser) -> None:
    add_db_argument(parser)
    parser.add_argument("--json", action="store_true", help="machine-readable output")


@command("conflicts", "list conflicts that need a person", _configure_conflicts)
def conflicts_command(args: argparse.Namespace) -> int:
    """``vendortui conflicts [--json]``."""
    from vendortui.app.cli.common import open_db
    from vendortui.app.sync.conflicts import list_open
    from vendortui.app.sync.summary import clean

    db = open_db(args, for_writing=False)
    try:
        items = list_open(db)
    finally:
        db.close()
    if args.json:
        print_json([item.as_dict() for item in items])
        return 0
    if not items:
        print("No open conflicts.")
        return 0
    for item in items:
        print(
            f"{item.id[:8]}  {item.table.replace('_', ' ')} {clean(item.row_label)}: "
            f"{item.field.replace('_', ' ')}"
        )
        for name, value, by, at in (
            ("mine", item.mine, item.mine_by, item.mine_at),
            ("theirs", item.theirs, item.theirs_by, item.theirs_at),
        ):
            shown = "(empty)" if value is None else repr(clean(value))
            print(f"  {name + ':':8}{shown}  ({clean(by) or 'someone'}, {(at or '?')[:16]})")
        current = "(empty)" if item.current is None else repr(clean(item.current))
        print(f"  {'now:':8}{current}")
    print(
        f"\n{len(items)} open. Resolve with: vendortui conflicts resolve ID "
        "--mine | --theirs | --value V"
    )
    return 0


def _configure_resolve(parser: argparse.ArgumentParser) -> None:
    add_db_argument(parser)
    parser.add_argument("conflict_id", metavar="ID", help="the conflict's id (or its start)")
    side = parser.add_mutually_exclusive_group(required=True)
    side.add_argument("--mine", action="store_true", help="keep my value")
    side.add_argument("--theirs", action="store_true", help="keep their value")
    side.add_argument("--value", metavar="V", help="set another value")


@command("conflicts resolve", "settle one conflict (an edit that syncs)", _configure_resolve)
def resolve_command(args: argparse.Namespace) -> int:
    """``vendortui conflicts resolve ID --mine|--theirs|--value V``."""
    from vendortui.app.cli.common import open_db
    from vendortui.app.sync.conflicts import resolve
    from vendortui.app.sync.summary import clean

    choice: Literal["mine", "theirs", "value"] = (
        "mine" if args.mine else "theirs" if args.theirs else "value"
    )
    db = open_db(args, for_writing=True)
    try:
        done = resolve(db, args.conflict_id, choice, args.value)
    finally:
        db.close()
    print(
        f"Resolved {done.id[:8]} ({done.table.replace('_', ' ')} {clean(done.row_label)}: "
        f"{done.field.replace('_', ' ')}); vendortui sync shares it."
    )
    return 0


def _configure_dump(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "database",
        metavar="DB",
        nargs="?",
        help="knowledge base file or postgresql:// URL to print (default: as --db)",
    )
    add_db_argument(parser)


@command("dump", "print a knowledge base as stable text (git's diff driver)", _configure_dump)
def dump_command(args: argparse.Namespace) -> int:
    """``vendortui dump DB``: the textconv driver (a file); a team server prints the same
    text. Reads only."""
    from vendortui.app.paths import resolve_db
    from vendortui.app.sync.dump import dump_chunks

    batch: list[str] = []
    for chunk in dump_chunks(resolve_db(args.database or args.db)):
        batch.append(chunk)
        if len(batch) >= 2000:
            sys.stdout.write("\n".join(batch) + "\n")
            batch.clear()
    sys.stdout.write("\n".join(batch) + "\n")
    return 0


def _configure_driver(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("base", metavar="BASE")
    parser.add_argument("ours", metavar="OURS")
    parser.add_argument("theirs", metavar="THEIRS")


@command("merge-driver", "git merge driver: vendortui merge-driver %O %A %B", _configure_driver)
def merge_driver_command(args: argparse.Namespace) -> int:
    """Merge into OURS in place; non-zero (git keeps a conflict) if it cannot."""
    from vendortui.app.sync.plain import merge_driver

    stats = merge_driver(Path(args.base), Path(args.ours), Path(args.theirs))
    if stats.conflicts:
        print(
            f"vendortui: merged the knowledge base; {stats.conflicts} conflicts recorded, "
            "see vendortui conflicts.",
            file=sys.stderr,
        )
    return 0

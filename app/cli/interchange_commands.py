"""``vendortui import`` and ``vendortui export``: CSV, JSON and Backstage files."""

from __future__ import annotations

import argparse
from pathlib import Path

from vendortui.app.cli import command
from vendortui.app.cli.common import add_db_argument, open_db
from vendortui.app.errors import KbError
from vendortui.app.interchange import FORMATS


def _format_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format", choices=FORMATS, help="default: from the file's extension (.csv .json .yaml)"
    )


def _import_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the file to import")
    _format_argument(parser)
    parser.add_argument(
        "--dry-run", action="store_true", help="print what would change; write nothing"
    )
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="HEADER=COLUMN",
        help='read a CSV header as a vendortui column ("Owner=lead"; "Notes=" ignores it)',
    )
    parser.add_argument(
        "--allow-similar",
        action="store_true",
        help="add new vendors even if their names look like existing vendors'",
    )
    add_db_argument(parser)


def parse_mapping(items: list[str]) -> dict[str, str]:
    """``--map`` values as header key -> column (``""``: ignore the column)."""
    from vendortui.app.interchange.csv_format import header_key

    mapping: dict[str, str] = {}
    for item in items:
        header, sep, column = item.partition("=")
        if not sep or not header.strip():
            raise KbError(f'--map {item!r} needs the form HEADER=COLUMN, e.g. --map "Owner=lead".')
        mapping[header_key(header)] = header_key(column) if column.strip() else ""
    return mapping


@command("import", "bring vendors in from a CSV, JSON or Backstage file", _import_args)
def import_command(args: argparse.Namespace) -> int:
    """Import FILE (or, with --dry-run, list what would change)."""
    from vendortui.app.interchange import guess_format
    from vendortui.app.interchange.report import dry_run_lines, summary
    from vendortui.app.interchange.service import import_file
    from vendortui.app.text import one_line

    path = Path(args.file)
    fmt = guess_format(path, args.format)
    mapping = parse_mapping(args.map)
    db = open_db(args, for_writing=not args.dry_run)
    plan = import_file(
        db, path, fmt, mapping=mapping, allow_similar=args.allow_similar, dry_run=args.dry_run
    )
    if args.dry_run:
        for line in dry_run_lines(plan):
            print(line)
        return 1 if plan.problems else 0
    print(f"Imported {one_line(path)}: {summary(plan)}.")
    return 0


def _export_args(parser: argparse.ArgumentParser) -> None:
    _format_argument(parser)
    parser.add_argument("--output", "-o", metavar="FILE", help="write here (default: stdout)")
    add_db_argument(parser)


@command("export", "write the knowledge base as CSV, JSON or a Backstage catalog", _export_args)
def export_command(args: argparse.Namespace) -> int:
    """Export to --output (replaced whole) or standard output."""
    import sys

    from vendortui.app.interchange import guess_format
    from vendortui.app.interchange.service import export_to

    target = Path(args.output) if args.output else None
    fmt = guess_format(target, args.format or (None if target else "csv"))
    count = export_to(open_db(args, for_writing=False), fmt, target)
    if target is not None:
        print(f"Wrote {count} vendors to {target} ({fmt}).", file=sys.stderr)
    return 0

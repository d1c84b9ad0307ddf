"""Import and export, whole: read the file, plan, then write in one transaction or report.

The file is read and parsed before the write lock is taken. A real import then plans again
inside its ``BEGIN IMMEDIATE`` transaction (what it compares against cannot change under it)
and writes there, so a file with one bad row writes nothing and a concurrent edit is never
overwritten unseen.

Each format's modules are imported when that format is chosen, not with this module: an
export of 10,000 vendors as JSON took a tenth of its time importing the YAML parser, the CSV
dialects and the import planner it never runs.
"""

from __future__ import annotations

import io
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO

from vendortui.app.identity import current_user
from vendortui.app.interchange.source import read_text
from vendortui.app.output_file import check_output, replace_with
from vendortui.models.ids import utcnow

if TYPE_CHECKING:
    from vendortui.app.db import Database
    from vendortui.app.interchange.plan import Plan

Planner = Callable[[sqlite3.Connection], "Plan"]


def _planner(path: Path, fmt: str, mapping: dict[str, str], allow_similar: bool) -> Planner:
    """Parse the file now; return what plans it against a connection."""
    text, name = read_text(path), str(path)
    who, now = current_user(), utcnow()
    if fmt == "json":
        from vendortui.app.interchange import json_format
        from vendortui.app.interchange.tables import plan_document

        document = json_format.read(text, name)
        return lambda conn: plan_document(conn, document, who=who, now=now)
    from vendortui.app.interchange.matching import Known
    from vendortui.app.interchange.plan import plan_records

    if fmt == "csv":
        from vendortui.app.interchange import csv_format

        records, problems = csv_format.read(text, name, mapping)
        skipped = 0
    else:
        from vendortui.app.interchange import backstage

        records, problems, skipped = backstage.read(text, name)

    def plan(conn: sqlite3.Connection) -> Plan:
        out = plan_records(Known.read(conn), records, who=who, now=now, allow_similar=allow_similar)
        out.problems[:0] = problems
        out.skipped = skipped
        return out

    return plan


def import_file(
    db: Database,
    path: Path,
    fmt: str,
    *,
    mapping: dict[str, str] | None = None,
    allow_similar: bool = False,
    dry_run: bool = False,
) -> Plan:
    """Import ``path``; a dry run only plans. ``KbError`` when a row cannot be imported."""
    from vendortui.app.interchange.apply import apply
    from vendortui.app.interchange.report import refusal

    planner = _planner(path, fmt, mapping or {}, allow_similar)
    if dry_run:
        with db.read() as conn:
            return planner(conn)
    with db.write() as session:
        # The write transaction's own connection: the plan reads under its lock.
        plan = planner(db.raw(session))
        if plan.problems:
            raise refusal(plan)
        if not plan.empty:
            apply(db, session, plan)
    return plan


def export(db: Database, fmt: str, out: TextIO) -> int:
    """Write the knowledge base to ``out`` in ``fmt``; returns how many vendors."""
    with db.read() as conn:
        if fmt == "json":
            from vendortui.app.interchange import json_format

            return json_format.write(conn, out)
        from vendortui.app.interchange.records import lead_teams, read_records

        if fmt == "csv":
            from vendortui.app.interchange import csv_format

            return csv_format.write(read_records(conn), out)
        from vendortui.app.interchange import backstage

        return backstage.write(read_records(conn), lead_teams(conn), out)


def export_to(db: Database, fmt: str, target: Path | None) -> int:
    """Export to ``target`` (checked by ``check_output``, replaced whole by ``write_output``,
    never left half written) or standard output.

    A CSV file starts with a UTF-8 byte-order mark, which spreadsheets need to read UTF-8.
    """
    if target is None:
        return export(db, fmt, sys.stdout)
    path = check_output(str(target))
    counted: list[int] = []

    def write(out: BinaryIO) -> None:
        encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
        text = io.TextIOWrapper(out, encoding=encoding, newline="")
        counted.append(export(db, fmt, text))
        text.detach()  # flushed; ``replace_with`` closes the file

    replace_with(path, write)
    return counted[0]

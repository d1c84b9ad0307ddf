"""Copying a whole knowledge base between a file and a team server (``vendortui migrate``).

Every row of every table travels as it is: ids, tombstones, ``created_at``/``updated_at``/
``updated_by`` stamps, checklist ticks and probe history. The target must be empty; the copy
is one transaction, so a failure leaves it empty. Afterwards each table is counted and
checksummed on both sides through the fast read path, which presents values in one form on
both backends (timestamps as naive-UTC text, booleans as 0/1), so equal sums mean equal data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vendortui.app.db import Database, open_database
from vendortui.app.dburl import Location, is_server_url, redact
from vendortui.app.errors import KbError


@dataclass(frozen=True)
class TableCheck:
    """One table after the copy: rows and checksum on each side."""

    table: str
    source_rows: int
    target_rows: int
    source_sum: str
    target_sum: str

    @property
    def ok(self) -> bool:
        return (self.source_rows, self.source_sum) == (self.target_rows, self.target_sum)

    def line(self) -> str:
        verdict = "ok" if self.ok else f"MISMATCH ({self.target_rows} rows, {self.target_sum})"
        return f"{self.table:<20} {self.source_rows:>8} rows  sha256 {self.source_sum}  {verdict}"


def _name(location: Location) -> str:
    return redact(location) if isinstance(location, str) else str(location)


def migrate(source: Location, target: Location) -> list[TableCheck]:
    """Copy ``source`` into the empty ``target`` (file -> server or server -> file)."""
    if isinstance(source, str) == isinstance(target, str):
        raise KbError(
            "vendortui migrate copies between a file and a PostgreSQL server: give one "
            "knowledge-base file and one postgresql:// URL."
        )
    if isinstance(target, Path) and target.exists():
        raise KbError(f"{target} already exists; name a new file to migrate into.")
    source_db = open_database(source, for_writing=False)
    created = isinstance(target, Path)
    try:
        target_db = open_database(target)
        try:
            _refuse_unless_empty(target_db, target)
            tables = copy_all(source_db, target_db)
            target_db.analyze()
            return [_check(source_db, target_db, table) for table in tables]
        finally:
            target_db.close()
    except BaseException:
        if created and isinstance(target, Path):
            target.unlink(missing_ok=True)
        raise
    finally:
        source_db.close()


def _tables() -> list[Any]:
    """Every knowledge-base table, parents before children (foreign-key order)."""
    from vendortui import models
    from vendortui.models import Synced

    models.load_all()
    return [t for t in Synced.metadata.sorted_tables if t.name != "alembic_version"]


def _refuse_unless_empty(db: Database, target: Location) -> None:
    with db.read() as conn:
        for table in _tables():
            if conn.execute(f'SELECT 1 FROM "{table.name}" LIMIT 1').fetchone():
                raise KbError(
                    f"{_name(target)} already holds a knowledge base (rows in {table.name}); "
                    "migrate into an empty database, nothing was changed."
                )


def copy_all(
    source: Database, target: Database, also: Callable[[Any], object] | None = None
) -> list[Any]:
    """Every row, parents first, in one target transaction (all or nothing); the tables.

    ``also(conn)`` runs first on the source's reading connection, inside the snapshot the
    rows are copied from (the offline copy reads the server's change mark there).
    """
    tables = _tables()
    with source.read() as reading, target.write() as writing:
        if also is not None:
            also(reading)
        for table in tables:
            columns = [column.name for column in table.columns]
            rows = reading.execute(_select(table.name, columns))
            target.bulk_insert(writing, table.name, columns, rows)
    return tables


def _select(table: str, columns: list[str]) -> str:
    return "SELECT " + ", ".join(f'"{name}"' for name in columns) + f' FROM "{table}"'


def _check(source: Database, target: Database, table: Any) -> TableCheck:
    sql = _select(table.name, [column.name for column in table.columns])
    (source_rows, source_sum), (target_rows, target_sum) = (
        _digest(db, sql) for db in (source, target)
    )
    return TableCheck(table.name, source_rows, target_rows, source_sum, target_sum)


def _digest(db: Database, sql: str) -> tuple[int, str]:
    """Row count and an order-free sha256 of the rows as the fast read path presents them."""
    with db.read() as conn:
        rows = sorted(_row_sum(row) for row in conn.execute(sql))
    return len(rows), hashlib.sha256(b"".join(rows)).hexdigest()[:16]


def _row_sum(row: Any) -> bytes:
    return hashlib.sha256(repr(tuple(row)).encode()).digest()


def run(source: str, target: str, say: Callable[[str], None]) -> bool:
    """The command: copy, print the table-by-table check, and whether every table matched."""
    src = source if is_server_url(source) else Path(source).expanduser()
    dst = target if is_server_url(target) else Path(target).expanduser()
    checks = migrate(src, dst)
    for check in checks:
        say(check.line())
    total = sum(check.source_rows for check in checks)
    ok = all(check.ok for check in checks)
    say(
        f"Copied {total} rows from {_name(src)} to {_name(dst)}; every table matches."
        if ok
        else f"Copied {total} rows, but the tables marked MISMATCH differ; do not use {_name(dst)}."
    )
    return ok

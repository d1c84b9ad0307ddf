"""The lossless form: every row of every synced table but conflicts, ids and stamps kept.

``{"format": "vendortui/1", "schema": "0001", "tables": {"vendor": [{...}, ...], ...}}``,
tables parents first, one row per line, values as SQLite holds them (text timestamps, dates
as ``YYYY-MM-DD``) with booleans as ``true``/``false``. Deleted rows (tombstones) are kept too,
so a clone that imports the file syncs with the one that wrote it. Conflicts are not
exported: they belong to the sync history of the clone that met them. No secret is in the
database, so none is here: a probe carries only ``secret_ref``, the keyring entry's name.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any, TextIO

from vendortui.app.errors import KbError
from vendortui.app.queries import TABLE_NAMES_SQL
from vendortui.app.text import escape_json

FORMAT = "vendortui/1"


NOT_EXPORTED = frozenset({"conflict", "alembic_version"})


def table_names(conn: sqlite3.Connection) -> list[str]:
    """The knowledge base's tables but conflicts, parents before children, read from its own
    schema (foreign keys; a team server's catalog answers the same pragmas), so export never
    waits for SQLModel; ties in name order."""
    names = sorted(row[0] for row in conn.execute(TABLE_NAMES_SQL) if row[0] not in NOT_EXPORTED)
    parents = {
        name: {fk[2] for fk in conn.execute(f'PRAGMA foreign_key_list("{name}")')} - {name}
        for name in names
    }
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [n for n in names if n not in ordered and parents[n] <= set(ordered)]
        if not ready:
            raise KbError("The knowledge base's tables refer to each other in a circle.")
        ordered.extend(ready)
    return ordered


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def _line(values: dict[str, Any]) -> str:
    """One row as JSON; the invisible-character escaping only runs on the rare line that
    could hold one (non-ASCII, or DEL, which ``json`` leaves raw)."""
    line = _ENCODER.encode(values)
    return line if line.isascii() and "\x7f" not in line else escape_json(line)


def column_types(conn: sqlite3.Connection, table: str) -> dict[str, tuple[str, bool]]:
    """column -> (declared SQL type, nullable), from the file's own schema."""
    return {
        row[1]: (str(row[2]).upper(), not row[3])
        for row in conn.execute(f'PRAGMA table_info("{table}")')
    }


def write(conn: sqlite3.Connection, out: TextIO) -> int:
    """Write the whole knowledge base; returns the number of vendors (live and deleted)."""
    revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    out.write(f'{{"format": "{FORMAT}", "schema": {json.dumps(revision[0])}, "tables": {{')
    vendors = 0
    for index, table in enumerate(table_names(conn)):
        types = column_types(conn, table)
        names = list(types)
        flags = [n for n in names if types[n][0] == "BOOLEAN"]
        out.write(f"{',' if index else ''}\n {json.dumps(table)}: [")
        first = True
        for row in conn.execute(f'SELECT {", ".join(names)} FROM "{table}" ORDER BY id'):
            values = dict(zip(names, row, strict=True))
            for name in flags:
                values[name] = bool(values[name])
            out.write(("\n  " if first else ",\n  ") + _line(values))
            first = False
            vendors += table == "vendor"
        out.write("\n ]" if not first else "]")
    out.write("\n}}\n")
    return vendors


@dataclass(frozen=True)
class Document:
    """A parsed export: per table, its rows with where each is in the file."""

    file: str
    schema: str
    tables: dict[str, list[tuple[str, dict[str, Any]]]]


def read(text: str, file: str) -> Document:
    """Parse and check the shape of an export; ``KbError`` names the first thing wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise KbError(f"{file} line {exc.lineno} is not JSON ({exc.msg}).") from None
    except RecursionError:
        raise KbError(f"{file} nests too deeply to be a vendortui export.") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else None
        raise KbError(
            f"{file} is not a vendortui export (its format is {str(found)[:40]!r}, not "
            f"{FORMAT!r}); export it with `vendortui export --format json`."
        )
    tables = data.get("tables")
    if not isinstance(tables, dict):
        raise KbError(f'{file} has no "tables" object; it is not a whole vendortui export.')
    out: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for name, rows in tables.items():
        if not isinstance(rows, list):
            raise KbError(f"{file}: tables.{name} must be a list of rows.")
        out[name] = []
        for index, row in enumerate(rows):
            where = f"{file}: {name} #{index + 1}"
            if not isinstance(row, dict):
                raise KbError(f"{where} is not an object of column values.")
            out[name].append((where, row))
    return Document(file, str(data.get("schema", "")), out)

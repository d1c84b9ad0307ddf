"""A stable, line-oriented text form of a knowledge base: git's textconv for the file.

``git diff`` and ``git log -p`` on the database show which fields of which rows changed.
Rows are sorted by table and id, one field per line; text with line breaks (or very long) is
an indented block; strings are JSON-quoted and every control or bidi character is escaped,
so a teammate's data cannot move the cursor or recolour the terminal of whoever reads the
diff. Plain ``sqlite3`` only, read-only: textconv runs on every diff and must be quick. A team
server prints the same text through its read path (psycopg, no SQLModel).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from typing import Any

from vendortui.app import dbfile
from vendortui.app.dburl import Location
from vendortui.app.errors import KbError

BLOCK_OVER = 100
"""Single-line strings longer than this are written as a block too, for readable diffs."""
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SPECIAL = re.compile(r'["\\\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]')
"""Anything that needs more than plain double quotes; rows without any take the fast path."""


def _escape_line(text: str) -> str:
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _value(name: str, value: object) -> str:
    """One field as text (one line, or a header line and an indented block)."""
    if value is None:
        return f"{name}: null"
    if isinstance(value, str):
        if "\n" in value or "\r" in value or len(value) > BLOCK_OVER:
            lines = value.replace("\r\n", "\n").split("\n")
            block = "\n".join("    " + _escape_line(line).replace("\r", "\\r") for line in lines)
            return f"{name}: |\n{block}"
        return f"{name}: {_escape_line(json.dumps(value, ensure_ascii=False))}"
    if isinstance(value, bytes):
        return f"{name}: <{len(value)} bytes>"
    return f"{name}: {value}"


def _row_text(table: str, names: list[str], key: int | None, row: tuple[object, ...]) -> str:
    """A row's block. Rows whose strings are short and plain (most) skip per-field checks."""
    head = f"\n[{table} {row[key]}]" if key is not None else f"\n[{table}]"
    strings = [v for v in row if isinstance(v, str)]
    plain = not _SPECIAL.search("".join(strings)) and all(len(v) <= BLOCK_OVER for v in strings)
    if plain:
        parts = [
            f"{n}: null" if v is None else f'{n}: "{v}"' if isinstance(v, str) else f"{n}: {v}"
            for n, v in zip(names, row, strict=True)
        ]
    else:
        parts = [_value(n, v) for n, v in zip(names, row, strict=True)]
    if key is not None:
        del parts[key]
    return head + "\n" + "\n".join(parts)


def dump_chunks(location: Location) -> Iterator[str]:
    """The text form of the knowledge base at ``location`` (a file, or a team server's URL),
    one row (or header) per chunk, each ending without a newline; join them with newlines."""
    if isinstance(location, str):
        yield from _server_chunks(location)
        return
    path = location
    if not dbfile.check_path(path, for_writing=False):
        raise KbError(f"There is no file at {path}; give the path of a knowledge base file.")
    if path.stat().st_size == 0:
        yield "# empty file"
        return
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name <> 'alembic_version' ORDER BY name"
            )
        ]
        try:
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:
            revision = None
        yield from _chunks(conn, revision[0] if revision else None, tables, "")
    except sqlite3.DatabaseError as exc:
        refusal = dbfile.sqlite_refusal(path, exc)
        raise refusal or KbError(f"{path} is not a readable SQLite database ({exc}).") from None
    finally:
        conn.close()


def _server_chunks(url: str) -> Iterator[str]:
    """A team server's text form: its read path gives values in the file's forms, so a file
    and the server it was migrated to print the same text. Ids sort byte-wise, like SQLite."""
    from vendortui.app.db_pg import CHANGE_TABLE, PgDatabase

    db = PgDatabase.open_url(url, for_writing=False)
    try:
        with db.read() as conn:
            tables = [
                row[0]
                for row in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                    "AND tablename NOT IN ('alembic_version', ?) ORDER BY tablename COLLATE \"C\"",
                    (CHANGE_TABLE,),
                )
            ]
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            yield from _chunks(conn, revision[0] if revision else None, tables, ' COLLATE "C"')
    finally:
        db.close()


def _chunks(conn: Any, revision: str | None, tables: list[str], byte_order: str) -> Iterator[str]:
    yield f"# vendortui knowledge base, schema {revision or 'unknown'}"
    for table in tables:
        cursor = conn.execute(f'SELECT * FROM "{table}" LIMIT 0')
        names = [d[0] for d in cursor.description]
        key = names.index("id") if "id" in names else None
        order = f'"id"{byte_order}' if key is not None else "rowid"
        yield f"\n## {table}"
        for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}'):
            yield _row_text(table, names, key, tuple(row))


def dump(location: Location) -> str:
    """The whole text form as one string."""
    return "\n".join(dump_chunks(location)) + "\n"

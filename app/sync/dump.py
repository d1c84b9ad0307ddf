"""A stable, line-oriented text form of a knowledge base: git's textconv for the file.

``git diff`` and ``git log -p`` on the database show which fields of which rows changed.
Rows are sorted by table and id, one field per line; text with line breaks (or very long) is
an indented block; strings are JSON-quoted and every control or bidi character is escaped,
so a teammate's data cannot move the cursor or recolour the terminal of whoever reads the
diff. Plain ``sqlite3`` only, read-only: textconv runs on every diff and must be quick.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from app.errors import KbError

BLOCK_OVER = 100
"""Single-line strings longer than this are written as a block too, for readable diffs."""
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape_line(text: str) -> str:
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _value_lines(name: str, value: object) -> Iterator[str]:
    if value is None:
        yield f"{name}: null"
    elif isinstance(value, str):
        if "\n" in value or "\r" in value or len(value) > BLOCK_OVER:
            yield f"{name}: |"
            for line in value.replace("\r\n", "\n").split("\n"):
                yield "    " + _escape_line(line).replace("\r", "\\r")
        else:
            yield f"{name}: {_escape_line(json.dumps(value, ensure_ascii=False))}"
    elif isinstance(value, bytes):
        yield f"{name}: <{len(value)} bytes>"
    else:
        yield f"{name}: {value}"


def dump_lines(path: Path) -> Iterator[str]:
    """The text form of the database at ``path``, line by line."""
    if path.stat().st_size == 0:
        yield "# empty file"
        return
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name <> 'alembic_version' ORDER BY name"
            )
        ]
    except sqlite3.DatabaseError as exc:
        raise KbError(f"{path} is not a readable SQLite database ({exc}).") from None
    try:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        yield f"# vendortui knowledge base, schema {revision[0] if revision else 'unknown'}"
        for table in tables:
            cursor = conn.execute(f'SELECT * FROM "{table}"')
            names = [d[0] for d in cursor.description]
            cursor.close()
            order = "id" if "id" in names else "rowid"
            yield ""
            yield f"## {table}"
            key = names.index("id") if "id" in names else None
            for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY "{order}"'):
                yield ""
                yield f"[{table} {row[key] if key is not None else ''}]".replace(" ]", "]")
                for name, value in zip(names, row, strict=True):
                    if name != "id":
                        yield from _value_lines(name, value)
    finally:
        conn.close()


def dump(path: Path) -> str:
    """The whole text form as one string (tests and small files)."""
    return "\n".join(dump_lines(path)) + "\n"

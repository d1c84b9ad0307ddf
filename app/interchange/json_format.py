"""The lossless form: every row of every synced table but conflicts, ids and stamps kept.

``{"format": "vendortui/1", "schema": "0001", "tables": {"vendor": [{...}, ...], ...}}``,
tables parents first, one row per line, values as SQLite holds them (text timestamps, dates
as ``YYYY-MM-DD``) with booleans as ``true``/``false``. Deleted rows (tombstones) are kept too,
so a clone that imports the file syncs with the one that wrote it. Conflicts are not
exported: they belong to the sync history of the clone that met them. No secret is in the
database, so none is here: a probe carries only ``secret_ref``, the keyring entry's name.
"""

from __future__ import annotations

import functools
import itertools
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
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


CHUNK = 1000
"""Rows fetched, encoded and written at a time: a large table streams in bounded pieces."""


def _row_encoder() -> Callable[[Iterable[dict[str, Any]]], Iterator[str]]:
    """What turns row dicts into their JSON lines, keys in the order given (the writer
    selects columns sorted by name, the order ``sort_keys`` would give).

    ``JSONEncoder.encode`` builds the C encoder anew on every call (about 0.1 s of CPU over
    the 78,000 rows of 10,000 vendors); this builds it once and maps it over the rows. Where
    the C encoder is missing (not CPython) or takes other arguments (it is not a public
    interface) the encoder class does the same work. Its arguments are the ones
    ``JSONEncoder.iterencode`` gives it for ``ensure_ascii=False`` (without the circular
    reference check: rows are flat); typeshed does not declare it, hence ``getattr``."""
    encoder = json.JSONEncoder(ensure_ascii=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    try:
        encode = make(  # type: ignore[misc]
            None, encoder.default, json.encoder.encode_basestring, None, ": ", ", ",
            False, False, True,
        )  # fmt: skip
    except TypeError:  # None (not CPython), or a signature of another Python version
        return functools.partial(map, encoder.encode)
    return lambda rows: map("".join, map(encode, rows, itertools.repeat(0)))


_encode_rows = _row_encoder()


def _lines(names: list[str], flags: list[int], rows: list[Any]) -> str:
    """``rows`` (tuples of ``names``' values) as JSON objects, one a line; the columns at
    ``flags`` as ``true``/``false``. The invisible-character escaping only runs on the rare
    piece that could hold one (non-ASCII, or DEL, which ``json`` leaves raw); it never
    touches the newlines between lines."""
    values: Iterable[Iterable[Any]] = rows
    if flags:
        columns: list[Iterable[Any]] = list(zip(*rows, strict=True))
        for index in flags:
            columns[index] = map(bool, columns[index])
        values = zip(*columns, strict=True)
    dicts = map(dict, map(zip, itertools.repeat(names), values))
    text = ",\n  ".join(_encode_rows(dicts))
    return text if text.isascii() and "\x7f" not in text else escape_json(text)


def column_types(conn: sqlite3.Connection, table: str) -> dict[str, tuple[str, bool]]:
    """column -> (declared SQL type, nullable), from the file's own schema."""
    return {
        row[1]: (str(row[2]).upper(), not row[3])
        for row in conn.execute(f'PRAGMA table_info("{table}")')
    }


def write(conn: sqlite3.Connection, out: TextIO) -> int:
    """Write the whole knowledge base; returns the number of vendors (live and deleted).

    Set-based: one query per table, its rows fetched ``CHUNK`` at a time and encoded without
    per-row Python (the profile of 10,000 vendors was all per-row work)."""
    revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    out.write(f'{{"format": "{FORMAT}", "schema": {json.dumps(revision[0])}, "tables": {{')
    vendors = 0
    for index, table in enumerate(table_names(conn)):
        types = column_types(conn, table)
        names = sorted(types)
        flags = [i for i, name in enumerate(names) if types[name][0] == "BOOLEAN"]
        out.write(f"{',' if index else ''}\n {json.dumps(table)}: [")
        cursor = conn.execute(f'SELECT {", ".join(names)} FROM "{table}" ORDER BY id')
        count = 0
        while rows := cursor.fetchmany(CHUNK):
            out.write((",\n  " if count else "\n  ") + _lines(names, flags, rows))
            count += len(rows)
        out.write("\n ]" if count else "]")
        if table == "vendor":
            vendors = count
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

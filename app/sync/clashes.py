"""Recording a clash of two row versions as a ``conflict`` row: its identity and its insert.

Both the field merge (``merge.py``) and the deleted-parent check (``orphans.py``) record
conflicts through ``record``, so there is one definition of what a clash is and of what
happens when it was seen before. The two SQL quoting helpers they share live here too.
"""

from __future__ import annotations

import sqlite3
import uuid

CONFLICT_NAMESPACE = uuid.UUID("7d0c4a52-2f7e-4d0e-9a5c-0b7f3f1d6a11")

COLUMNS = (
    "id, created_at, updated_at, updated_by, deleted_at, table_name, row_id, field, "
    "base_value, ours_value, theirs_value, ours_by, ours_at, theirs_by, theirs_at, "
    "provisional, resolved_at, resolved_by, resolution"
)
"""The columns a ``record`` query fills, in this order."""


def ident(name: str) -> str:
    """A table or column name (from the metadata) quoted for SQL."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A name from the metadata as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def conflict_id(table: str, row_id: str, column: str, *sides: object) -> str:
    """The id of one clash: ``sides`` is value, ``updated_at``, ``updated_by`` of ours, then
    of theirs.

    The same two row versions give the same id on every clone, in either order, so a merge
    computed twice records one row. A clash between the same two values made later involves
    new versions (every edit and every resolution stamps ``updated_at``), so it gets a new id
    instead of landing on a conflict resolved long ago.
    """
    if len(sides) != 6:
        raise ValueError("conflict_id takes value, at and by for each of the two sides")
    ours, theirs = (
        "\x1e".join(f"{type(v).__name__}:{v}" for v in half) for half in (sides[:3], sides[3:])
    )
    low, high = sorted((ours, theirs))
    return str(uuid.uuid5(CONFLICT_NAMESPACE, "\x1f".join((table, row_id, column, low, high))))


def register(conn: sqlite3.Connection) -> None:
    """Make ``vt_conflict_id(table, row, field, ov, oa, ob, tv, ta, tb)`` callable in SQL."""
    conn.create_function("vt_conflict_id", 9, conflict_id, deterministic=True)


def record(conn: sqlite3.Connection, select: str, params: list[object], *, now: str) -> None:
    """Insert the conflicts ``select`` yields (its columns are ``COLUMNS``) into ``main``.

    A clash already stored under the same id stays one row, and is opened again if it was
    resolved: whatever a merge meets, a person sees it open afterwards.
    """
    conn.execute(
        f"INSERT INTO main.conflict ({COLUMNS}) SELECT * FROM ({select}) WHERE true "
        "ON CONFLICT(id) DO UPDATE SET resolved_at = NULL, resolved_by = '', resolution = '', "
        "deleted_at = NULL, updated_at = ?, updated_by = excluded.updated_by "
        "WHERE conflict.resolved_at IS NOT NULL OR conflict.deleted_at IS NOT NULL",
        [*params, now],
    )


def count_recorded(conn: sqlite3.Connection, *, now: str, who: str) -> int:
    """Open conflicts this merge recorded or opened again (stamped ``now`` by ``who``)."""
    return conn.execute(
        "SELECT count(*) FROM main.conflict WHERE updated_at = ? AND updated_by = ? "
        "AND resolved_at IS NULL",
        (now, who),
    ).fetchone()[0]

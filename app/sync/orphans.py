"""Additions under a row that the other side deleted: kept visible, as a conflict on the parent.

One side deletes a vendor (or a person, a checklist run, a probe configuration); the other,
at the same time, adds an event under it, a role, a checklist item to one of its runs. A
field-by-field merge keeps both changes, and the addition ends up live under a tombstone, so
no screen shows it. Like a tombstone against an edit of the row itself, the deleted row is
kept alive and a conflict on its ``deleted_at`` asks a person to keep the deletion or not.

``find`` runs before the tables are merged, while ``main`` is still ours: for every row one
side deleted since the base (the other side and the base have it alive), it walks the other
side's descendants through the foreign keys and notes the latest one that side added or
changed. ``keep`` runs after the tables are merged and revives each noted row that is still
deleted (an edit of the row itself may already have kept it), recording the conflict. Only
deletions are walked from, so the cost follows the number of rows deleted, not the size of
the database.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from vendortui.app.sync import clashes
from vendortui.app.sync.clashes import ident as _q

if TYPE_CHECKING:
    from vendortui.app.sync.merge import TableSpec

SIDES = (("o", "main", "theirs"), ("t", "theirs", "main"))
"""(side that deleted, its schema, the other side's schema)."""


def find(conn: sqlite3.Connection, specs: list[TableSpec]) -> None:
    """Note in ``temp.vt_orphan`` each deleted row the other side added something under."""
    conn.execute("DROP TABLE IF EXISTS temp.vt_orphan")
    conn.execute(
        "CREATE TEMP TABLE vt_orphan (tbl TEXT, id TEXT, side TEXT, dv TEXT, da TEXT, "
        "dby TEXT, ka TEXT, kby TEXT)"
    )
    parents = {parent for spec in specs for _column, parent in spec.parents}
    for side, deleter, keeper in SIDES:
        conn.execute("DROP TABLE IF EXISTS temp.vt_walk")
        conn.execute("CREATE TEMP TABLE vt_walk (root_tbl TEXT, root_id TEXT, tbl TEXT, id TEXT)")
        conn.execute("CREATE INDEX temp.vt_walk_key ON vt_walk (tbl, id)")
        for spec in specs:  # parents first: a table's ancestors are walked before it
            t = _q(spec.name)
            for column, parent in spec.parents:
                conn.execute(
                    "INSERT INTO temp.vt_walk SELECT DISTINCT w.root_tbl, w.root_id, ?, c.id "
                    f"FROM temp.vt_walk w JOIN {keeper}.{t} c ON c.{_q(column)} = w.id "
                    "WHERE w.tbl = ? AND c.deleted_at IS NULL",
                    (spec.name, parent),
                )
            if spec.name in parents:
                conn.execute(
                    "INSERT INTO temp.vt_walk SELECT ?, d.id, ?, d.id "
                    f"FROM {deleter}.{t} d JOIN base.{t} b ON b.id = d.id "
                    f"JOIN {keeper}.{t} k ON k.id = d.id WHERE d.deleted_at IS NOT NULL "
                    "AND b.deleted_at IS NULL AND k.deleted_at IS NULL",
                    (spec.name, spec.name),
                )
        _note_changed_descendants(conn, specs, side, deleter, keeper)


def _note_changed_descendants(
    conn: sqlite3.Connection, specs: list[TableSpec], side: str, deleter: str, keeper: str
) -> None:
    """For each walked root: the latest descendant the keeping side changed since the base."""
    conn.execute("DROP TABLE IF EXISTS temp.vt_touch")
    conn.execute("CREATE TEMP TABLE vt_touch (root_tbl TEXT, root_id TEXT, at TEXT, by TEXT)")
    for spec in specs:
        if not spec.parents:
            continue
        t = _q(spec.name)
        same = " AND ".join(f"b.{_q(c)} IS c.{_q(c)}" for c in spec.columns)
        conn.execute(
            "INSERT INTO temp.vt_touch SELECT w.root_tbl, w.root_id, c.updated_at, c.updated_by "
            f"FROM temp.vt_walk w JOIN {keeper}.{t} c ON c.id = w.id WHERE w.tbl = ? "
            f"AND NOT EXISTS (SELECT 1 FROM base.{t} b WHERE b.id = c.id AND {same})",
            (spec.name,),
        )
    for spec in specs:
        t = _q(spec.name)
        conn.execute(
            "INSERT INTO temp.vt_orphan SELECT ?, d.id, ?, d.deleted_at, d.updated_at, "
            f"d.updated_by, k.at, k.by FROM {deleter}.{t} d JOIN "
            "(SELECT root_id, max(at) AS at, by FROM temp.vt_touch WHERE root_tbl = ? "
            "GROUP BY root_id) k ON k.root_id = d.id",
            (spec.name, side, spec.name),
        )


def _side(side: str, deleter: str, keeper: str) -> str:
    """SQL: the deleting side's ``deleter`` expression when ``side`` deleted, else ``keeper``."""
    return f"CASE o.side WHEN '{side}' THEN {deleter} ELSE {keeper} END"


def keep(conn: sqlite3.Connection, specs: list[TableSpec], *, now: str, who: str) -> None:
    """Revive each noted row the merge left deleted, with a conflict on its ``deleted_at``."""
    pairs = (("o.dv", "NULL"), ("o.da", "o.ka"), ("o.dby", "o.kby"))
    ov, oa, ob = (_side("o", d, k) for d, k in pairs)
    tv, ta, tb = (_side("t", d, k) for d, k in pairs)
    for spec in specs:
        t = _q(spec.name)
        still = (
            f"o.tbl = ? AND EXISTS (SELECT 1 FROM main.{t} r WHERE r.id = o.id "
            "AND r.deleted_at IS NOT NULL)"
        )
        clashes.record(
            conn,
            f"SELECT vt_conflict_id(o.tbl, o.id, 'deleted_at', {ov}, {oa}, {ob}, {tv}, {ta}, "
            f"{tb}), ?, ?, ?, NULL, o.tbl, o.id, 'deleted_at', NULL, {ov}, {tv}, {ob}, {oa}, "
            f"{tb}, {ta}, '', NULL, '', '' FROM temp.vt_orphan o WHERE {still}",
            [now, now, who, spec.name],
            now=now,
        )
        conn.execute(
            f"UPDATE main.{t} SET deleted_at = NULL WHERE id IN "
            f"(SELECT o.id FROM temp.vt_orphan o WHERE {still})",
            (spec.name,),
        )

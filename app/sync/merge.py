"""The three-way merge of two knowledge-base files against their merge base, in SQL.

The output starts as a copy of *ours*; base and theirs are attached, and for each table in
``models.SYNCED_TABLES`` (columns from the SQLModel metadata) only the rows that *theirs*
changed since the base (``theirs EXCEPT base``) are looked at, so the cost follows the size
of the change, not of the database. Rules, field by field:

* a field "changed" on a side when its value differs from the base, or when that side
  resolved a conflict on it since the base (a resolution that keeps the value already there
  is still a decision, and a concurrent edit must meet it as a conflict);
* a field changed on one side takes that side's value; changed on both sides to the same
  value, that value;
* changed on both sides to different values: a conflict row is stored (both values, who and
  when on each side) and a provisional value is chosen by the later ``updated_at``, ties broken
  by the greater value, so every clone computing the same merge gets the same data;
* bookkeeping fields (``updated_at``/``updated_by``, ``created_at``, every ``*_by`` and its
  ``*_at`` partner) never make conflicts: they follow the same provisional rule;
* a tombstone against an edit is a conflict and the row stays alive (nothing edited is
  hidden); both sides deleting keeps the earlier deletion time;
* a row one side deleted while the other side added or changed something under it (an event,
  a role, a checklist item of one of its runs, ...) is kept alive the same way, with a
  conflict on the parent's ``deleted_at``, so the addition stays visible until a person
  chooses to keep the deletion or not;
* rows created on either side are kept; append-only tables are the union of both sides;
* ``conflict`` rows merge as a whole: the side that changed the row since the base, or, when
  both did, the later ``updated_at`` (then resolved before open), never a mix of fields;
* two live vendors with the same slug: the later-created one is renamed
  ``slug-<end of its id>`` and a conflict is recorded.

A conflict's id names one clash of two row versions: a UUIDv5 of table, row, field and, for
each side, value, ``updated_at`` and ``updated_by``, in a side-independent order. Two clones
that compute the same merge record the same row; a later clash of the same two values is a
new pair of versions, hence a new conflict. Recording a clash whose id is already stored opens
that row again, so every merge that meets a clash leaves an open conflict. Open conflicts are
never closed by a merge: only a person resolves them.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from vendortui.app import dbfile
from vendortui.app.errors import KbError
from vendortui.app.sync import clashes, orphans
from vendortui.app.sync.clashes import ident as _q
from vendortui.app.sync.clashes import literal as _lit
from vendortui.models.ids import db_time

META = ("created_at", "updated_at", "updated_by")
SLUG_INDEX = "ux_vendor_live_slug"


class NewerSchemaError(KbError):
    """A side was written by a newer vendortui; ``revision`` is its schema."""

    def __init__(self, message: str, revision: str) -> None:
        super().__init__(message)
        self.revision = revision


@dataclass
class MergeStats:
    """What a merge did, for the report."""

    conflicts: int = 0
    """New conflicts recorded (slug renames included)."""
    renamed_slugs: int = 0
    from_theirs: dict[str, int] = field(default_factory=dict)
    """Rows per table that *theirs* added or changed and that reached the result."""


@dataclass(frozen=True)
class TableSpec:
    """A synced table's name and its columns, by role in the merge."""

    name: str
    columns: tuple[str, ...]
    data: tuple[str, ...]
    """Fields whose concurrent different changes are conflicts."""
    bookkeeping: tuple[str, ...]
    """Fields that follow the provisional rule silently."""
    append_only: bool
    whole_row: bool = False
    """Rows merge as a whole (one side's row, never a mix): the ``conflict`` table."""
    parents: tuple[tuple[str, str], ...] = ()
    """(column, parent table) of each foreign key."""


def table_specs() -> list[TableSpec]:
    """Every synced table, parents first, with columns from the SQLModel metadata."""
    from vendortui import models

    specs = []
    for model in models.SYNCED_TABLES:
        table = model.__table__  # type: ignore[attr-defined]
        columns = tuple(column.name for column in table.columns)
        by_fields = {c for c in columns if c.endswith("_by")}
        partners = {c[: -len("_by")] + "_at" for c in by_fields}
        silent = set(META) | by_fields | (partners & set(columns))
        whole_row = table.name == "conflict"
        if whole_row:
            silent |= set(columns)
        rest = [c for c in columns if c not in ("id", "deleted_at")]
        specs.append(
            TableSpec(
                name=table.name,
                columns=columns,
                data=tuple(c for c in rest if c not in silent),
                bookkeeping=tuple(c for c in rest if c in silent),
                append_only=table.name in models.APPEND_ONLY_TABLES,
                whole_row=whole_row,
                parents=tuple(
                    (fk.parent.name, fk.column.table.name)
                    for column in table.columns
                    for fk in column.foreign_keys
                ),
            )
        )
    return specs


def check_revisions(paths: Sequence[Path], *, hint: str = "") -> list[str | None]:
    """The schema revision of each file; ``NewerSchemaError`` if one is unknown to this build.

    Reads only (``mode=ro``), so a refusal changes nothing.
    """
    import vendortui

    known = dbfile.known_revisions()
    revisions = [dbfile.read_revision(p) if p.stat().st_size else None for p in paths]
    newer = sorted(r for r in revisions if r is not None and r not in known)
    if newer:
        need = hint or "a newer vendortui"
        raise NewerSchemaError(
            f"The other side was written with schema {newer[-1]}, which this vendortui "
            f"({vendortui.__version__}, schema {known[-1]}) does not know; upgrade to {need} "
            "to merge. Nothing was changed.",
            newer[-1],
        )
    return revisions


def bring_to_head(paths: Sequence[Path]) -> None:
    """Migrate each scratch copy that is older than this build to the newest revision."""
    revisions = check_revisions(paths)
    head = dbfile.known_revisions()[-1]
    for path, revision in zip(paths, revisions, strict=True):
        if revision != head:
            from vendortui.app.migrate import upgrade

            upgrade(path)


def empty_like(model: Path, dest: Path) -> None:
    """A database with ``model``'s schema and revision and no rows (the base of two
    histories with no common ancestor)."""
    from vendortui.app.migrate import schema_script, schema_statements

    dest.unlink(missing_ok=True)
    with closing(sqlite3.connect(dest, isolation_level=None)) as out:
        out.execute("BEGIN")
        for statement in schema_statements(schema_script(model)):
            out.execute(statement)
        out.execute("COMMIT")


def merge_files(base: Path | None, ours: Path, theirs: Path, out: Path, *, who: str) -> MergeStats:
    """Merge ``theirs`` into a copy of ``ours`` (against ``base``) written to ``out``.

    All three are scratch copies at the same schema revision (see ``bring_to_head``); ``out``
    may be ``ours`` itself. Nothing else is touched; on error ``out`` is incomplete and the
    caller discards it.
    """
    if out != ours:
        shutil.copyfile(ours, out)
    if base is None:
        with tempfile.TemporaryDirectory(prefix="vendortui-merge-") as folder:
            empty = Path(folder) / "base.db"
            empty_like(ours, empty)
            return merge_files(empty, out, theirs, out, who=who)
    now = db_time(datetime.now(UTC))
    conn = sqlite3.connect(out, isolation_level=None)
    clashes.register(conn)
    stats = MergeStats()
    specs = table_specs()
    try:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("ATTACH DATABASE ? AS base", (str(base),))
        conn.execute("ATTACH DATABASE ? AS theirs", (str(theirs),))
        conn.execute("BEGIN IMMEDIATE")
        row = conn.execute(
            "SELECT sql FROM main.sqlite_master WHERE type = 'index' AND name = ?", (SLUG_INDEX,)
        ).fetchone()
        slug_index_sql = row[0] if row else None
        if slug_index_sql:
            conn.execute(f"DROP INDEX main.{_q(SLUG_INDEX)}")
        _note_resolutions(conn)
        orphans.find(conn, specs)
        for spec in specs:
            merged = _merge_table(conn, spec, now=now, who=who)
            if merged:
                stats.from_theirs[spec.name] = merged
        orphans.keep(conn, specs, now=now, who=who)
        stats.renamed_slugs = _fix_slugs(conn, now=now, who=who)
        stats.conflicts = clashes.count_recorded(conn, now=now, who=who)
        if slug_index_sql:
            conn.execute(slug_index_sql)
        problems = conn.execute("PRAGMA main.foreign_key_check").fetchall()
        if problems:
            raise KbError(
                f"The merge would leave {len(problems)} broken references "
                f"(first in table {problems[0][0]}); nothing was changed. "
                "Please report this with both files."
            )
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.close()
    return stats


def _note_resolutions(conn: sqlite3.Connection) -> None:
    """``temp.vt_resolved``: the fields each side resolved a conflict on since the base.

    Side ``o`` is ours (``main``, untouched yet), ``t`` theirs. A resolution both sides
    already share (same ``resolved_at``) is nobody's new decision.
    """
    conn.execute("DROP TABLE IF EXISTS temp.vt_resolved")
    conn.execute(
        "CREATE TEMP TABLE vt_resolved (side TEXT, table_name TEXT, row_id TEXT, field TEXT)"
    )
    for side, mine, other in (("o", "main", "theirs"), ("t", "theirs", "main")):
        conn.execute(
            f"INSERT INTO temp.vt_resolved SELECT '{side}', c.table_name, c.row_id, c.field "
            f"FROM {mine}.conflict c LEFT JOIN base.conflict b ON b.id = c.id "
            f"LEFT JOIN {other}.conflict x ON x.id = c.id WHERE c.resolved_at IS NOT NULL "
            "AND c.resolved_at IS NOT b.resolved_at AND c.resolved_at IS NOT x.resolved_at"
        )
    conn.execute("CREATE INDEX temp.vt_resolved_key ON vt_resolved (row_id, field, side)")


def _merge_table(conn: sqlite3.Connection, spec: TableSpec, *, now: str, who: str) -> int:
    """Apply to ``main`` what ``theirs`` changed in one table; returns rows taken from it."""
    t = _q(spec.name)
    cols = ", ".join(_q(c) for c in spec.columns)
    if spec.append_only:
        return conn.execute(
            f"INSERT INTO main.{t} ({cols}) SELECT {cols} FROM theirs.{t} "
            f"WHERE id NOT IN (SELECT id FROM main.{t})"
        ).rowcount
    conn.execute("DROP TABLE IF EXISTS temp.vt_changed")
    conn.execute(
        f"CREATE TEMP TABLE vt_changed AS SELECT {cols} FROM theirs.{t} "
        f"EXCEPT SELECT {cols} FROM base.{t}"
    )
    added = conn.execute(
        f"INSERT INTO main.{t} ({cols}) SELECT {cols} FROM temp.vt_changed "
        f"WHERE id NOT IN (SELECT id FROM main.{t})"
    ).rowcount
    names = [c for c in spec.columns if c != "id"]
    select = ", ".join(
        f"b.{_q(c)} AS {_q('b_' + c)}, o.{_q(c)} AS {_q('o_' + c)}, x.{_q(c)} AS {_q('t_' + c)}"
        for c in names
    )
    differs = " OR ".join(f"o.{_q(c)} IS NOT x.{_q(c)}" for c in names)
    conn.execute("DROP TABLE IF EXISTS temp.vt_join")
    conn.execute(
        f"CREATE TEMP TABLE vt_join AS SELECT x.id AS id, b.id IS NOT NULL AS in_base, "
        f"{select} FROM temp.vt_changed x JOIN main.{t} o ON o.id = x.id "
        f"LEFT JOIN base.{t} b ON b.id = x.id WHERE {differs}"
    )
    pending = conn.execute("SELECT count(*) FROM temp.vt_join").fetchone()[0]
    if not pending:
        return added
    if spec.whole_row:
        _take_whole_rows(conn, spec)
        return added + pending
    _record_conflicts(conn, spec, now=now, who=who)
    assignments = [f"{_q(c)} = {_field_value(spec, c)}" for c in (*spec.data, *spec.bookkeeping)]
    assignments.append(f'"deleted_at" = {_tombstone_value(spec)}')
    conn.execute(
        f"UPDATE main.{t} SET {', '.join(assignments)} FROM temp.vt_join j WHERE main.{t}.id = j.id"
    )
    return added + pending


WHOLE_ROW_ORDER = ("updated_at", "resolved_at", "resolution", "resolved_by", "updated_by")
"""Which of two changed ``conflict`` rows wins: the later change, then a resolved one."""


def _take_whole_rows(conn: sqlite3.Connection, spec: TableSpec) -> None:
    """Rows both sides hold differently: theirs replaces ours whole, or not at all.

    Theirs wins when ours is the base row unchanged, or when both changed it and theirs
    comes later in ``WHOLE_ROW_ORDER`` (a resolution is never mixed with an open row's
    fields, as a field-by-field merge of a row added on both sides would).
    """
    t = _q(spec.name)
    names = [c for c in spec.columns if c != "id"]
    same = (f"{_col('o', c)} IS {_col('b', c)}" for c in names)
    ours_is_base = " AND ".join(["j.in_base", *same])
    later = " , ".join(f"coalesce({_col('t', c)}, '')" for c in WHOLE_ROW_ORDER)
    earlier = " , ".join(f"coalesce({_col('o', c)}, '')" for c in WHOLE_ROW_ORDER)
    assignments = ", ".join(f"{_q(c)} = {_col('t', c)}" for c in names)
    conn.execute(
        f"UPDATE main.{t} SET {assignments} FROM temp.vt_join j WHERE main.{t}.id = j.id "
        f"AND (({ours_is_base}) OR ({later}) > ({earlier}))"
    )


def _col(side: str, column: str) -> str:
    return "j." + _q(f"{side}_{column}")


def _changed(spec: TableSpec, side: str, column: str) -> str:
    """SQL: ``side`` changed ``column`` since the base (value, or a resolution on it)."""
    moved = f"{_col(side, column)} IS NOT {_col('b', column)}"
    if column not in (*spec.data, "deleted_at"):
        return f"({moved})"
    return (
        f"({moved} OR EXISTS (SELECT 1 FROM temp.vt_resolved r WHERE r.row_id = j.id "
        f"AND r.field = {_lit(column)} AND r.side = '{side}' "
        f"AND r.table_name = {_lit(spec.name)}))"
    )


def _theirs_win(column: str) -> str:
    """Side-independent choice when both sides changed a field: later edit, then greater."""
    o, x = _col("o", column), _col("t", column)
    ou, xu = _col("o", "updated_at"), _col("t", "updated_at")
    return f"({xu} > {ou} OR ({xu} IS {ou} AND {x} IS NOT NULL AND ({o} IS NULL OR {x} > {o})))"


def _both_changed(spec: TableSpec, column: str) -> str:
    """SQL: both sides changed ``column`` since the base, to different values."""
    o, x = _col("o", column), _col("t", column)
    return f"({_changed(spec, 't', column)} AND {_changed(spec, 'o', column)} AND {o} IS NOT {x})"


def _field_value(spec: TableSpec, column: str) -> str:
    o, x = _col("o", column), _col("t", column)
    return (
        f"CASE WHEN NOT {_changed(spec, 't', column)} THEN {o} "
        f"WHEN NOT {_changed(spec, 'o', column)} THEN {x} WHEN {o} IS {x} THEN {o} "
        f"WHEN {_theirs_win(column)} THEN {x} ELSE {o} END"
    )


def _edited(side: str, spec: TableSpec) -> str:
    parts = [_changed(spec, side, c) for c in spec.data]
    return "(" + (" OR ".join(parts) or "0") + ")"


def _keep_alive(spec: TableSpec) -> str:
    """A deletion on one side against an edit on the other: the row stays (a conflict)."""
    o, x = _col("o", "deleted_at"), _col("t", "deleted_at")
    deleted_by = {side: f"{_changed(spec, side, 'deleted_at')}" for side in ("o", "t")}
    return (
        f"(({deleted_by['t']} AND {x} IS NOT NULL AND {o} IS NULL AND {_edited('o', spec)}) OR "
        f"({deleted_by['o']} AND {o} IS NOT NULL AND {x} IS NULL AND {_edited('t', spec)}))"
    )


def _tombstone_clash(spec: TableSpec) -> str:
    """Both sides changed ``deleted_at`` and one of them left the row alive."""
    o, x = _col("o", "deleted_at"), _col("t", "deleted_at")
    return f"({_both_changed(spec, 'deleted_at')} AND ({o} IS NULL OR {x} IS NULL))"


def _tombstone_value(spec: TableSpec) -> str:
    o, x = _col("o", "deleted_at"), _col("t", "deleted_at")
    return (
        f"CASE WHEN {_keep_alive(spec)} THEN NULL "
        f"WHEN NOT {_changed(spec, 't', 'deleted_at')} THEN {o} "
        f"WHEN NOT {_changed(spec, 'o', 'deleted_at')} THEN {x} "
        f"WHEN {o} IS NOT NULL AND {x} IS NOT NULL THEN min({o}, {x}) ELSE NULL END"
    )


def _record_conflicts(conn: sqlite3.Connection, spec: TableSpec, *, now: str, who: str) -> None:
    """Record a conflict for each field both sides changed to different values."""
    selects = []
    params: list[str] = []
    for column in spec.data:
        x, o = _col("t", column), _col("o", column)
        provisional = f"CASE WHEN {_theirs_win(column)} THEN {x} ELSE {o} END"
        selects.append(_conflict_select(column, provisional, _both_changed(spec, column)))
        params += [spec.name, column, spec.name, column]
    clash = f"{_keep_alive(spec)} OR {_tombstone_clash(spec)}"
    selects.append(_conflict_select("deleted_at", "NULL", clash))
    params += [spec.name, "deleted_at", spec.name, "deleted_at"]
    clashes.record(
        conn,
        f"SELECT cid, '{now}', '{now}', ?, NULL, tbl, id, fld, bv, ov, tv, ob, oa, tb, ta, pv, "
        f"NULL, '', '' FROM ({' UNION ALL '.join(selects)})",
        [who, *params],
        now=now,
    )


def _conflict_select(column: str, provisional: str, condition: str) -> str:
    b, o, x = _col("b", column), _col("o", column), _col("t", column)
    ob, oa = _col("o", "updated_by"), _col("o", "updated_at")
    tb, ta = _col("t", "updated_by"), _col("t", "updated_at")
    return (
        f"SELECT vt_conflict_id(?, j.id, ?, {o}, {oa}, {ob}, {x}, {ta}, {tb}) AS cid, "
        f"? AS tbl, j.id AS id, ? AS fld, "
        f"CAST({b} AS TEXT) AS bv, CAST({o} AS TEXT) AS ov, CAST({x} AS TEXT) AS tv, "
        f"{ob} AS ob, {oa} AS oa, {tb} AS tb, {ta} AS ta, "
        f"coalesce(CAST({provisional} AS TEXT), '') AS pv FROM temp.vt_join j WHERE {condition}"
    )


def _fix_slugs(conn: sqlite3.Connection, *, now: str, who: str) -> int:
    """Rename all but the earliest-created of live vendors sharing a slug; record each."""
    rows = conn.execute(
        "SELECT v.id, v.slug, v.updated_by, v.updated_at, w.updated_by, w.updated_at "
        "FROM main.vendor v JOIN main.vendor w ON w.slug = v.slug AND w.deleted_at IS NULL "
        "AND w.id <> v.id AND (w.created_at < v.created_at OR "
        "(w.created_at = v.created_at AND w.id < v.id)) "
        "WHERE v.deleted_at IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM main.vendor z WHERE z.slug = v.slug "
        "AND z.deleted_at IS NULL AND z.id <> w.id AND (z.created_at < w.created_at OR "
        "(z.created_at = w.created_at AND z.id < w.id))) ORDER BY v.id"
    ).fetchall()
    for row_id, slug, renamed_by, renamed_at, kept_by, kept_at in rows:
        new_slug = next(
            candidate
            for candidate in (f"{slug}-{row_id[-6:]}", f"{slug}-{row_id[-12:]}", f"{slug}-{row_id}")
            if not conn.execute(
                "SELECT 1 FROM main.vendor WHERE slug = ? AND deleted_at IS NULL", (candidate,)
            ).fetchone()
        )
        conn.execute("UPDATE main.vendor SET slug = ? WHERE id = ?", (new_slug, row_id))
        ours = (slug, kept_at, kept_by)
        theirs = (new_slug, renamed_at, renamed_by)
        clashes.record(
            conn,
            "SELECT ?, ?, ?, ?, NULL, 'vendor', ?, 'slug', NULL, ?, ?, ?, ?, ?, ?, ?, NULL, '', ''",
            [
                clashes.conflict_id("vendor", row_id, "slug", *ours, *theirs),
                now,
                now,
                who,
                row_id,
                slug,
                new_slug,
                kept_by,
                kept_at,
                renamed_by,
                renamed_at,
                new_slug,
            ],
            now=now,
        )
    return len(rows)

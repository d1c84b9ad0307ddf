"""The three-way merge of two knowledge-base files against their merge base, in SQL.

The output starts as a copy of *ours*; base and theirs are attached, and for each table in
``models.SYNCED_TABLES`` (columns from the SQLModel metadata) only the rows that *theirs*
changed since the base (``theirs EXCEPT base``) are looked at, so the cost follows the size
of the change, not of the database. Rules, field by field:

* a field changed on one side takes that side's value; changed on both sides to the same
  value, that value;
* changed on both sides to different values: a conflict row is stored (both values, who and
  when on each side) and a provisional value is chosen by the later ``updated_at``, ties broken
  by the greater value, so every clone computing the same merge gets the same data;
* bookkeeping fields (``updated_at``/``updated_by``, ``created_at``, every ``*_by`` and its
  ``*_at`` partner, and every field of the ``conflict`` table itself) never make conflicts:
  they follow the same provisional rule;
* a tombstone against an edit is a conflict and the row stays alive (nothing edited is
  hidden); both sides deleting keeps the earlier deletion time;
* rows created on either side are kept; append-only tables are the union of both sides;
* two live vendors with the same slug: the later-created one is renamed
  ``slug-<end of its id>`` and a conflict is recorded.

Conflict ids are a UUIDv5 of table, row, field and the two values in a side-independent
order, so two clones that record the same conflict do not duplicate it.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from vendortui.app import dbfile
from vendortui.app.errors import KbError

CONFLICT_NAMESPACE = uuid.UUID("7d0c4a52-2f7e-4d0e-9a5c-0b7f3f1d6a11")
META = ("created_at", "updated_at", "updated_by")
SLUG_INDEX = "ux_vendor_live_slug"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


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
        if table.name == "conflict":
            silent |= set(columns)
        rest = [c for c in columns if c not in ("id", "deleted_at")]
        specs.append(
            TableSpec(
                name=table.name,
                columns=columns,
                data=tuple(c for c in rest if c not in silent),
                bookkeeping=tuple(c for c in rest if c in silent),
                append_only=table.name in models.APPEND_ONLY_TABLES,
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
    dest.unlink(missing_ok=True)
    src = sqlite3.connect(model)
    out = sqlite3.connect(dest, isolation_level=None)
    try:
        out.execute("BEGIN")
        rows = src.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL "
            "AND name NOT LIKE 'sqlite_%' ORDER BY type = 'index', rowid"
        ).fetchall()
        for (sql,) in rows:
            out.execute(sql)
        for (version,) in src.execute("SELECT version_num FROM alembic_version"):
            out.execute("INSERT INTO alembic_version VALUES (?)", (version,))
        out.execute("COMMIT")
    finally:
        src.close()
        out.close()


def conflict_id(table: str, row_id: str, column: str, a: object, b: object) -> str:
    """Side-independent id of one conflict: the same two values give the same id anywhere."""
    low, high = sorted(f"{type(v).__name__}:{v}" for v in (a, b))
    return str(uuid.uuid5(CONFLICT_NAMESPACE, "\x1f".join((table, row_id, column, low, high))))


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


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
    now = datetime.now(UTC).strftime(TIME_FORMAT)
    conn = sqlite3.connect(out, isolation_level=None)
    conn.create_function("vt_conflict_id", 5, conflict_id, deterministic=True)
    stats = MergeStats()
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
        for spec in table_specs():
            merged = _merge_table(conn, spec, now=now, who=who)
            if merged:
                stats.from_theirs[spec.name] = merged
        stats.renamed_slugs = _fix_slugs(conn, now=now, who=who)
        stats.conflicts = conn.execute(
            "SELECT count(*) FROM main.conflict WHERE created_at = ? AND updated_by = ?",
            (now, who),
        ).fetchone()[0]
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
        f"CREATE TEMP TABLE vt_join AS SELECT x.id AS id, {select} FROM temp.vt_changed x "
        f"JOIN main.{t} o ON o.id = x.id LEFT JOIN base.{t} b ON b.id = x.id WHERE {differs}"
    )
    pending = conn.execute("SELECT count(*) FROM temp.vt_join").fetchone()[0]
    if not pending:
        return added
    _record_conflicts(conn, spec, now=now, who=who)
    assignments = [f"{_q(c)} = {_field_value(c)}" for c in (*spec.data, *spec.bookkeeping)]
    assignments.append(f'"deleted_at" = {_tombstone_value(spec)}')
    conn.execute(
        f"UPDATE main.{t} SET {', '.join(assignments)} FROM temp.vt_join j WHERE main.{t}.id = j.id"
    )
    return added + pending


def _col(side: str, column: str) -> str:
    return "j." + _q(f"{side}_{column}")


def _theirs_win(column: str) -> str:
    """Side-independent choice when both sides changed a field: later edit, then greater."""
    o, x = _col("o", column), _col("t", column)
    ou, xu = _col("o", "updated_at"), _col("t", "updated_at")
    return f"({xu} > {ou} OR ({xu} IS {ou} AND {x} IS NOT NULL AND ({o} IS NULL OR {x} > {o})))"


def _field_value(column: str) -> str:
    b, o, x = _col("b", column), _col("o", column), _col("t", column)
    return (
        f"CASE WHEN {x} IS {b} THEN {o} WHEN {o} IS {b} THEN {x} WHEN {o} IS {x} THEN {o} "
        f"WHEN {_theirs_win(column)} THEN {x} ELSE {o} END"
    )


def _edited(side: str, spec: TableSpec) -> str:
    parts = [f"{_col(side, c)} IS NOT {_col('b', c)}" for c in spec.data]
    return "(" + (" OR ".join(parts) or "0") + ")"


def _keep_alive(spec: TableSpec) -> str:
    """A deletion on one side against an edit on the other: the row stays (a conflict)."""
    b, o, x = _col("b", "deleted_at"), _col("o", "deleted_at"), _col("t", "deleted_at")
    return (
        f"(({b} IS NULL AND {x} IS NOT NULL AND {o} IS NULL AND {_edited('o', spec)}) OR "
        f"({b} IS NULL AND {o} IS NOT NULL AND {x} IS NULL AND {_edited('t', spec)}))"
    )


def _tombstone_clash() -> str:
    b, o, x = _col("b", "deleted_at"), _col("o", "deleted_at"), _col("t", "deleted_at")
    both = f"{x} IS NOT {b} AND {o} IS NOT {b} AND {o} IS NOT {x}"
    return f"({both} AND ({o} IS NULL OR {x} IS NULL))"


def _tombstone_value(spec: TableSpec) -> str:
    b, o, x = _col("b", "deleted_at"), _col("o", "deleted_at"), _col("t", "deleted_at")
    return (
        f"CASE WHEN {_keep_alive(spec)} THEN NULL WHEN {x} IS {b} THEN {o} "
        f"WHEN {o} IS {b} THEN {x} WHEN {o} IS NOT NULL AND {x} IS NOT NULL THEN min({o}, {x}) "
        "ELSE NULL END"
    )


def _record_conflicts(conn: sqlite3.Connection, spec: TableSpec, *, now: str, who: str) -> None:
    """Insert a conflict row for each field both sides changed to different values."""
    if spec.name == "conflict":
        return
    selects = []
    params: list[str] = []
    for column in spec.data:
        b, o, x = _col("b", column), _col("o", column), _col("t", column)
        provisional = f"CASE WHEN {_theirs_win(column)} THEN {x} ELSE {o} END"
        condition = f"{x} IS NOT {b} AND {o} IS NOT {b} AND {o} IS NOT {x}"
        selects.append(_conflict_select(spec.name, column, provisional, condition))
        params += [spec.name, column, spec.name, column]
    clash = f"{_keep_alive(spec)} OR {_tombstone_clash()}"
    selects.append(_conflict_select(spec.name, "deleted_at", "NULL", clash))
    params += [spec.name, "deleted_at", spec.name, "deleted_at"]
    columns = (
        "id, created_at, updated_at, updated_by, deleted_at, table_name, row_id, field, "
        "base_value, ours_value, theirs_value, ours_by, ours_at, theirs_by, theirs_at, "
        "provisional, resolved_at, resolved_by, resolution"
    )
    conn.execute(
        f"INSERT OR IGNORE INTO main.conflict ({columns}) "
        f"SELECT cid, '{now}', '{now}', ?, NULL, tbl, id, fld, bv, ov, tv, ob, oa, tb, ta, pv, "
        f"NULL, '', '' FROM ({' UNION ALL '.join(selects)})",
        [who, *params],
    )
    _supersede(conn, now=now, who=who)


def _conflict_select(table: str, column: str, provisional: str, condition: str) -> str:
    b, o, x = _col("b", column), _col("o", column), _col("t", column)
    return (
        f"SELECT vt_conflict_id(?, j.id, ?, {o}, {x}) AS cid, ? AS tbl, j.id AS id, ? AS fld, "
        f"CAST({b} AS TEXT) AS bv, CAST({o} AS TEXT) AS ov, CAST({x} AS TEXT) AS tv, "
        f"{_col('o', 'updated_by')} AS ob, {_col('o', 'updated_at')} AS oa, "
        f"{_col('t', 'updated_by')} AS tb, {_col('t', 'updated_at')} AS ta, "
        f"coalesce(CAST({provisional} AS TEXT), '') AS pv FROM temp.vt_join j WHERE {condition}"
    )


def _supersede(conn: sqlite3.Connection, *, now: str, who: str) -> None:
    """Older open conflicts on a field that just conflicted again are closed as superseded."""
    conn.execute(
        "UPDATE main.conflict SET resolved_at = ?, resolved_by = ?, resolution = 'superseded', "
        "updated_at = ?, updated_by = ? WHERE resolved_at IS NULL AND created_at < ? AND "
        "(table_name, row_id, field) IN (SELECT table_name, row_id, field FROM main.conflict "
        "WHERE created_at = ? AND updated_by = ?)",
        (now, who, now, who, now, now, who),
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
        conn.execute(
            "INSERT OR IGNORE INTO main.conflict (id, created_at, updated_at, updated_by, "
            "deleted_at, table_name, row_id, field, base_value, ours_value, theirs_value, "
            "ours_by, ours_at, theirs_by, theirs_at, provisional, resolved_at, resolved_by, "
            "resolution) VALUES (?, ?, ?, ?, NULL, 'vendor', ?, 'slug', NULL, ?, ?, ?, ?, ?, ?, "
            "?, NULL, '', '')",
            (
                conflict_id("vendor", row_id, "slug", slug, new_slug),
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
            ),
        )
    return len(rows)

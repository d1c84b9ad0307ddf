"""What changed between two knowledge-base files, in words people read.

Used for the local commit's message ("3 vendors, 12 checklist ticks") and for telling the user
what came in with a sync ("bob@example.com changed the lead of Acme (Jane Doe)"). Works on
plain ``sqlite3`` with the columns both files share, so it runs without importing SQLModel
and across schema revisions.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from vendortui.app.text import strip_control

_BIDI = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
GROUP_LIMIT = 3
"""More changes than this by one person to one table are told as a count."""

PLURALS = {
    "vendor": ("vendor", "vendors"),
    "person": ("contact", "contacts"),
    "role": ("role", "roles"),
    "data_category": ("data category", "data categories"),
    "event": ("event", "events"),
    "runbook": ("runbook", "runbooks"),
    "setting": ("setting", "settings"),
    "checklist_template": ("checklist template", "checklist templates"),
    "checklist_run": ("checklist", "checklists"),
    "checklist_item": ("checklist item", "checklist items"),
    "checklist_tick": ("checklist tick", "checklist ticks"),
    "probe_config": ("probe", "probes"),
    "probe_result": ("probe result", "probe results"),
    "conflict": ("conflict", "conflicts"),
}
COUNTED_ONLY = frozenset({"checklist_tick", "probe_result", "conflict"})
"""Tables told only as counts: their rows have no name a person would recognise."""

_V = "(SELECT name FROM vendor WHERE id = t.vendor_id)"
LABELS = {
    "vendor": "t.name",
    "person": "t.name",
    "role": f"'the ' || replace(t.kind, '_', ' ') || ' of ' || {_V} || "
    "' (' || coalesce((SELECT name FROM person WHERE id = t.person_id), '?') || ')'",
    "data_category": f"t.name || ' of ' || {_V}",
    "event": f"'\"' || t.title || '\" on ' || {_V}",
    "runbook": f"'of ' || {_V}",
    "setting": "t.key",
    "checklist_template": "coalesce(nullif(t.title, ''), t.key)",
    "checklist_run": f"t.title || ' for ' || {_V}",
    "checklist_item": "'\"' || t.text || '\" (' || coalesce((SELECT title FROM checklist_run "
    "WHERE id = t.run_id), '?') || ')'",
    "probe_config": f"t.name || ' of ' || {_V}",
}
"""SQL giving each row's human name, from the newer file."""
NO_FIELDS = frozenset({"role", "runbook"})
"""Tables whose change is told without listing fields (the label says it all)."""
BOOKKEEPING = frozenset({"id", "created_at", "updated_at", "updated_by", "deleted_at"})


def clean(text: str) -> str:
    """``text`` on one line, without terminal escapes, control characters or bidi overrides
    (it came from data, maybe a teammate's commit); ``app.text.safe`` adds markup escaping."""
    return _BIDI.sub("", strip_control(text)).replace("\n", " ").replace("\t", " ")


@dataclass(frozen=True)
class RowChange:
    """One row that differs between the two files."""

    table: str
    row_id: str
    kind: str
    """``added``, ``changed``, ``deleted`` or ``restored``."""
    fields: tuple[str, ...]
    by: str


def _columns(conn: sqlite3.Connection, schema: str, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f'PRAGMA {schema}.table_info("{table}")')]


def _tables(conn: sqlite3.Connection, schema: str) -> list[str]:
    return [
        row[0]
        for row in conn.execute(
            f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' AND name <> 'alembic_version' ORDER BY rowid"
        )
    ]


def connect_pair(old: Path, new: Path) -> sqlite3.Connection:
    """A read-only connection to ``new`` with ``old`` attached as ``old``."""
    conn = sqlite3.connect(f"{new.resolve().as_uri()}?mode=ro", uri=True)
    conn.execute("ATTACH DATABASE ? AS old", (f"{old.resolve().as_uri()}?mode=ro",))
    return conn


def diff(old: Path, new: Path) -> list[RowChange]:
    """Every row of ``new`` that is not identical in ``old``, with the fields that differ."""
    conn = connect_pair(old, new)
    try:
        return diff_conn(conn)
    finally:
        conn.close()


def diff_conn(conn: sqlite3.Connection, *, authors: str = "main") -> list[RowChange]:
    """``diff`` on a connection holding ``main`` (new) and ``old``.

    ``authors`` names the attached file whose ``updated_by`` says who made each change: after
    a merge, the row's winner in ``main`` may be us, while the change came from *theirs*.
    """
    changes: list[RowChange] = []
    old_tables = set(_tables(conn, "old"))
    for table in _tables(conn, "main"):
        new_cols = _columns(conn, "main", table)
        if "id" not in new_cols:
            continue
        q = f'"{table}"'
        by = "n.updated_by" if "updated_by" in new_cols else "''"
        if authors != "main" and "updated_by" in new_cols:
            by = f"coalesce((SELECT a.updated_by FROM {authors}.{q} a WHERE a.id = n.id), {by})"
        if table not in old_tables:
            for row_id, who in conn.execute(f"SELECT n.id, {by} FROM main.{q} n"):
                changes.append(RowChange(table, row_id, "added", (), who or ""))
            continue
        old_cols = set(_columns(conn, "old", table))
        cols = [c for c in new_cols if c in old_cols]
        listed = ", ".join(f'"{c}"' for c in cols)
        fields = [c for c in cols if c not in BOOKKEEPING]
        flags = "".join(f', n."{c}" IS NOT o."{c}"' for c in fields)
        has_deleted = "deleted_at" in cols
        deleted = "n.deleted_at, o.deleted_at" if has_deleted else "NULL, NULL"
        rows = conn.execute(
            f"SELECT n.id, {by}, o.id IS NULL, {deleted}{flags} FROM "
            f"(SELECT {listed} FROM main.{q} EXCEPT SELECT {listed} FROM old.{q}) n "
            f"LEFT JOIN old.{q} o ON o.id = n.id ORDER BY n.id"
        )
        for row in rows:
            row_id, who, is_new, new_del, old_del = row[:5]
            changed = tuple(f for f, flag in zip(fields, row[5:], strict=True) if flag)
            if is_new:
                kind = "added"
            elif new_del is not None and old_del is None:
                kind = "deleted"
            elif new_del is None and old_del is not None:
                kind = "restored"
            else:
                kind = "changed"
            changes.append(RowChange(table, row_id, kind, changed, who or ""))
    return changes


def noun(table: str, count: int) -> str:
    """``1 vendor``, ``12 checklist ticks``."""
    one, many = PLURALS.get(table, (table.replace("_", " "), table.replace("_", " ") + "s"))
    return f"{count} {one if count == 1 else many}"


def counts_phrase(changes: list[RowChange]) -> str:
    """Rows changed per table, biggest first: ``"3 vendors, 12 checklist ticks"``."""
    counts: dict[str, int] = defaultdict(int)
    for change in changes:
        counts[change.table] += 1
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(noun(table, count) for table, count in ordered) or "no changes"


def _labels(conn: sqlite3.Connection, table: str, ids: list[str]) -> dict[str, str]:
    expression = LABELS.get(table)
    if not expression:
        return {}
    labels: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        try:
            rows = conn.execute(
                f'SELECT t.id, {expression} FROM main."{table}" t WHERE t.id IN ({marks})', chunk
            )
            labels.update({row_id: label for row_id, label in rows if label is not None})
        except sqlite3.Error:
            return labels
    return labels


def describe(conn: sqlite3.Connection, changes: list[RowChange]) -> list[str]:
    """One sentence per change, grouped into counts when one person changed many rows.

    ``conn`` holds the newer file as ``main`` (for names); new conflict rows are left to the
    caller, who reports them as "N conflicts to resolve".
    """
    groups: dict[tuple[str, str, str], list[RowChange]] = defaultdict(list)
    new_conflicts = []
    for change in changes:
        if change.table == "conflict" and change.kind == "added":
            new_conflicts.append(change.row_id)
            continue
        groups[(change.by or "someone", change.table, change.kind)].append(change)
    lines = _describe_conflicts(conn, new_conflicts)
    for (by, table, kind), members in sorted(groups.items()):
        who = clean(by)
        verb = "resolved" if table == "conflict" else kind
        if table in COUNTED_ONLY or len(members) > GROUP_LIMIT:
            lines.append(f"{who} {verb} {noun(table, len(members))}")
            continue
        labels = _labels(conn, table, [m.row_id for m in members])
        one = PLURALS.get(table, (table.replace("_", " "), ""))[0]
        for member in members:
            label = clean(labels.get(member.row_id, member.row_id[:8]))
            if kind == "changed" and member.fields and table not in NO_FIELDS:
                fields = " and ".join(
                    [", ".join(f.replace("_", " ") for f in member.fields[:-1]), member.fields[-1]]
                    if len(member.fields) > 1
                    else [member.fields[0]]
                ).replace("_", " ")
                lines.append(f"{who} changed the {fields} of {one} {label}")
            elif table in NO_FIELDS:
                lines.append(
                    f"{who} {kind} the {one} {label}"
                    if table == "runbook"
                    else f"{who} {kind} {label}"
                )
            else:
                lines.append(f"{who} {kind} {one} {label}")
    return lines


def _describe_conflicts(conn: sqlite3.Connection, ids: list[str]) -> list[str]:
    """ "alice and bob both changed the status of vendor Acme", or a count when many."""
    if len(ids) > GROUP_LIMIT:
        return [f"{len(ids)} new conflicts"]
    lines = []
    for conflict_id in sorted(ids):
        row = conn.execute(
            "SELECT table_name, row_id, field, ours_by, theirs_by FROM main.conflict WHERE id = ?",
            (conflict_id,),
        ).fetchone()
        if row is None:
            continue
        table, row_id, column, ours_by, theirs_by = row
        label = _labels(conn, table, [row_id]).get(row_id, row_id[:8]) if table in LABELS else ""
        one = PLURALS.get(table, (str(table).replace("_", " "), ""))[0]
        people = " and ".join(sorted({clean(ours_by or "someone"), clean(theirs_by or "someone")}))
        what = "deleted and edited" if column == "deleted_at" else "changed"
        thing = f"{one} {clean(label)}".strip()
        detail = "" if column == "deleted_at" else f"the {clean(column).replace('_', ' ')} of "
        lines.append(f"conflict: {people} both {what} {detail}{thing}")
    return lines

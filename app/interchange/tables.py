"""Planning a JSON export's rows against the knowledge base, table by table.

Rows are matched by id; a vendor also by slug and a person by e-mail, and their children
follow the row they matched. Look-alike names are not refused here: every vendor in the file
was accepted (or confirmed) where it was made. A row the knowledge base
lacks is inserted as exported (id, times and author kept: it is the same row, so a sync with
the clone it came from finds nothing new). A row both sides hold alive gets the file's values
for the fields that differ, stamped with the importing user. An import never deletes and never
revives: a row deleted on either side is left as it is. Append-only tables (checklist ticks,
probe results) only gain rows.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from typing import Any

from vendortui.app.errors import KbError
from vendortui.app.interchange.apply import stored
from vendortui.app.interchange.json_format import Document, column_types, table_names
from vendortui.app.interchange.matching import Known
from vendortui.app.interchange.plan import Change, Plan, valid_id
from vendortui.app.interchange.source import Problem
from vendortui.app.validation import RULES, FieldError, clean
from vendortui.models import APPEND_ONLY_TABLES
from vendortui.models.one_line import OneLineError, check, one_line_fields

STAMPS = ("id", "created_at", "updated_at", "updated_by", "deleted_at")
NOT_CHECKED_HERE = {("probe_config", "ca_file")}
"""A CA file path names a file on the exporting machine; the probe checks it when it runs."""


def _convert(name: str, value: Any, sql_type: str, nullable: bool) -> Any:
    """A JSON value as the column's Python type; ``FieldError`` when it is not one."""
    if value is None:
        if nullable:
            return None
        raise FieldError(name, "must not be null")
    if sql_type == "BOOLEAN":
        if isinstance(value, bool):
            return value
        raise FieldError(name, "must be true or false")
    if sql_type == "INTEGER":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise FieldError(name, "must be a whole number")
    if not isinstance(value, str):
        raise FieldError(name, "must be text")
    try:
        if sql_type == "DATETIME":
            moment = datetime.fromisoformat(value)
            return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
        if sql_type == "DATE":
            return date.fromisoformat(value)
    except ValueError:
        raise FieldError(name, f"{value[:40]!r} is not a date") from None
    return value


def _checked(table: str, row: dict[str, Any], types: dict[str, tuple[str, bool]]) -> dict:
    """The row's values converted and validated as a form's would be."""
    missing = [name for name in types if name not in row]
    unknown = [name for name in row if name not in types]
    if unknown:
        raise FieldError(str(unknown[0])[:40], "is not a column vendortui knows")
    if missing:
        raise FieldError(missing[0], "is missing")
    if not isinstance(row["id"], str) or not valid_id(row["id"]):
        raise FieldError("id", "is not a vendortui id")
    values = {name: _convert(name, row[name], *types[name]) for name in types}
    rules = RULES.get(table, {})
    editable = {
        name: values[name]
        for name in rules
        if name in values and (table, name) not in NOT_CHECKED_HERE
    }
    values.update(clean(table, editable) if rules else {})
    for name in one_line_fields(table) - set(rules):
        if isinstance(values.get(name), str):
            try:
                values[name] = check(name, values[name])
            except OneLineError as exc:
                raise FieldError(exc.field, exc.reason) from None
    return values


def _label(table: str, values: dict[str, Any]) -> str:
    for name in ("name", "title", "item_key", "key", "kind"):
        if values.get(name):
            return f"{table} {values[name]}"
    return f"{table} {values['id']}"


def plan_document(
    conn: sqlite3.Connection,
    document: Document,
    *,
    who: str,
    now: datetime,
) -> Plan:
    """Every insert and update that brings ``document`` into the knowledge base."""
    plan = Plan(who=who, now=now)
    known = Known.read(conn)
    remap: dict[str, str] = {}
    """File id -> the id of the row it matched, when they differ (children follow it)."""
    ids: dict[str, set[str]] = {}
    names = table_names(conn)
    for table in document.tables:
        if table not in names:
            raise KbError(
                f"{document.file} holds a table {table[:40]!r} that this knowledge base does "
                "not have (written by a newer vendortui?); upgrade vendortui to import it."
            )
    for table in names:
        rows = document.tables.get(table, [])
        types = column_types(conn, table)
        parents = {fk[3]: fk[2] for fk in conn.execute(f'PRAGMA foreign_key_list("{table}")')}
        existing = _existing(conn, table, types)
        ids[table] = set(existing)
        for where, row in rows:
            try:
                values = _checked(table, row, types)
                for column, parent in parents.items():
                    values[column] = remap.get(values[column], values[column])
                    if values[column] not in ids[parent]:
                        raise FieldError(column, f"names no {parent} in the file or here")
                _plan_row(plan, known, table, where, values, existing, types, remap, ids)
            except FieldError as exc:
                plan.problems.append(Problem(f"{where} ({row.get('id')})", str(exc)))
    return plan


def _existing(
    conn: sqlite3.Connection, table: str, types: dict[str, tuple[str, bool]]
) -> dict[str, dict[str, Any]]:
    names = list(types)
    return {
        row[0]: dict(zip(names, row, strict=True))
        for row in conn.execute(f'SELECT {", ".join(names)} FROM "{table}"')
    }


def _match(
    known: Known, table: str, values: dict[str, Any], existing: dict[str, dict[str, Any]]
) -> str | None:
    """The id of the stored row this one is, if any. A vendor row always has a slug, so
    its website domain is never needed (and two vendors may share one)."""
    if values["id"] in existing:
        return str(values["id"])
    if table == "vendor" and values["deleted_at"] is None:
        found = known.by_slug.get(values["slug"])
        if found is not None and found not in existing:
            raise FieldError("slug", f"{values['slug']!r} is also another vendor's in the file")
        return found
    if table == "person" and values["email"]:
        return known.people.get(values["email"].lower())
    return None


def _plan_row(
    plan: Plan,
    known: Known,
    table: str,
    where: str,
    values: dict[str, Any],
    existing: dict[str, dict[str, Any]],
    types: dict[str, tuple[str, bool]],
    remap: dict[str, str],
    ids: dict[str, set[str]],
) -> None:
    """Queue one row's insert or changed fields."""
    match = _match(known, table, values, existing)
    if match is None:
        plan.insert(table, values, stamped=False)
        ids[table].add(values["id"])
        if table == "vendor":
            plan.new.append((where, f"{values['name']} ({values['slug']})"))
            if values["deleted_at"] is None:
                known.add_vendor(values)
        return
    if match != values["id"]:
        remap[values["id"]] = match
    ids[table].add(match)
    current = existing[match]
    if table in APPEND_ONLY_TABLES or current["deleted_at"] or values["deleted_at"]:
        return
    changed = {
        name: value
        for name, value in values.items()
        if name not in STAMPS and stored(value) != current[name]
    }
    if table == "vendor" and known.by_slug.get(changed.get("slug", ""), match) != match:
        raise FieldError("slug", f"{changed['slug']!r} is another vendor's")
    if changed:
        plan.update(table, match, changed)
        label = _label(table, current)
        plan.changes.extend(
            Change(where, label, name, str(current[name]), str(stored(value)))
            for name, value in changed.items()
        )

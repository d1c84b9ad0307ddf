"""The vendor card read with stdlib ``sqlite3``, for ``vendortui show`` and the vendor screen
(``KnowledgeBase.card_view``).

``KnowledgeBase.card`` reads it as SQLModel objects, which costs the SQLModel import (about
twice ``vendortui --version``) before the first line is printed. Here each row becomes a
``Record``: its columns as attributes, converted by the column's declared type the way the
models' types convert them (``DATETIME`` to an aware UTC datetime, ``DATE``, ``BOOLEAN``), and
``model_dump(mode="json")`` giving what pydantic gives, so ``app.card`` and the screens render
either.
``tests/core/test_card_rows.py`` compares both readings of the same vendor.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection
from datetime import date, datetime
from typing import Any

from vendortui.app.errors import KbError
from vendortui.app.kb import RoleLine, VendorCard
from vendortui.app.queries import parse_moment

_CONVERT: dict[str, Callable[[Any], Any]] = {
    "DATETIME": parse_moment,
    "DATE": lambda value: date.fromisoformat(value) if value else None,
    "BOOLEAN": lambda value: None if value is None else bool(value),
}


class Record:
    """One row with typed attributes, read-only, dumped to JSON as the model would be."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"no column {name!r}")

    def model_dump(self, *, mode: str = "json", include: Collection[str] | None = None) -> dict:
        """The columns as JSON values (``include``: only these), like pydantic's ``mode="json"``."""
        return {
            key: _json(value)
            for key, value in self.__dict__.items()
            if include is None or key in include
        }


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _records(conn: sqlite3.Connection, table: str, sql: str, *params: Any) -> list[Any]:
    """``SELECT {table}.* ...`` rows as Records, converted by the table's declared types."""
    types = {name: kind for _cid, name, kind, *_ in conn.execute(f"PRAGMA table_info({table})")}
    cursor = conn.execute(sql, params)
    names = [column[0] for column in cursor.description]
    convert = [_CONVERT.get(types.get(name, "").upper()) for name in names]
    return [
        Record(
            {
                name: fix(value) if fix else value
                for name, fix, value in zip(names, convert, row, strict=True)
            }
        )
        for row in cursor
    ]


def read_card(conn: sqlite3.Connection, vendor_id: str) -> VendorCard:
    """The card ``KnowledgeBase.card`` reads, in the same order; ``KbError`` if it is gone."""
    vendors = _records(
        conn, "vendor", "SELECT * FROM vendor WHERE id = ? AND deleted_at IS NULL", vendor_id
    )
    if not vendors:
        raise KbError("That vendor was deleted (perhaps by a teammate's sync).")
    roles = _records(
        conn,
        "role",
        "SELECT r.* FROM role r JOIN person p ON p.id = r.person_id "
        "WHERE r.vendor_id = ? AND r.deleted_at IS NULL AND p.deleted_at IS NULL "
        "ORDER BY r.created_at, r.id",
        vendor_id,
    )
    people = {
        person.id: person
        for person in _records(
            conn,
            "person",
            "SELECT p.* FROM person p JOIN role r ON r.person_id = p.id WHERE r.vendor_id = ?",
            vendor_id,
        )
    }
    categories = _records(
        conn,
        "data_category",
        "SELECT * FROM data_category WHERE vendor_id = ? AND deleted_at IS NULL ORDER BY name",
        vendor_id,
    )
    events = _records(
        conn,
        "event",
        "SELECT * FROM event WHERE vendor_id = ? AND deleted_at IS NULL "
        "ORDER BY occurred_at DESC, id",
        vendor_id,
    )
    runbooks = _records(
        conn,
        "runbook",
        "SELECT * FROM runbook WHERE vendor_id = ? AND deleted_at IS NULL "
        "ORDER BY created_at LIMIT 1",
        vendor_id,
    )
    return VendorCard(
        vendor=vendors[0],
        roles=[RoleLine(role, people[role.person_id]) for role in roles],
        data_categories=categories,
        events=events,
        runbook=runbooks[0] if runbooks else None,
    )

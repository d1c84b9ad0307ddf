"""Writing a plan inside the write transaction it was planned in: all of it or nothing.

Rows go in through ``Database.bulk_insert`` (one ``executemany`` per table on SQLite, ``COPY``
on PostgreSQL), parents first (``models.SYNCED_TABLES``), as plain SQL: ten thousand vendors
as ORM objects take seconds, and even Core's per-value type processing doubled an import's
time. That skips the ORM's flush hook, so every value was checked by the plan
(``app.validation`` and the one-line rule) and is turned here into the forms ``read()``
gives (``stored``), which both backends take; columns a plan leaves out take the model's
defaults. Changed fields go through Core's ``update()`` (``_update``).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from vendortui.app.interchange.plan import Plan
from vendortui.models.ids import db_time

if TYPE_CHECKING:
    from sqlmodel import Session

    from vendortui.app.db import Database


def stored(value: Any) -> Any:
    """A checked value as SQLite holds it (as SQLModel writes it): flags as 0/1, times as
    naive UTC text, dates as ISO text. Text comes first: it is nearly every value."""
    kind = type(value)
    if kind is str or kind is int or value is None:
        return value
    if kind is bool:
        return int(value)
    if isinstance(value, datetime):
        return _moment(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


@functools.lru_cache(maxsize=1024)
def _moment(value: datetime) -> str:
    """Cached: an import stamps thousands of rows with the same moment."""
    return db_time(value)


def _defaults(table: Any) -> dict[str, Any]:
    """Each column's plain default (``None`` for a nullable column without one)."""
    out: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        if default is not None and default.is_scalar:
            out[column.name] = stored(default.arg)
        elif column.nullable:
            out[column.name] = None
    return out


def apply(db: Database, session: Session, plan: Plan) -> None:
    """Write every insert and update of ``plan`` in ``db``'s write transaction ``session``."""
    from vendortui.models import SYNCED_TABLES

    for model in SYNCED_TABLES:
        table: Any = model.__table__  # type: ignore[attr-defined]
        rows = plan.inserts.get(table.name)
        if not rows:
            continue
        columns = [column.name for column in table.columns]
        defaults = _defaults(table)
        fill = [defaults.get(column) for column in columns]
        params = [
            [v if v is None or type(v) is str else stored(v) for v in map(row.get, columns, fill)]
            for row in rows
        ]
        db.bulk_insert(session, table.name, columns, params)
    _update(session, plan)


def _update(session: Session, plan: Plan) -> None:
    """The changed fields, one Core ``executemany`` per table and set of fields: few rows
    change in a re-import, and Core's types write each backend's value forms."""
    from sqlalchemy import bindparam, update

    from vendortui.models import SYNCED_TABLES

    tables = {model.__table__.name: model.__table__ for model in SYNCED_TABLES}  # type: ignore[attr-defined]
    grouped: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = defaultdict(list)
    for name, row_id, values in plan.updates:
        grouped[(name, tuple(sorted(values)))].append(
            {"row_id": row_id, **{f"new_{field}": value for field, value in values.items()}}
        )
    connection = session.connection()
    for (name, fields), params in grouped.items():
        table = tables[name]
        statement = (
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values({field: bindparam(f"new_{field}") for field in fields})
        )
        connection.execute(statement, params)

"""Writing a plan inside the write transaction it was planned in: all of it or nothing.

Rows go in with one ``executemany`` per table and per set of changed fields, parents first
(``models.SYNCED_TABLES``), as plain SQL: ten thousand vendors as ORM objects take seconds,
and even Core's per-value type processing doubled an import's time. That skips the ORM's flush
hook, so every value was checked by the plan (``app.validation`` and the one-line rule) and is
turned here into what SQLite holds (``stored``); columns a plan leaves out take the model's
defaults.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from vendortui.app.interchange.plan import Plan

if TYPE_CHECKING:
    from sqlmodel import Session


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
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


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


def apply(session: Session, plan: Plan) -> None:
    """Write every insert and update of ``plan`` in the caller's write transaction."""
    from vendortui.models import SYNCED_TABLES

    connection = session.connection()
    updates: dict[tuple[str, tuple[str, ...]], list[tuple[Any, ...]]] = defaultdict(list)
    for name, row_id, values in plan.updates:
        fields = tuple(sorted(values))
        updates[(name, fields)].append((*(stored(values[f]) for f in fields), row_id))
    for model in SYNCED_TABLES:
        table: Any = model.__table__  # type: ignore[attr-defined]
        rows = plan.inserts.get(table.name)
        if not rows:
            continue
        columns = [column.name for column in table.columns]
        defaults = _defaults(table)
        fill = [defaults.get(column) for column in columns]
        params = [
            tuple(v if type(v) is str else stored(v) for v in map(row.get, columns, fill))
            for row in rows
        ]
        connection.exec_driver_sql(
            f'INSERT INTO "{table.name}" ({", ".join(columns)}) '
            f"VALUES ({', '.join('?' * len(columns))})",
            params,
        )
    for (name, fields), params in updates.items():
        assignments = ", ".join(f"{field} = ?" for field in fields)
        connection.exec_driver_sql(f'UPDATE "{name}" SET {assignments} WHERE id = ?', params)

"""Writing a plan inside the write transaction it was planned in: all of it or nothing.

Rows go in through SQLAlchemy Core ``executemany`` per table, parents first
(``models.SYNCED_TABLES``): ten thousand vendors as ORM objects take seconds. Core skips the
ORM's flush hook, so every value was checked by the plan (``app.validation`` and the one-line
rule); columns the plan leaves out take the model's defaults here.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from vendortui.app.interchange.plan import Plan

if TYPE_CHECKING:
    from sqlmodel import Session


def _defaults(table: Any) -> dict[str, Any]:
    """Each column's plain default (``None`` for a nullable column without one)."""
    out: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        if default is not None and default.is_scalar:
            out[column.name] = default.arg
        elif column.nullable:
            out[column.name] = None
    return out


def apply(session: Session, plan: Plan) -> None:
    """Write every insert and update of ``plan`` in the caller's write transaction."""
    from sqlalchemy import bindparam

    from vendortui.models import SYNCED_TABLES

    tables = {table.__tablename__: table.__table__ for table in SYNCED_TABLES}  # type: ignore[attr-defined]
    updates: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = defaultdict(list)
    for name, row_id, values in plan.updates:
        bound = {f"new_{field}": value for field, value in values.items()}
        updates[(name, tuple(sorted(values)))].append({"row_id": row_id, **bound})
    for name, table in tables.items():
        rows = plan.inserts.get(name)
        if rows:
            defaults = _defaults(table)
            session.execute(table.insert(), [{**defaults, **row} for row in rows])
    for (name, fields), rows in updates.items():
        table = tables[name]
        statement = (
            table.update()
            .where(table.c.id == bindparam("row_id"))
            .values({field: bindparam(f"new_{field}") for field in fields})
        )
        session.execute(statement, rows)

"""Columns every synced table shares, and the one-line rule on every ORM write.

Nothing synced is hard-deleted: ``deleted_at`` is a tombstone that the three-way merge can see.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import event, inspect
from sqlmodel import Field, SQLModel

from vendortui.models.ids import new_id, utcnow
from vendortui.models.one_line import check, one_line_fields


class Synced(SQLModel):
    """Mixin for every table that travels between clones."""

    id: str = Field(default_factory=new_id, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = Field(default="")
    deleted_at: datetime | None = Field(default=None)


def _check_one_line(target: Any, *, changed_only: bool) -> None:
    """Normalise the one-line fields about to be written, or raise ``OneLineError``.

    On update only changed fields are checked, so a row stored before this rule (or by a
    merge) can still have its other fields edited.
    """
    state = inspect(target)
    for field in one_line_fields(target.__tablename__):
        value = getattr(target, field, None)
        if not isinstance(value, str):
            continue
        if changed_only and not state.attrs[field].history.has_changes():
            continue
        cleaned = check(field, value)
        if cleaned != value:
            setattr(target, field, cleaned)


@event.listens_for(Synced, "before_insert", propagate=True)
def _before_insert(mapper: Any, connection: Any, target: Any) -> None:
    _check_one_line(target, changed_only=False)


@event.listens_for(Synced, "before_update", propagate=True)
def _before_update(mapper: Any, connection: Any, target: Any) -> None:
    _check_one_line(target, changed_only=True)

"""Columns every synced table shares.

Nothing synced is hard-deleted: ``deleted_at`` is a tombstone that the three-way merge can see.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from vendortui.models.ids import new_id, utcnow


class Synced(SQLModel):
    """Mixin for every table that travels between clones."""

    id: str = Field(default_factory=new_id, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = Field(default="")
    deleted_at: datetime | None = Field(default=None)

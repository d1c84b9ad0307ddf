"""Columns every synced table shares, and the id and clock they are filled from.

Every row is created on some clone, offline, and must merge with rows created on other clones,
so ids are client-generated UUIDv7 text (time-ordered, so recent rows cluster in the b-tree),
never autoincrement integers. Nothing synced is hard-deleted: ``deleted_at`` is a tombstone that
the three-way merge can see.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Field, SQLModel
from uuid6 import uuid7


def new_id() -> str:
    """A fresh row id: UUIDv7 as canonical lower-case text."""
    return str(uuid7())


def utcnow() -> datetime:
    """Now, timezone-aware in UTC.

    SQLModel's ``UTCDateTime`` columns refuse naive values and store UTC without an offset,
    so text comparison in SQL (used by sync and the due list) equals time comparison.
    """
    return datetime.now(UTC)


class Synced(SQLModel):
    """Mixin for every table that travels between clones."""

    id: str = Field(default_factory=new_id, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = Field(default="")
    deleted_at: datetime | None = Field(default=None)

"""Row ids and the clock every timestamp comes from, free of SQLModel so start-up stays light.

Every row is created on some clone, offline, and must merge with rows created on other clones,
so ids are client-generated UUIDv7 text (time-ordered, so recent rows cluster in the b-tree),
never autoincrement integers.
"""

from __future__ import annotations

from datetime import UTC, datetime


def new_id() -> str:
    """A fresh row id: UUIDv7 as canonical lower-case text."""
    # Imported on first use: uuid6 costs about 25 ms, and start-up only needs ``utcnow``.
    from uuid6 import uuid7

    return str(uuid7())


def utcnow() -> datetime:
    """Now, timezone-aware in UTC.

    SQLModel's ``UTCDateTime`` columns refuse naive values and store UTC without an offset,
    so text comparison in SQL (used by sync and the due list) equals time comparison.
    """
    return datetime.now(UTC)

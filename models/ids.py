"""Row ids and the clock every timestamp comes from, free of SQLModel so start-up stays light.

Every row is created on some clone, offline, and must merge with rows created on other clones,
so ids are client-generated UUIDv7 text (time-ordered, so recent rows cluster in the b-tree),
never autoincrement integers.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime

_VERSION_AND_VARIANT = (0x7 << 76) | (0x2 << 62)
_RANDOM = ((1 << 76) - 1) & ~(0x3 << 62)
"""The 74 random bits of a UUIDv7 (RFC 9562): below the version, around the variant."""
_last_ms = 0


def new_id() -> str:
    """A fresh row id: UUIDv7 as canonical lower-case text.

    Built from the integer, not through ``uuid.UUID``: an import makes tens of thousands at
    once, and the object costs most of the time. Milliseconds never repeat within a process
    (a later id takes the next one), as the ``uuid6`` package does, so ids made here sort in
    the order they were made.
    """
    global _last_ms
    ms = max(time.time_ns() // 1_000_000, _last_ms + 1)
    _last_ms = ms
    value = (ms & 0xFFFF_FFFF_FFFF) << 80 | _VERSION_AND_VARIANT | secrets.randbits(76) & _RANDOM
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def utcnow() -> datetime:
    """Now, timezone-aware in UTC.

    SQLModel's ``UTCDateTime`` columns refuse naive values and store UTC without an offset,
    so text comparison in SQL (used by sync and the due list) equals time comparison.
    """
    return datetime.now(UTC)


def db_time(moment: datetime) -> str:
    """A moment as SQLModel stores it: UTC text without an offset, with microseconds.

    Every write path that bypasses the ORM (stdlib writes, import, sync's merge, the
    synthetic bench data) stamps through this one function, so text order stays time order
    whichever path wrote the row.
    """
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

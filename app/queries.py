"""Fast reads over stdlib ``sqlite3``: the vendor list and lookups the first frame needs.

These return plain tuples and dataclasses, not ORM objects, so the home screen can paint its
list before SQLModel has even been imported, and ``vendortui vendors`` stays quick.
"""

from __future__ import annotations

import functools
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime

from vendortui.models.one_line import normalise


@dataclass(frozen=True)
class VendorRow:
    """One line of the vendor list."""

    id: str
    slug: str
    name: str
    category: str
    status: str
    rollout_stage: str
    rollout_percent: int | None
    risk_tier: str
    lead: str
    backup: str

    @functools.cached_property
    def haystack(self) -> str:
        """What the `/` filter matches against, lower-cased (computed once per row)."""
        return f"{self.name} {self.slug} {self.category} {self.status} {self.lead}".lower()

    def as_json(self) -> dict[str, object]:
        """The ``vendortui vendors --json`` object."""
        return {
            "id": self.id,
            "slug": self.slug,
            "name": self.name,
            "category": self.category,
            "status": self.status,
            "risk_tier": self.risk_tier,
            "lead": self.lead or None,
            "backup": self.backup or None,
        }


_ROLE_NAME = """(
    SELECT p.name FROM role r JOIN person p ON p.id = r.person_id
    WHERE r.vendor_id = v.id AND r.kind = '{kind}'
      AND r.deleted_at IS NULL AND p.deleted_at IS NULL
    ORDER BY r.created_at, r.id LIMIT 1)"""

TABLE_NAMES_SQL = (
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
)
"""The knowledge base's tables (a team server answers with its own catalog: ``db_pg``)."""

VENDOR_ROWS_SQL = f"""
SELECT v.id, v.slug, v.name, v.category, v.status, v.rollout_stage, v.rollout_percent,
       v.risk_tier,
       coalesce({_ROLE_NAME.format(kind="lead")}, '') AS lead,
       coalesce({_ROLE_NAME.format(kind="backup")}, '') AS backup
FROM vendor v
WHERE v.deleted_at IS NULL
ORDER BY v.name COLLATE NOCASE, v.id
"""


def vendor_rows(conn: sqlite3.Connection) -> list[VendorRow]:
    """Every live vendor, sorted by name, with the name of its lead and backup."""
    return [VendorRow(*row) for row in conn.execute(VENDOR_ROWS_SQL)]


def filter_rows(rows: list[VendorRow], query: str) -> list[VendorRow]:
    """Rows whose text contains every word of ``query`` (case-insensitive), in order."""
    words = query.lower().split()
    if not words:
        return rows
    return [row for row in rows if all(word in row.haystack for word in words)]


def find_vendor_id(conn: sqlite3.Connection, name_or_slug: str) -> str | None:
    """The id of the live vendor with this slug, else this exact name (case-insensitive,
    in the normal form names are stored in, so ``Café`` typed with a combining accent finds
    it)."""
    name_or_slug = normalise(name_or_slug)
    row = conn.execute(
        "SELECT id FROM vendor WHERE deleted_at IS NULL AND (slug = ? OR id = ?)",
        (name_or_slug.lower(), name_or_slug),
    ).fetchone()
    if row is None:
        row = conn.execute(
            "SELECT id FROM vendor WHERE deleted_at IS NULL AND lower(name) = lower(?) "
            "ORDER BY created_at LIMIT 1",
            (name_or_slug,),
        ).fetchone()
    return row[0] if row else None


def parse_date(value: str | None) -> date | None:
    """A date column as stored by SQLAlchemy (``YYYY-MM-DD``)."""
    return date.fromisoformat(value[:10]) if value else None


def parse_moment(value: str | None) -> datetime | None:
    """A timestamp column as stored (naive UTC text) back to an aware datetime."""
    return datetime.fromisoformat(value).replace(tzinfo=UTC) if value else None

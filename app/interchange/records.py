"""The flat vendor record that CSV rows and Backstage entities carry, and reading it out.

A record is the vendor's own fields as text plus three list columns that stand for rows
elsewhere: ``lead`` and ``backup`` (people, by e-mail) and ``data_categories`` (by name).
Lists are written ``a; b``; a ``;`` or ``\\`` inside an item is escaped with ``\\``.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One record column: its name, the vendor field it fills (if any) and what it holds."""

    name: str
    help: str
    field: str | None = None


COLUMNS: tuple[Column, ...] = (
    Column("id", "vendortui's id (UUIDv7); matches the vendor exactly", "id"),
    Column("name", "the vendor's name (required for a new vendor)", "name"),
    Column("slug", "short handle, lower-case letters, digits and dashes", "slug"),
    Column("website", "https:// address; its domain matches a vendor", "website"),
    Column("category", "free text, e.g. observability", "category"),
    Column("status", "evaluating, pilot, rolling_out, production, sunsetting, retired", "status"),
    Column("risk_tier", "critical, high, medium, low", "risk_tier"),
    Column("rollout_stage", "free text", "rollout_stage"),
    Column("rollout_percent", "0-100", "rollout_percent"),
    Column("sso_protocol", "none, saml, oidc, oauth", "sso_protocol"),
    Column("sso_requires_upgrade", "yes/no: SSO costs a higher plan", "sso_requires_upgrade"),
    Column("scim", "yes/no", "scim"),
    Column("mfa_methods", "free text, e.g. totp, webauthn", "mfa_methods"),
    Column("webauthn_enforced", "yes/no", "webauthn_enforced"),
    Column("contract_start", "YYYY-MM-DD", "contract_start"),
    Column("contract_end", "YYYY-MM-DD", "contract_end"),
    Column("notice_days", "days of notice before the contract end", "notice_days"),
    Column(
        "review_cadence_days", "days between reviews (empty: by risk tier)", "review_cadence_days"
    ),
    Column("lead", "e-mail of the lead (a list: a@x; b@y)"),
    Column("backup", "e-mail of the backup (a list)"),
    Column("data_categories", "names of the data we send them (a list)"),
    Column("description", "free text, several lines allowed", "description"),
    Column("termination_data", "what happens to our data at the end", "termination_data"),
)
"""Every column, in the order export writes them."""

COLUMN_NAMES = tuple(column.name for column in COLUMNS)
VENDOR_FIELDS = {column.name: column.field for column in COLUMNS if column.field}
LIST_COLUMNS = ("lead", "backup", "data_categories")
ROLE_COLUMNS = ("lead", "backup")
FLAGS = ("scim", "webauthn_enforced", "sso_requires_upgrade")


@dataclass
class Record:
    """One vendor as a file describes it: column -> text, and where it was read."""

    values: dict[str, str]
    where: str
    team: str = ""
    """The team a new lead gets (a Backstage entity's ``spec.owner``)."""


def join_list(items: list[str]) -> str:
    """``a; b``, escaping ``\\`` and ``;`` inside an item."""
    return "; ".join(item.replace("\\", "\\\\").replace(";", "\\;") for item in items)


def split_list(text: str) -> list[str]:
    """The items of a ``join_list`` text, blanks dropped."""
    if "\\" not in text:
        return [item.strip() for item in text.split(";") if item.strip()]
    items, current, chars = [], [], iter(text)
    for char in chars:
        if char == "\\":
            current.append(next(chars, "\\"))
        elif char == ";":
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


def _text(value: object, column: str) -> str:
    if value is None:
        return ""
    if column in FLAGS:
        return "yes" if value else "no"
    return str(value)


def read_records(conn: sqlite3.Connection) -> Iterator[dict[str, str]]:
    """Every live vendor as a record, by name then id (stdlib ``sqlite3``: export is fast)."""
    people: dict[tuple[str, str], list[str]] = defaultdict(list)
    for vendor_id, kind, email in conn.execute(
        "SELECT r.vendor_id, r.kind, p.email FROM role r JOIN person p ON p.id = r.person_id"
        " WHERE r.deleted_at IS NULL AND p.deleted_at IS NULL AND p.email <> ''"
        " AND r.kind IN ('lead', 'backup') ORDER BY r.created_at, r.id"
    ):
        people[(vendor_id, kind)].append(email)
    categories: dict[str, list[str]] = defaultdict(list)
    for vendor_id, name in conn.execute(
        "SELECT vendor_id, name FROM data_category WHERE deleted_at IS NULL ORDER BY name, id"
    ):
        categories[vendor_id].append(name)
    fields = [c.field for c in COLUMNS if c.field]
    names = [c.name for c in COLUMNS if c.field]
    cursor = conn.execute(
        f"SELECT {', '.join(fields)} FROM vendor WHERE deleted_at IS NULL ORDER BY name, id"
    )
    for row in cursor:
        record = {name: _text(value, name) for name, value in zip(names, row, strict=True)}
        vendor_id = record["id"]
        record["lead"] = join_list(people.get((vendor_id, "lead"), []))
        record["backup"] = join_list(people.get((vendor_id, "backup"), []))
        record["data_categories"] = join_list(categories.get(vendor_id, []))
        yield {name: record[name] for name in COLUMN_NAMES}


def lead_teams(conn: sqlite3.Connection) -> dict[str, str]:
    """Each vendor's first lead's team (the person's, else the role's): Backstage's owner."""
    teams: dict[str, str] = {}
    for vendor_id, team in conn.execute(
        "SELECT r.vendor_id, CASE WHEN p.team <> '' THEN p.team ELSE r.team END"
        " FROM role r JOIN person p ON p.id = r.person_id"
        " WHERE r.deleted_at IS NULL AND p.deleted_at IS NULL AND r.kind = 'lead'"
        " ORDER BY r.created_at, r.id"
    ):
        if team:
            teams.setdefault(vendor_id, team)
    return teams

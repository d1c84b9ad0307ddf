"""Reading what the team recorded, for the cross-check, with stdlib ``sqlite3``.

The attention list runs in a worker of the home screen and ``public-check`` is a read
command: neither imports SQLModel, so the vendors' sign-in columns are read here as
``Posture``s directly.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from vendortui.app.errors import KbError
from vendortui.app.public_data.check import Posture, VendorPublic, vendor_public
from vendortui.app.public_data.datasets import load

_SELECT = (
    "SELECT id, name, website, extra_domains, sso_protocol, scim, mfa_methods, "
    "webauthn_enforced, sso_requires_upgrade FROM vendor WHERE deleted_at IS NULL"
)


def _posture(row: tuple) -> Posture:
    vid, name, website, extra, sso, scim, mfa, webauthn, upgrade = row
    return Posture(
        vid, name, website or "", extra or "", sso or "none", bool(scim), mfa or "",
        bool(webauthn), bool(upgrade),
    )  # fmt: skip


def postures(conn: sqlite3.Connection, *, include_retired: bool = False) -> list[Posture]:
    """Every live vendor's recorded sign-in posture, by name."""
    where = "" if include_retired else " AND status != 'retired'"
    return [_posture(row) for row in conn.execute(f"{_SELECT}{where} ORDER BY name, id")]


def posture(conn: sqlite3.Connection, vendor_id: str) -> Posture:
    """One live vendor's posture; ``KbError`` when it is gone."""
    row = conn.execute(f"{_SELECT} AND id = ?", (vendor_id,)).fetchone()
    if row is None:
        raise KbError("That vendor was deleted (perhaps by a teammate's sync).")
    return _posture(row)


def public_for_vendor(conn: sqlite3.Connection, vendor_id: str, today: date) -> VendorPublic:
    """A vendor's public facts and findings, for a report or a screen (datasets loaded on
    first use)."""
    return vendor_public(posture(conn, vendor_id), load(), today)

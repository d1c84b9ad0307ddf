"""What the inventory report says about each vendor, read in a few set-wide queries.

Reviews use the due list's own rule (``app.checklists.due.annual_reviews``) for the next due
date, so the report and ``vendortui due`` never disagree. ``public_posture`` asks the public
datasets (``app/public_data``) the same questions as ``vendortui public-check``, so the report
and the cross-check never disagree either.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from vendortui.app.checklists.clock import local_day
from vendortui.app.checklists.due import OPEN_RUN, annual_reviews
from vendortui.app.checklists.templates import catalog_from_conn
from vendortui.app.queries import parse_moment
from vendortui.models.enums import RiskTier

FAR_AHEAD_DAYS = 100 * 366
"""A window wide enough for the due rule to date every vendor's next review."""


@dataclass(frozen=True, slots=True)
class Person:
    """A lead or backup as the report names them."""

    name: str
    email: str
    active: bool


@dataclass(frozen=True, slots=True)
class DataCategory:
    """Data the vendor holds: its PII level and whether it is encrypted."""

    name: str
    pii_level: str
    encrypted: bool


@dataclass(frozen=True, slots=True)
class OpenRun:
    """An unfinished checklist run and how many of its items are still open or blocked."""

    title: str
    status: str
    open_items: int
    blocked_items: int
    total_items: int


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """The latest result of one SSO probe (``outcome`` None: it never ran)."""

    name: str
    kind: str
    outcome: str | None
    started_at: datetime | None


@dataclass(slots=True)
class VendorEntry:
    """One vendor of the report, every string as stored (renderers escape)."""

    id: str
    name: str
    slug: str
    status: str
    risk_tier: str
    category: str
    sso_protocol: str
    scim: bool
    mfa_methods: str
    webauthn_enforced: bool
    sso_requires_upgrade: bool
    leads: list[Person] = field(default_factory=list)
    backups: list[Person] = field(default_factory=list)
    data: list[DataCategory] = field(default_factory=list)
    last_review: date | None = None
    next_review: date | None = None
    open_runs: list[OpenRun] = field(default_factory=list)
    probes: list[ProbeResult] = field(default_factory=list)
    public_posture: str | None = None


@dataclass(frozen=True, slots=True)
class Inventory:
    """Every live vendor, grouped by risk tier (most critical first), as of ``today``."""

    today: date
    tiers: dict[str, list[VendorEntry]]

    @property
    def count(self) -> int:
        """How many vendors the report covers."""
        return sum(len(entries) for entries in self.tiers.values())


TIER_ORDER = [tier.value for tier in RiskTier]


def public_posture(
    conn: sqlite3.Connection, entries: dict[str, VendorEntry], today: date
) -> dict[str, str]:
    """What public datasets say about each vendor's sign-in options and about our record, by
    vendor id (the shipped or imported snapshots; never the network)."""
    from vendortui.app.public_data.check import vendor_public
    from vendortui.app.public_data.datasets import load
    from vendortui.app.public_data.records import postures
    from vendortui.app.report.phrases import public_summary

    datasets = load()
    return {
        p.vendor_id: public_summary(vendor_public(p, datasets, today), today)
        for p in postures(conn, include_retired=True)
        if p.vendor_id in entries
    }


_VENDORS = """
SELECT id, name, slug, status, risk_tier, category, sso_protocol, scim, mfa_methods,
       webauthn_enforced, sso_requires_upgrade
FROM vendor WHERE deleted_at IS NULL ORDER BY name COLLATE NOCASE, id
"""
_PEOPLE = """
SELECT r.vendor_id, r.kind, p.name, p.email, p.active FROM role r
JOIN person p ON p.id = r.person_id
WHERE r.kind IN ('lead', 'backup') AND r.deleted_at IS NULL AND p.deleted_at IS NULL
ORDER BY p.name, p.id
"""
_DATA = """
SELECT vendor_id, name, pii_level, encrypted FROM data_category
WHERE deleted_at IS NULL ORDER BY name, id
"""
_RUNS = f"""
SELECT r.vendor_id, r.title, r.status,
  sum(i.state = 'open'), sum(i.state = 'blocked'), count(i.id)
FROM checklist_run r
LEFT JOIN checklist_item i ON i.run_id = r.id AND i.deleted_at IS NULL
WHERE {OPEN_RUN}
GROUP BY r.id ORDER BY r.created_at, r.id
"""
_PROBES = """
SELECT p.vendor_id, p.name, p.kind,
  (SELECT r.outcome FROM probe_result r WHERE r.probe_id = p.id AND r.deleted_at IS NULL
    ORDER BY r.started_at DESC, r.id DESC LIMIT 1),
  (SELECT max(r.started_at) FROM probe_result r WHERE r.probe_id = p.id AND r.deleted_at IS NULL)
FROM probe_config p WHERE p.deleted_at IS NULL AND p.enabled = 1 ORDER BY p.name, p.id
"""


def _last_reviews(conn: sqlite3.Connection, keys: list[str]) -> dict[str, date]:
    """The day each vendor's latest annual review (of any annual-review template) completed."""
    if not keys:
        return {}
    sql = f"""
    SELECT vendor_id, max(completed_at) FROM checklist_run
    WHERE deleted_at IS NULL AND status = 'completed'
      AND template_key IN ({",".join("?" * len(keys))})
    GROUP BY vendor_id
    """
    out = {}
    for vendor_id, completed in conn.execute(sql, keys):
        moment = parse_moment(completed)
        if moment is not None:
            out[vendor_id] = local_day(moment)
    return out


def read_inventory(conn: sqlite3.Connection, today: date) -> Inventory:
    """Every live vendor with what the report shows, grouped by tier (unknown tiers last)."""
    entries: dict[str, VendorEntry] = {}
    for row in conn.execute(_VENDORS):
        vid, name, slug, status, tier, category, sso, scim, mfa, webauthn, upgrade = row
        entries[vid] = VendorEntry(
            vid, name, slug, status, tier, category, sso, bool(scim), mfa, bool(webauthn),
            bool(upgrade),
        )  # fmt: skip
    for vid, kind, name, email, active in conn.execute(_PEOPLE):
        entry = entries.get(vid)
        if entry is not None:
            (entry.leads if kind == "lead" else entry.backups).append(
                Person(name, email, bool(active))
            )
    for vid, name, pii, encrypted in conn.execute(_DATA):
        if vid in entries:
            entries[vid].data.append(DataCategory(name, pii, bool(encrypted)))
    for vid, title, status, open_items, blocked, total in conn.execute(_RUNS):
        if vid in entries:
            entries[vid].open_runs.append(
                OpenRun(title, status, open_items or 0, blocked or 0, total)
            )
    for vid, name, kind, outcome, started in conn.execute(_PROBES):
        if vid in entries:
            entries[vid].probes.append(ProbeResult(name, kind, outcome, parse_moment(started)))
    catalog = catalog_from_conn(conn)
    for vid, day in _last_reviews(conn, catalog.keys_of_kind("annual-review")).items():
        if vid in entries:
            entries[vid].last_review = day
    for item in annual_reviews(conn, today, FAR_AHEAD_DAYS, catalog, None):
        if item.vendor_id in entries:
            entries[item.vendor_id].next_review = item.when
    for vid, posture in public_posture(conn, entries, today).items():
        entries[vid].public_posture = posture
    tiers: dict[str, list[VendorEntry]] = defaultdict(list)
    for entry in entries.values():
        tiers[entry.risk_tier].append(entry)
    order = TIER_ORDER + sorted(set(tiers) - set(TIER_ORDER))
    return Inventory(today, {tier: tiers[tier] for tier in order if tier in tiers})

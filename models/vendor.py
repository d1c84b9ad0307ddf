"""The vendor record and what hangs off it: people, roles, data categories, events, runbook."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, text
from sqlmodel import Field

from vendortui.models.base import Synced


class Vendor(Synced, table=True):
    """One third-party vendor relationship.

    ``slug`` is unique among live rows only (a partial index in the migration), so a deleted
    vendor's slug can be reused and two clones that tombstone and re-create do not collide.
    """

    __table_args__ = (
        Index(
            "ux_vendor_live_slug",
            "slug",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    slug: str = Field(index=True)
    name: str
    category: str = ""
    status: str = "evaluating"
    rollout_stage: str = ""
    rollout_percent: int | None = None
    risk_tier: str = "medium"
    website: str = ""
    extra_domains: str = Field(default="", sa_column_kwargs={"server_default": ""})
    """More domains the vendor answers on (``slack.com, slack-edge.com``), beside the website's:
    public data is matched by domain (``app.public_data.domains``)."""
    description: str = ""
    sso_protocol: str = "none"
    scim: bool = False
    mfa_methods: str = ""
    webauthn_enforced: bool = False
    sso_requires_upgrade: bool = False
    contract_start: date | None = None
    contract_end: date | None = None
    notice_days: int | None = None
    termination_data: str = ""
    review_cadence_days: int | None = None


class Person(Synced, table=True):
    """Someone we may need to reach: one of ours, or a vendor's own contact."""

    name: str
    email: str = Field(default="", index=True)
    phone: str = ""
    chat: str = ""
    team: str = ""
    organisation: str = ""
    active: bool = True


class Role(Synced, table=True):
    """What a person is to one vendor (lead, backup, power user for a team, ...)."""

    vendor_id: str = Field(foreign_key="vendor.id", index=True)
    person_id: str = Field(foreign_key="person.id", index=True)
    kind: str
    team: str = ""
    note: str = ""


class DataCategory(Synced, table=True):
    """A kind of data we send the vendor, with how personal it is."""

    __tablename__ = "data_category"

    vendor_id: str = Field(foreign_key="vendor.id", index=True)
    name: str
    pii_level: str = "none"
    encrypted: bool = False
    description: str = ""


class Event(Synced, table=True):
    """Something that happened to a vendor: breach, rollback, contract change, note, ..."""

    vendor_id: str = Field(foreign_key="vendor.id", index=True)
    kind: str
    occurred_at: datetime
    title: str
    body: str = ""
    source_url: str = ""


class Runbook(Synced, table=True):
    """The integration lead's Markdown runbook for a vendor, with when it was last verified."""

    vendor_id: str = Field(foreign_key="vendor.id", index=True)
    body: str = ""
    verified_at: datetime | None = None
    verified_by: str = ""
    verify_interval_days: int = 90


class Setting(Synced, table=True):
    """A team-wide knob (for example how long a rollout may sit in one stage), synced like data."""

    key: str = Field(index=True)
    value: str = ""

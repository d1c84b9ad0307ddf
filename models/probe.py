"""SSO probe configurations and their stored results. No secret ever lives here.

``secret_ref`` names the keyring entry that holds a client secret; the secret itself stays in
the OS keyring.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field

from vendortui.models.base import Synced


class ProbeConfig(Synced, table=True):
    """How to check one vendor's SSO."""

    __tablename__ = "probe_config"

    vendor_id: str = Field(foreign_key="vendor.id", index=True)
    name: str
    kind: str
    issuer: str = ""
    metadata_url: str = ""
    client_id: str = ""
    scopes: str = ""
    audience: str = ""
    expected_claims: str = ""
    api_url: str = ""
    secret_ref: str = ""
    ca_file: str = ""
    enabled: bool = True


class ProbeResult(Synced, table=True):
    """Append-only: one run of one probe (time, duration, outcome, findings as JSON)."""

    __tablename__ = "probe_result"

    probe_id: str = Field(foreign_key="probe_config.id", index=True)
    vendor_id: str = Field(foreign_key="vendor.id", index=True)
    started_at: datetime
    duration_ms: int = 0
    outcome: str
    findings: str = "[]"
    latencies: str = "{}"

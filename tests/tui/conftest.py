"""A small, fixed knowledge base and a frozen clock for driving the real app with Pilot.

Everything a screen shows that depends on time (cancel-by countdowns, "verified 40 days ago",
what needs attention) is computed from ``NOW``, passed into the app, so snapshots are stable.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.templates import built, copy_of, opened_copy
from vendortui.app.kb import KnowledgeBase
from vendortui.screens.app import VendorTui

NOW = datetime(2025, 6, 2, 9, 30, tzinfo=UTC)

RUNBOOK = """# Datadog runbook

## First five minutes

1. Open the status page: <https://status.datadoghq.com>
2. Check the agents:

```sh
kubectl -n monitoring get ds datadog-agent
```

| Signal | Normal |
|---|---|
| Agent check-ins | all nodes |

- See [the dashboard](https://grafana.example.com/d/prod)
"""


def build(kb: KnowledgeBase) -> dict[str, str]:
    """Fill ``kb`` with three vendors, their people, data, events and a verified runbook."""
    from vendortui.models import DataCategory, Event, Person, Role, Runbook

    datadog = kb.add_vendor(
        "Datadog",
        category="observability",
        status="production",
        risk_tier="high",
        website="https://www.datadoghq.com",
        description="Metrics, traces and logs for every production service.",
        sso_protocol="saml",
        scim=True,
        mfa_methods="webauthn, totp",
        webauthn_enforced=True,
        contract_start="2024-08-01",
        contract_end="2025-08-01",
        notice_days=30,
        termination_data="Data deleted within 30 days of closing the account; export first.",
    )
    kb.add_vendor(
        "LaunchDarkly",
        category="feature flags",
        status="rolling_out",
        rollout_stage="canary",
        rollout_percent=10,
        risk_tier="medium",
        sso_protocol="oidc",
        sso_requires_upgrade=True,
    )
    kb.add_vendor("Okta", category="identity", status="production", risk_tier="critical")
    priya = kb.create(
        Person, name="Priya Raman", email="priya@example.com", phone="+1-555-0142", team="Platform"
    )
    marcus = kb.create(Person, name="Marcus Oyelaran", email="marcus@example.com", team="SRE")
    claire = kb.create(
        Person, name="Claire Dubois", email="claire@datadoghq.com", organisation="Datadog"
    )
    kb.create(Role, vendor_id=datadog.id, person_id=priya.id, kind="lead")
    kb.create(Role, vendor_id=datadog.id, person_id=marcus.id, kind="backup")
    kb.create(Role, vendor_id=datadog.id, person_id=marcus.id, kind="power_user", team="SRE")
    kb.create(Role, vendor_id=datadog.id, person_id=claire.id, kind="vendor_contact")
    kb.create(DataCategory, vendor_id=datadog.id, name="Application logs", pii_level="moderate")
    kb.create(DataCategory, vendor_id=datadog.id, name="Metrics", pii_level="none")
    kb.create(
        Event,
        vendor_id=datadog.id,
        kind="incident",
        occurred_at="2025-05-20 14:00",
        title="Delayed metric ingestion in US1",
        body="Monitors evaluated stale data for 40 minutes.",
    )
    runbook = kb.save_runbook(datadog.id, RUNBOOK)
    with kb.db.write() as session:
        row = session.get(Runbook, runbook.id)
        row.verified_at = datetime(2025, 4, 23, 9, 0, tzinfo=UTC)
        row.verified_by = "priya@example.com"
        session.add(row)
    return {"datadog": datadog.id, "priya": priya.id}


@pytest.fixture(scope="session")
def tui_template(kb_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixed knowledge base, built once per session (per xdist worker): about twenty
    write transactions, close to a second on a busy machine; each test gets a copy."""
    return built(copy_of(kb_template, tmp_path_factory.mktemp("tui-template") / "tui.db"), build)


@pytest.fixture
def tui_kb(tui_template: Path, tmp_path: Path) -> Iterator[KnowledgeBase]:
    """The fixed knowledge base in a temporary file of this test's own."""
    with opened_copy(tui_template, tmp_path / "tui.db") as kb:
        yield kb


@pytest.fixture
def tui(tui_kb: KnowledgeBase) -> VendorTui:
    """The real app over the fixed knowledge base, its clock frozen at ``NOW``."""
    return VendorTui(tui_kb, now=NOW)


def today() -> date:
    """The frozen date the app believes it is."""
    return NOW.date()

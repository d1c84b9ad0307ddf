"""Probe configurations and results in the knowledge base (no network: reports built directly)."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from vendortui.app.kb import KnowledgeBase
from vendortui.app.probes.findings import Recorder
from vendortui.app.probes.store import latency_creeps
from vendortui.app.validation import FieldError
from vendortui.models import ProbeConfig


def _report(outcome: str, when: datetime, duration_ms: int = 100):
    rec = Recorder()
    if outcome == "fail":
        rec.error("oidc.issuer_mismatch", "issuer differs from the configured one")
    elif outcome == "unreachable":
        rec.error("net.dns", "could not resolve the host")
    elif outcome == "warn":
        rec.warning("oidc.pkce_missing", "PKCE S256 not advertised")
    report = replace(rec.report(when, time.perf_counter()), duration_ms=duration_ms)
    assert report.outcome.value == outcome
    return report


@pytest.fixture
def probe(kb: KnowledgeBase) -> ProbeConfig:
    vendor = kb.add_vendor("Okta", status="production")
    return kb.create(
        ProbeConfig,
        vendor_id=vendor.id,
        name="discovery",
        kind="oidc_discovery",
        issuer="https://idp.example.com",
    )


def _events(kb: KnowledgeBase, vendor_id: str) -> list[str]:
    return [e.title for e in kb.card(vendor_id).events]


def test_flip_between_healthy_and_failing_creates_events_unreachable_never(
    kb: KnowledgeBase, probe: ProbeConfig
) -> None:
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    sequence = ["pass", "warn", "unreachable", "fail", "unreachable", "fail", "pass"]
    for n, outcome in enumerate(sequence):
        kb.probes.record(probe, _report(outcome, t0 + timedelta(hours=n)))
    assert _events(kb, probe.vendor_id) == [
        "SSO probe 'discovery' works again",
        "SSO probe 'discovery' fails",
    ]
    status = kb.probes.status(probe.vendor_id)[0]
    assert status.latest.outcome == "pass"
    assert json.loads(status.latest.findings) == []


def test_failing_probe_is_on_the_attention_list(kb: KnowledgeBase, probe: ProbeConfig) -> None:
    now = datetime.now(UTC)
    kinds = {i.kind for i in kb.attention(date.today())}
    assert "probe_stale" in kinds, "a probe that never ran is listed"
    kb.probes.record(probe, _report("fail", now))
    kinds = {i.kind for i in kb.attention(date.today())}
    assert "probe_failing" in kinds and "probe_stale" not in kinds
    kb.probes.record(probe, _report("unreachable", now + timedelta(seconds=1)))
    kinds = {i.kind for i in kb.attention(date.today())}
    assert "probe_failing" not in kinds, "offline is not a failure"


def test_latency_creep_needs_history_and_a_marked_rise() -> None:
    assert not latency_creeps([100] * 9 + [900])
    assert not latency_creeps([100] * 10 + [120] * 5)
    assert latency_creeps([100] * 10 + [200] * 5)
    assert not latency_creeps([100] * 10 + [500, 100, 100, 100, 100]), "one slow run is noise"


def test_creeping_latency_is_listed(kb: KnowledgeBase, probe: ProbeConfig) -> None:
    t0 = datetime.now(UTC) - timedelta(hours=20)
    for n in range(15):
        kb.probes.record(probe, _report("pass", t0 + timedelta(hours=n), 100 if n < 10 else 400))
    assert kb.probes.status(probe.vendor_id)[0].creeping
    assert "probe_latency" in {i.kind for i in kb.attention(date.today())}


def test_results_hold_no_secret_and_the_spec_mirrors_the_row(
    kb: KnowledgeBase, probe: ProbeConfig
) -> None:
    spec = kb.probes.spec(probe)
    assert (spec.issuer, spec.kind.value, spec.name) == (
        probe.issuer,
        "oidc_discovery",
        "discovery",
    )
    assert not spec.allow_insecure_loopback


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "oidc_discovery", "issuer": ""}, "issuer"),
        ({"kind": "saml_metadata", "issuer": "https://x"}, "metadata_url"),
        ({"kind": "smoke_signals", "issuer": "https://x"}, "kind"),
        ({"kind": "oidc_discovery", "issuer": "ftp://x"}, "issuer"),
        (
            {"kind": "oidc_discovery", "issuer": "https://x", "expected_claims": "amr"},
            "expected_claims",
        ),
        ({"kind": "client_credentials", "issuer": "https://x", "secret_ref": "a b"}, "secret_ref"),
    ],
)
def test_probe_form_validation(kb: KnowledgeBase, values: dict, field: str) -> None:
    vendor = kb.add_vendor("Acme")
    with pytest.raises(FieldError) as err:
        kb.create(ProbeConfig, vendor_id=vendor.id, name="p", **values)
    assert err.value.field == field


def test_spec_mirrors_every_stored_probe_column() -> None:
    """ProbeSpec repeats ProbeConfig's fields by hand: this catches the two drifting apart."""
    from dataclasses import fields

    from vendortui.app.probes.spec import ProbeSpec
    from vendortui.models.base import Synced

    stored = set(ProbeConfig.model_fields) - set(Synced.model_fields)
    stored -= {"vendor_id", "enabled"}
    assert stored <= {f.name for f in fields(ProbeSpec)}

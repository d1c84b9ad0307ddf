"""Probe configurations and results in the knowledge base (no network: reports built directly)."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from vendortui.app.kb import KnowledgeBase
from vendortui.app.probes.findings import Recorder
from vendortui.app.probes.spec import ProbeSpec
from vendortui.app.probes.store import ProbeService, latency_creeps
from vendortui.app.validation import FieldError
from vendortui.models import ProbeConfig

pytestmark = pytest.mark.both_backends


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


def _provider(before_answering=None):
    """A real loopback provider; discovery waits for ``before_answering()`` (run in a thread)."""
    import asyncio

    from tests.probes.helpers import serve_provider
    from tests.probes.servers import LoopbackServer

    server = LoopbackServer().start()
    serve_provider(server)
    answer = server.routes["/.well-known/openid-configuration"]

    async def held(req, writer) -> None:
        if before_answering is not None:
            await asyncio.to_thread(before_answering)
        await answer(req, writer)

    server.routes["/.well-known/openid-configuration"] = held
    return server


def _allow_plain_http_to_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests' providers speak plain http on 127.0.0.1, which probes refuse by default."""
    real = ProbeService.spec

    def spec(config: ProbeConfig) -> ProbeSpec:
        return replace(real(config), allow_insecure_loopback=True)

    monkeypatch.setattr(ProbeService, "spec", staticmethod(spec))


def test_sweep_results_come_back_sorted_by_vendor_then_probe(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each provider answers only once the next one in (vendor, probe) order has finished, so
    completion order is exactly the reverse; the returned results are still in order."""
    import threading

    _allow_plain_http_to_loopback(monkeypatch)
    wanted = [("Alpha", "a"), ("Alpha", "b"), ("Beta", "a"), ("Gamma", "z")]
    finished = [threading.Event() for _ in wanted]
    servers = [
        _provider(None if n == len(wanted) - 1 else lambda n=n: finished[n + 1].wait(10))
        for n in range(len(wanted))
    ]
    try:
        vendors = {name: kb.add_vendor(name) for name in {v for v, _p in wanted}}
        for (vendor, name), server in zip(reversed(wanted), reversed(servers), strict=True):
            kb.create(
                ProbeConfig,
                vendor_id=vendors[vendor].id,
                name=name,
                kind="oidc_discovery",
                issuer=server.base_url,
            )
        completed: list[str] = []

        def progress(_n: int, _t: int, config: ProbeConfig, _r: object) -> None:
            completed.append(config.issuer)
            finished[[s.base_url for s in servers].index(config.issuer)].set()

        results = kb.probes.run(kb.probes.configs(), on_progress=progress)
    finally:
        for server in servers:
            server.stop()
    names = {v.id: v.name for v in vendors.values()}
    assert completed == [s.base_url for s in reversed(servers)], "the test's premise"
    assert [(names[c.vendor_id], c.name) for c, _r in results] == wanted
    assert all(r.outcome.value == "pass" for _c, r in results)


def test_network_time_is_reported_apart_from_vendortuis_own(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each network step is its requests' wire time; the rest of the run is our overhead."""
    import threading

    _allow_plain_http_to_loopback(monkeypatch)
    server = _provider(lambda: threading.Event().wait(0.2))
    try:
        vendor = kb.add_vendor("Okta")
        config = kb.create(
            ProbeConfig,
            vendor_id=vendor.id,
            name="d",
            kind="oidc_discovery",
            issuer=server.base_url,
        )
        [(_config, report)] = kb.probes.run([config])
    finally:
        server.stop()
    steps = report.latencies_ms
    assert set(steps) == {"discovery", "jwks"}
    assert steps["discovery"] >= 200, "the wire time includes the server's delay"
    assert report.network_ms == pytest.approx(sum(steps.values()), abs=0.1)
    assert report.overhead_ms == max(0, round(report.duration_ms - report.network_ms))
    assert report.network_ms <= report.duration_ms + 1
    status = kb.probes.status(vendor.id)[0]
    assert status.network_ms == pytest.approx(report.network_ms, abs=0.1)

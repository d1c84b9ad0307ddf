"""The verdict rule, configuration errors, and the bounded, cancellable sweep."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from tests.probes.helpers import make_spec, serve_provider
from tests.probes.servers import LoopbackServer, Request, json_handler, respond
from vendortui.app.probes.findings import Finding, Severity, outcome_for
from vendortui.app.probes.runner import run_probe
from vendortui.app.probes.spec import ProbeSpec
from vendortui.app.probes.sweep import sweep
from vendortui.models.enums import ProbeKind, ProbeOutcome

Serve = Callable[..., LoopbackServer]
DISCOVERY = ProbeKind.OIDC_DISCOVERY


def _f(check_id: str, severity: Severity = Severity.ERROR) -> Finding:
    return Finding(check_id, severity, "m", "h")


@pytest.mark.parametrize(
    ("findings", "outcome"),
    [
        ([], ProbeOutcome.PASS),
        ([_f("jwks.summary", Severity.INFO)], ProbeOutcome.PASS),
        ([_f("oidc.implicit_advertised", Severity.WARNING)], ProbeOutcome.WARN),
        ([_f("net.dns", Severity.WARNING)], ProbeOutcome.UNREACHABLE),
        ([_f("net.dns")], ProbeOutcome.UNREACHABLE),
        (
            [_f("oidc.implicit_advertised", Severity.WARNING), _f("net.timeout")],
            ProbeOutcome.UNREACHABLE,
        ),
        ([_f("probe.no_secret")], ProbeOutcome.ERROR),
        ([_f("net.dns"), _f("oidc.issuer_mismatch")], ProbeOutcome.FAIL),
        ([_f("probe.internal_error"), _f("jwks.empty")], ProbeOutcome.FAIL),
    ],
)
def test_outcome_rule(findings: list[Finding], outcome: ProbeOutcome) -> None:
    assert outcome_for(findings) is outcome


def test_findings_round_trip_through_json() -> None:
    finding = Finding("jwks.empty", Severity.ERROR, "the JWKS contains no keys", "hint")
    assert Finding.from_dict(finding.to_dict()) == finding


@pytest.mark.parametrize(
    ("spec", "check_id"),
    [
        (ProbeSpec(kind="smoke_signals", issuer="https://x"), "probe.config"),  # type: ignore[arg-type]
        (ProbeSpec(kind=DISCOVERY), "probe.config"),
        (ProbeSpec(kind=DISCOVERY, issuer="https://x", expected_claims="amr"), "probe.config"),
        (
            ProbeSpec(kind=DISCOVERY, issuer="https://x", ca_file="/nonexistent.pem"),
            "probe.ca_file",
        ),
        (ProbeSpec(kind=ProbeKind.SAML_METADATA), "probe.config"),
        (ProbeSpec(kind=ProbeKind.CLIENT_CREDENTIALS, issuer="https://x"), "probe.config"),
    ],
)
async def test_configuration_problems_are_probe_errors(spec: ProbeSpec, check_id: str) -> None:
    report = await run_probe(spec)
    assert report.outcome is ProbeOutcome.ERROR
    assert [f.check_id for f in report.findings] == [check_id]


async def test_report_shape_for_the_store(serve: Serve) -> None:
    server = serve()
    serve_provider(server)
    report = await run_probe(make_spec(DISCOVERY, server.base_url))
    assert report.started_at.tzinfo is not None and report.duration_ms >= 0
    assert all(isinstance(v, float) for v in report.latencies_ms.values())
    assert report.findings_json() == [
        {
            "check_id": "jwks.summary",
            "severity": "info",
            "message": "1 signing key(s) (RS256)",
            "hint": "",
        }
    ]


def _gathering_provider(serve: Serve, gather: int) -> tuple[LoopbackServer, list[int]]:
    """A provider that holds its first ``gather`` discovery requests until all of them have
    arrived (so a sweep's parallelism is something the server saw, not a duration), then
    answers each after a short pause; records current and peak requests in flight."""
    server = serve()
    serve_provider(server)
    doc_handler = server.routes["/.well-known/openid-configuration"]
    in_flight = [0, 0]  # current, peak
    gathered: list[asyncio.Event] = []  # made in the server's own loop on first use

    async def held(req: Request, writer: asyncio.StreamWriter) -> None:
        if not gathered:
            gathered.append(asyncio.Event())
        in_flight[0] += 1
        in_flight[1] = max(in_flight[1], in_flight[0])
        if in_flight[1] >= gather:
            gathered[0].set()
        try:
            await gathered[0].wait()
            await asyncio.sleep(0.05)
            await doc_handler(req, writer)
        finally:
            in_flight[0] -= 1

    server.routes["/.well-known/openid-configuration"] = held
    return server, in_flight


async def test_sweep_is_bounded_ordered_and_reports_progress(serve: Serve) -> None:
    server, in_flight = _gathering_provider(serve, gather=4)
    specs = [make_spec(DISCOVERY, server.base_url, name=f"p{i}") for i in range(12)]
    specs[5] = make_spec(DISCOVERY, "https://login.vendor.invalid", name="offline")
    progress: list[tuple[int, int, str]] = []
    reports = await sweep(
        specs,
        concurrency=4,
        on_progress=lambda n, total, spec, _r: progress.append((n, total, spec.name)),
    )
    # Four at once (the first four were held until all four had arrived), never more.
    assert in_flight[1] == 4
    assert [r.outcome for r in reports] == [ProbeOutcome.PASS] * 5 + [ProbeOutcome.UNREACHABLE] + [
        ProbeOutcome.PASS
    ] * 6
    assert sorted(n for n, _t, _s in progress) == list(range(1, 13))
    assert {name for _n, _t, name in progress} == {s.name for s in specs}


async def test_sweep_asks_for_secrets_and_reports_an_unavailable_store(serve: Serve) -> None:
    server = serve()
    serve_provider(server)
    server.routes["/token"] = json_handler({"error": "invalid_client"}, status=401)
    asked: list[str] = []

    def secret_for(spec: ProbeSpec) -> str | None:
        asked.append(spec.secret_ref)
        if spec.secret_ref == "locked":
            raise RuntimeError("The keyring is locked: unlock it.")
        return "x" * 32

    specs = [
        make_spec(ProbeKind.CLIENT_CREDENTIALS, server.base_url, client_id="c", secret_ref=ref)
        for ref in ("good", "locked")
    ]
    reports = await sweep(specs, secret_for=secret_for)
    assert sorted(asked) == ["good", "locked"]
    assert reports[0].findings[-1].check_id == "cc.token_rejected"
    assert reports[1].outcome is ProbeOutcome.ERROR
    assert reports[1].findings[0].check_id == "probe.secret_unavailable"


async def test_sweep_is_cancellable(serve: Serve) -> None:
    """Cancelling a sweep ends all its probes at once, not at their 60 s deadlines."""
    server = serve()
    waiting = [0]

    async def hang(_req: Request, writer: asyncio.StreamWriter) -> None:
        waiting[0] += 1
        await asyncio.sleep(3600)
        await respond(writer, 200)

    server.routes["/.well-known/openid-configuration"] = hang
    specs = [make_spec(DISCOVERY, server.base_url, timeout_s=60) for _ in range(8)]
    task = asyncio.create_task(sweep(specs, concurrency=8))
    while waiting[0] < 8:  # every probe is waiting on the server
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        # A cap far below the probes' own deadline: only a real cancellation ends in time.
        await asyncio.wait_for(asyncio.shield(task), timeout=30)

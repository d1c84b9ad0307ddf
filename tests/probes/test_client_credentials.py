"""Client credentials against the real OP, and a token endpoint that misbehaves or leaks."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import secrets
import time
from collections.abc import Callable

import pytest

from tests.probes.conftest import OpenIdProvider
from tests.probes.helpers import assert_verdict, ids, make_spec, serve_provider, sign, timed_probe
from tests.probes.servers import LoopbackServer, Request, json_handler, respond
from vendortui.app.probes.findings import Severity
from vendortui.models.enums import ProbeKind, ProbeOutcome

Serve = Callable[..., LoopbackServer]
CC = ProbeKind.CLIENT_CREDENTIALS
API = "https://api.test"


def _op_spec(op: OpenIdProvider, **overrides):
    values = {
        "client_id": "machine",
        "audience": API,
        "api_url": op.issuer + "/api/ping",
        "ca_file": op.ca_file,
        "secret_ref": "acme/machine",
        "allow_insecure_loopback": not op.ca_file,
        **overrides,
    }
    return make_spec(CC, op.issuer, **values)


@pytest.mark.parametrize("op_fixture", ["op_http", "op_https"])
async def test_real_provider_passes_including_the_api_call(
    op_fixture: str, request: pytest.FixtureRequest
) -> None:
    op: OpenIdProvider = request.getfixturevalue(op_fixture)
    report, elapsed = await timed_probe(_op_spec(op), secret=op.machine_secret)
    assert_verdict(report, elapsed, ProbeOutcome.PASS, "api.ok")
    assert {"discovery", "jwks", "token", "api"} <= set(report.latencies_ms)


async def test_expected_claims_are_checked_on_the_jwt(op_http: OpenIdProvider) -> None:
    spec = _op_spec(op_http, expected_claims="client_id=machine, scope=api:read")
    report, elapsed = await timed_probe(spec, secret=op_http.machine_secret)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "claims.missing")  # no scope requested
    spec = _op_spec(op_http, expected_claims='{"client_id": "machine"}')
    report, elapsed = await timed_probe(spec, secret=op_http.machine_secret)
    assert_verdict(report, elapsed, ProbeOutcome.PASS, "api.ok")


async def test_wrong_secret_is_a_failure_and_never_shown(op_http: OpenIdProvider) -> None:
    wrong = secrets.token_urlsafe(24)
    report, elapsed = await timed_probe(_op_spec(op_http), secret=wrong)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "cc.token_rejected")
    assert "invalid_client" in report.findings[-1].message
    assert wrong not in repr(report)


async def test_missing_secret_is_a_probe_error_not_a_vendor_failure(
    op_http: OpenIdProvider,
) -> None:
    report, elapsed = await timed_probe(_op_spec(op_http))
    assert_verdict(report, elapsed, ProbeOutcome.ERROR, "probe.no_secret")
    assert "acme/machine" in report.findings[0].message


async def test_unknown_audience_is_refused_by_the_provider(op_http: OpenIdProvider) -> None:
    """The OP only knows https://api.test as a resource."""
    report, elapsed = await timed_probe(
        _op_spec(op_http, audience="https://other.test"), secret=op_http.machine_secret
    )
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "cc.token_rejected")
    assert "invalid_target" in report.findings[-1].message


async def test_api_rejecting_the_token(serve: Serve, op_http: OpenIdProvider) -> None:
    api = serve()

    async def deny(_req: Request, writer: asyncio.StreamWriter) -> None:
        await respond(writer, 401, b"", {"WWW-Authenticate": "Bearer"})

    api.routes["/me"] = deny
    spec = _op_spec(op_http, api_url=api.base_url + "/me")
    report, elapsed = await timed_probe(spec, secret=op_http.machine_secret)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "api.rejected")


async def test_plain_http_api_never_receives_the_token(
    serve: Serve, op_https: OpenIdProvider
) -> None:
    api = serve()
    spec = _op_spec(op_https, api_url=api.base_url + "/me", allow_insecure_loopback=False)
    report, elapsed = await timed_probe(spec, secret=op_https.machine_secret)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "api.not_https")
    assert api.requests == []


def _fake_token_server(serve: Serve, token_handler) -> LoopbackServer:
    server = serve()
    serve_provider(server)
    server.routes["/token"] = token_handler
    return server


async def test_secret_echoed_by_a_hostile_server_is_redacted_everywhere(
    serve: Serve, caplog: pytest.LogCaptureFixture
) -> None:
    async def echo(req: Request, writer: asyncio.StreamWriter) -> None:
        leak = f"{req.headers.get('authorization')} {req.body.decode()}"
        body = {"error": "invalid_client", "error_description": leak}
        await respond(writer, 401, json.dumps(body).encode(), {"Content-Type": "application/json"})

    server = _fake_token_server(serve, echo)
    secret = "s3cr3t-" + secrets.token_urlsafe(16)
    spec = make_spec(CC, server.base_url, client_id="machine", secret_ref="acme/machine")
    caplog.set_level(logging.DEBUG)
    report, elapsed = await timed_probe(spec, secret=secret)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "cc.token_rejected")
    basic = base64.b64encode(f"machine:{secret}".encode()).decode()
    assert server.requests[-1].headers["authorization"] == f"Basic {basic}"  # it was sent...
    for text in (repr(report), json.dumps(report.findings_json()), caplog.text, repr(spec)):
        assert secret not in text and basic not in text  # ...and never shown anywhere
    assert "***" in report.findings[-1].message


async def test_exceptions_never_carry_the_secret(serve: Serve) -> None:
    """A crash inside the probe becomes a finding naming only the exception type."""

    async def garbage(_req: Request, writer: asyncio.StreamWriter) -> None:
        await respond(writer, 200, b"[1, 2]", {"Content-Type": "application/json"})

    server = _fake_token_server(serve, garbage)
    secret = secrets.token_urlsafe(24)
    spec = make_spec(CC, server.base_url, client_id="machine")
    report, elapsed = await timed_probe(spec, secret=secret)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "http.invalid_json")
    assert secret not in repr(report)


def _token(access_token: str, **extra) -> dict:
    return {"access_token": access_token, "token_type": "Bearer", "expires_in": 300, **extra}


async def test_symmetric_jwt_access_token(serve: Serve) -> None:
    from joserfc import jwt
    from joserfc.jwk import OctKey

    hs256 = jwt.encode({"alg": "HS256"}, {"aud": API}, OctKey.generate_key(256))
    server = _fake_token_server(serve, json_handler(_token(hs256)))
    spec = make_spec(CC, server.base_url, client_id="machine", audience=API)
    report, elapsed = await timed_probe(spec, secret="x" * 32)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "cc.alg")


async def test_token_checks_type_lifetime_expiry_and_issuer(serve: Serve) -> None:
    past = int(time.time()) - 3600
    claims = {"iss": "https://evil.example", "aud": API, "exp": past}
    body = {"access_token": sign(claims), "token_type": "mac", "expires_in": 90 * 24 * 3600}
    server = _fake_token_server(serve, json_handler(body))
    spec = make_spec(CC, server.base_url, client_id="machine", audience=API)
    report, elapsed = await timed_probe(spec, secret="x" * 32)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "cc.token_type")
    assert {"cc.lifetime", "cc.expired", "cc.issuer"} <= set(ids(report))
    lifetime = next(f for f in report.findings if f.check_id == "cc.lifetime")
    assert lifetime.severity is Severity.WARNING


async def test_wrong_audience_in_the_access_token(serve: Serve) -> None:
    body = _token(sign({"aud": "https://someone-else.test", "exp": int(time.time()) + 300}))
    server = _fake_token_server(serve, json_handler(body))
    spec = make_spec(CC, server.base_url, client_id="machine", audience=API)
    report, elapsed = await timed_probe(spec, secret="x" * 32)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "cc.audience")


async def test_jwt_signed_by_an_unknown_key(serve: Serve) -> None:
    from joserfc.jwk import RSAKey

    stranger = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    server = _fake_token_server(serve, json_handler(_token(sign({"aud": API}, key=stranger))))
    spec = make_spec(CC, server.base_url, client_id="machine", audience=API)
    report, elapsed = await timed_probe(spec, secret="x" * 32)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "cc.signature")


async def test_token_endpoint_server_error(serve: Serve) -> None:
    async def boom(_req: Request, writer: asyncio.StreamWriter) -> None:
        await respond(writer, 503, b"maintenance", {"Retry-After": "30"})

    server = _fake_token_server(serve, boom)
    spec = make_spec(CC, server.base_url, client_id="machine")
    report, elapsed = await timed_probe(spec, secret="x" * 32)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "http.server_error")


async def test_token_endpoint_rate_limit(serve: Serve) -> None:
    async def busy(_req: Request, writer: asyncio.StreamWriter) -> None:
        await respond(writer, 429, b"", {"Retry-After": "5"})

    server = _fake_token_server(serve, busy)
    spec = make_spec(CC, server.base_url, client_id="machine")
    report, elapsed = await timed_probe(spec, secret="x" * 32)
    assert_verdict(report, elapsed, ProbeOutcome.WARN, "http.rate_limited")


async def test_plain_http_token_endpoint_never_receives_the_secret(
    serve: Serve, tls_good, ca_file: str
) -> None:
    """An https issuer pointing its token endpoint at plain http: flagged, nothing sent."""
    server = serve(ssl_context=tls_good)
    plain = serve()
    serve_provider(server, token_endpoint=plain.base_url + "/token")
    spec = make_spec(CC, server.base_url, client_id="machine", ca_file=ca_file)
    report, elapsed = await timed_probe(spec, secret="x" * 32)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "oidc.endpoint_not_https")
    assert plain.requests == []

"""Hostile answers, one class per test: each item of issue 9's probe list and its whole class.

Every server here is a real loopback HTTP server; every probe runs the real engine end to end.
"""

from __future__ import annotations

import asyncio
import base64
import json
import math
import secrets
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from joserfc.jwk import OctKey

from tests.probes.helpers import (
    SIGNING_KEY,
    assert_verdict,
    discovery_doc,
    ids,
    make_spec,
    public_jwks,
    serve_provider,
    sign,
    timed_probe,
)
from tests.probes.leaks import leaked
from tests.probes.servers import LoopbackServer, Request, json_handler, respond
from vendortui.app.probes.findings import ProbeReport
from vendortui.app.probes.interactive import ProbeHooks
from vendortui.models.enums import ProbeKind, ProbeOutcome

Serve = Callable[..., LoopbackServer]
WELL_KNOWN = "/.well-known/openid-configuration"
CC = ProbeKind.CLIENT_CREDENTIALS
DISCOVERY = ProbeKind.OIDC_DISCOVERY
API = "https://api.test"
CLIENT_ID = "machine"


def _secret() -> str:
    """A secret with characters that URL-encoding and base64 both change."""
    return "s/+=" + secrets.token_urlsafe(24)


def _text(report: ProbeReport) -> str:
    return json.dumps(report.findings_json(), ensure_ascii=False) + repr(report)


async def _json(writer: asyncio.StreamWriter, status: int, body: object) -> None:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    await respond(writer, status, data, {"Content-Type": "application/json"})


# 1. A document whose issuer does not match is used for nothing -----------------------------


class _Recording:
    """UI hooks that note whether a person was ever bothered."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def hooks(self) -> ProbeHooks:
        return ProbeHooks(
            on_user_code=lambda code, _uri: self.calls.append(code),
            open_browser=self.calls.append,
        )


@pytest.mark.parametrize("kind", [k for k in ProbeKind if k is not ProbeKind.SAML_METADATA])
@pytest.mark.parametrize("published", ["localhost", "trailing-slash", "not-a-string"])
async def test_a_mismatched_issuer_sends_nothing_anywhere(
    serve: Serve, kind: ProbeKind, published: str
) -> None:
    """Configured 127.0.0.1, the document says localhost (same server, token endpoint there).

    Whatever the probe kind, only the discovery document is fetched: no JWKS, no token
    request (and so no secret), no device request, no person asked to sign in. (SAML has no
    discovery issuer; its entityID check is in test_saml.)
    """
    server = serve()
    configured = server.base_url + "/x"
    other = f"http://localhost:{server.port}/x"
    issuer: object = {"localhost": other, "trailing-slash": configured + "/", "not-a-string": [1]}[
        published
    ]
    doc = discovery_doc(
        other,
        issuer=issuer,
        device_authorization_endpoint=other + "/device",
        token_endpoint_auth_methods_supported=["client_secret_post"],
    )
    server.routes["/x" + WELL_KNOWN] = json_handler(doc)
    for path in ("/x/jwks", "/x/token", "/x/device", "/x/authorize"):
        server.routes[path] = json_handler({"error": "invalid_client"}, status=401)
    secret = _secret()
    ui = _Recording()
    spec = make_spec(kind, configured, client_id=CLIENT_ID)
    report, elapsed = await timed_probe(spec, secret=secret, hooks=ui.hooks())
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "oidc.issuer_mismatch")
    assert [r.path for r in server.requests] == ["/x" + WELL_KNOWN]
    assert ui.calls == []
    assert all(secret not in r.body.decode() for r in server.requests)


# 2. The secret never reaches a finding: redacted before any cut, in any encoding ------------


def _echoes(secret: str) -> dict[str, str]:
    """Ways a hostile server may hand the secret back, each placed to straddle our cuts."""
    basic = base64.b64encode(f"{CLIENT_ID}:{secret}".encode()).decode()
    return {
        "whole after 161 dots": "." * 161 + secret,
        "whole at the cut": "." * 190 + secret,
        "prefix": "." * 100 + secret[:16],
        "suffix": secret[-16:] + "." * 300,
        "url-encoded": "." * 170 + quote(secret, safe=""),
        "base64": "." * 150 + base64.b64encode(secret.encode()).decode(),
        "base64, shifted one byte": base64.b64encode(b"x" + secret.encode()).decode(),
        "base64, shifted two bytes": base64.b64encode(b"xy" + secret.encode()).decode(),
        "basic header": "." * 120 + "Basic " + basic,
        "hex": secret.encode().hex(),
    }


ECHO_CASES = list(_echoes("placeholder-secret-0123456789"))


@pytest.mark.parametrize("case", ECHO_CASES)
@pytest.mark.parametrize("member", ["error_description", "error"])
async def test_an_echoed_secret_never_reaches_a_finding(
    serve: Serve, case: str, member: str
) -> None:
    secret = _secret()
    echo = _echoes(secret)[case]
    body = {"error": "invalid_client", member: echo}
    server = serve()
    serve_provider(server)
    server.routes["/token"] = json_handler(body, status=401)
    spec = make_spec(CC, server.base_url, client_id=CLIENT_ID, secret_ref="acme/machine")
    report, elapsed = await timed_probe(spec, secret=secret)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "cc.token_rejected")
    assert leaked(_text(report), secret, CLIENT_ID, size=8) == []
    if member == "error_description":  # shown up to 200 characters: the secret sits inside
        assert "***" in report.findings[-1].message


async def test_an_echoed_secret_in_a_redirect_or_device_answer_is_redacted(serve: Serve) -> None:
    """The class beyond the token endpoint: every OAuth error object a flow can meet."""
    secret = _secret()
    server = serve()
    serve_provider(server, device_authorization_endpoint=server.base_url + "/device")
    leak = {"error": "invalid_client", "error_description": "." * 161 + secret}
    server.routes["/device"] = json_handler(leak, status=400)
    spec = make_spec(ProbeKind.DEVICE_CODE, server.base_url, client_id=CLIENT_ID)
    report, elapsed = await timed_probe(
        spec, secret=secret, hooks=ProbeHooks(on_user_code=lambda *_a: None)
    )
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "device.rejected")
    assert leaked(_text(report), secret, CLIENT_ID, size=8) == []


# 3. NumericDate claims that are not finite numbers fail --------------------------------------


NOT_NUMERIC_DATES = [math.nan, math.inf, -math.inf, "1", True, None, [1], {"t": 1}]


def _token(claims: dict[str, Any]) -> dict[str, Any]:
    return {"access_token": sign(claims), "token_type": "Bearer", "expires_in": 300}


@pytest.mark.parametrize("claim", ["exp", "nbf", "iat"])
@pytest.mark.parametrize("value", NOT_NUMERIC_DATES, ids=repr)
async def test_a_numericdate_that_is_not_a_finite_number_fails(
    serve: Serve, claim: str, value: object
) -> None:
    now = int(time.time())
    claims = {"iss": None, "aud": API, "exp": now + 300, "iat": now, "nbf": now, claim: value}
    server = serve()
    serve_provider(server)
    claims["iss"] = server.base_url
    server.routes["/token"] = json_handler(_token(claims))
    spec = make_spec(CC, server.base_url, client_id=CLIENT_ID, audience=API)
    report, elapsed = await timed_probe(spec, secret=_secret())
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, f"cc.{claim}")


async def test_finite_numericdates_still_pass(serve: Serve) -> None:
    now = time.time()
    server = serve()
    serve_provider(server)
    claims = {"iss": server.base_url, "aud": API, "exp": now + 300.5, "iat": now, "nbf": now}
    server.routes["/token"] = json_handler(_token(claims))
    spec = make_spec(CC, server.base_url, client_id=CLIENT_ID, audience=API)
    report, elapsed = await timed_probe(spec, secret=_secret())
    assert_verdict(report, elapsed, ProbeOutcome.PASS, "jwks.summary")


# 4. Hostile answers are failures with a finding, never an internal error ---------------------

DEEP = 400_000  # as in the report; objects take 6 bytes a level, so fewer fit under the cap


def _deep(kind: str) -> bytes:
    if kind == "arrays":
        return b"[" * DEEP + b"]" * DEEP
    if kind == "objects":
        return b'{"a":' * (DEEP // 3) + b"1" + b"}" * (DEEP // 3)
    return b'{"issuer": ' + b"[" * DEEP + b"]" * DEEP + b"}"  # deep inside a member


@pytest.mark.parametrize("shape", ["arrays", "objects", "member"])
@pytest.mark.parametrize("where", ["discovery", "jwks", "token"])
async def test_json_nested_without_limit_is_a_failure_not_a_crash(
    serve: Serve, shape: str, where: str
) -> None:
    body = _deep(shape)
    server = serve()
    serve_provider(server)

    async def deep(_req: Request, writer: asyncio.StreamWriter) -> None:
        await _json(writer, 200, body)

    route = {"discovery": WELL_KNOWN, "jwks": "/jwks", "token": "/token"}[where]
    server.routes[route] = deep
    spec = make_spec(CC, server.base_url, client_id=CLIENT_ID)
    report, elapsed = await timed_probe(spec, secret=_secret())
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "http.json_too_deep")
    assert "probe.internal_error" not in ids(report)


def _jwt_with(segment_json: bytes, which: int) -> str:
    good = sign({"aud": API}).split(".")
    good[which] = base64.urlsafe_b64encode(segment_json).rstrip(b"=").decode()
    return ".".join(good)


@pytest.mark.parametrize("which", [0, 1], ids=["header", "payload"])
async def test_a_jwt_nested_without_limit_is_malformed_not_a_crash(
    serve: Serve, which: int
) -> None:
    token = _jwt_with(b'{"a":' * 5000 + b"1" + b"}" * 5000, which)
    server = serve()
    serve_provider(server)
    body = {"access_token": token, "token_type": "Bearer", "expires_in": 300}
    server.routes["/token"] = json_handler(body)
    spec = make_spec(CC, server.base_url, client_id=CLIENT_ID, audience=API)
    report, _elapsed = await timed_probe(spec, secret=_secret())
    assert "probe.internal_error" not in ids(report), report.findings
    assert report.outcome is ProbeOutcome.FAIL or "cc.opaque_token" in ids(report)


HOSTILE_KEYS: dict[str, list[object]] = {
    "kid is an object": [{**SIGNING_KEY.as_dict(private=False), "kid": {"x": 1}}],
    "two keys with kid 7": [
        {**SIGNING_KEY.as_dict(private=False), "kid": 7},
        {**SIGNING_KEY.as_dict(private=False), "kid": 7},
    ],
    "kid is a list": [{**SIGNING_KEY.as_dict(private=False), "kid": [1, 2]}],
    "n is a number": [{"kty": "RSA", "n": 5, "e": "AQAB", "kid": "k"}],
    "kty is an object": [{"kty": {"RSA": 1}, "kid": "k"}],
    "alg is a list": [{**SIGNING_KEY.as_dict(private=False), "alg": ["RS256"]}],
    "crv is unknown": [{"kty": "EC", "crv": "P-999", "x": "AA", "y": "AA", "kid": "k"}],
    "use is an object": [{**SIGNING_KEY.as_dict(private=False), "use": {"sig": True}}],
    "key is a string": ["not a key"],
    "key is null": [None],
}


@pytest.mark.parametrize("case", list(HOSTILE_KEYS))
async def test_every_jwks_member_is_untyped_until_checked(serve: Serve, case: str) -> None:
    server = serve()
    serve_provider(server)
    server.routes["/jwks"] = json_handler({"keys": HOSTILE_KEYS[case]})
    report, _elapsed = await timed_probe(make_spec(DISCOVERY, server.base_url))
    assert "probe.internal_error" not in ids(report), report.findings
    assert report.outcome is ProbeOutcome.FAIL, report.findings


HOSTILE_DOCUMENTS: dict[str, dict[str, object]] = {
    "endpoints are objects": {"token_endpoint": {"u": 1}, "jwks_uri": [1]},
    "lists are strings": {"response_types_supported": "code", "grant_types_supported": "x"},
    "lists hold objects": {"code_challenge_methods_supported": [{"S256": 1}]},
    "issuer-template member types": {"token_endpoint_auth_methods_supported": 5},
    "algs are numbers": {"id_token_signing_alg_values_supported": [256]},
}


@pytest.mark.parametrize("case", list(HOSTILE_DOCUMENTS))
@pytest.mark.parametrize("kind", [DISCOVERY, CC])
async def test_every_discovery_member_is_untyped_until_checked(
    serve: Serve, case: str, kind: ProbeKind
) -> None:
    server = serve()
    serve_provider(server, **HOSTILE_DOCUMENTS[case])
    spec = make_spec(kind, server.base_url, client_id=CLIENT_ID)
    report, _elapsed = await timed_probe(spec, secret=_secret())
    assert "probe.internal_error" not in ids(report), report.findings
    assert report.outcome in (ProbeOutcome.FAIL, ProbeOutcome.WARN), report.findings


NON_OBJECT_TOKEN_ANSWERS = [
    b"5",
    b'"a string"',
    b"null",
    b"[1, 2]",
    b"true",
    b'{"access_token": 5}',
]


@pytest.mark.parametrize("body", NON_OBJECT_TOKEN_ANSWERS)
async def test_a_token_answer_of_any_json_type_is_a_failure(serve: Serve, body: bytes) -> None:
    server = serve()
    serve_provider(server)

    async def answer(_req: Request, writer: asyncio.StreamWriter) -> None:
        await _json(writer, 200, body)

    server.routes["/token"] = answer
    spec = make_spec(CC, server.base_url, client_id=CLIENT_ID)
    report, _elapsed = await timed_probe(spec, secret=_secret())
    assert "probe.internal_error" not in ids(report), report.findings
    assert report.outcome is ProbeOutcome.FAIL, report.findings


# 5. Findings are capped per check --------------------------------------------------------------


async def test_ten_thousand_bad_keys_give_a_handful_of_findings(serve: Serve) -> None:
    keys = [OctKey.generate_key(128).as_dict(private=True) for _ in range(10_000)]
    server = serve()
    serve_provider(server)
    server.routes["/jwks"] = json_handler({"keys": keys})
    report, elapsed = await timed_probe(make_spec(DISCOVERY, server.base_url, timeout_s=5.0))
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "jwks.too_many_keys", budget_s=5.0)
    assert len(report.findings) < 15, [f.check_id for f in report.findings]
    private = [f for f in report.findings if f.check_id == "jwks.private_key"]
    assert len(private) == 6 and "more finding(s)" in private[-1].message
    assert len(json.dumps(report.findings_json())) < 4000


async def test_capped_findings_keep_the_worst_severity(serve: Serve) -> None:
    """The closing count of a capped check is as severe as the worst finding it hides."""
    keys = [OctKey.generate_key(128).as_dict(private=True) for _ in range(12)]
    server = serve()
    serve_provider(server)
    server.routes["/jwks"] = json_handler({"keys": keys})
    report, _elapsed = await timed_probe(make_spec(DISCOVERY, server.base_url))
    closing = [f for f in report.findings if "more finding(s)" in f.message]
    assert [(f.check_id, f.severity.value) for f in closing] == [("jwks.private_key", "error")]
    assert "7 more" in closing[0].message


# 8. Quoted server text is shown visibly escaped, never silently stripped --------------------

EVIL = "only \x1b[2J[@click=app.quit]x[/]\x9b31mHXEVIL\u202e\x07"


def _visible(report: ProbeReport, check_id: str) -> str:
    [finding] = [f for f in report.findings if f.check_id == check_id]
    message = finding.message
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in message), message
    assert "\u202e" not in message
    assert "\\x1b" in message and "\\x9b" in message and "\\u202e" in message, message
    return message


async def test_pkce_methods_are_shown_escaped(serve: Serve) -> None:
    server = serve()
    serve_provider(server, code_challenge_methods_supported=[EVIL])
    report, _elapsed = await timed_probe(make_spec(DISCOVERY, server.base_url))
    assert "HXEVIL" in _visible(report, "oidc.pkce_s256_missing")


async def test_an_oauth_error_is_shown_escaped(serve: Serve) -> None:
    server = serve()
    serve_provider(server)
    server.routes["/token"] = json_handler({"error": EVIL, "error_description": EVIL}, 400)
    spec = make_spec(CC, server.base_url, client_id=CLIENT_ID)
    report, _elapsed = await timed_probe(spec, secret=_secret())
    assert _visible(report, "cc.token_rejected").count("HXEVIL") == 2


async def test_a_redirect_location_is_shown_escaped(serve: Serve) -> None:
    server = serve()
    other = serve()

    async def redirect(_req: Request, writer: asyncio.StreamWriter) -> None:
        location = other.base_url + "/" + quote(EVIL)
        writer.write(
            f"HTTP/1.1 302 X\r\nLocation: {location}\x1b[2J\r\nContent-Length: 0\r\n\r\n".encode()
        )
        await writer.drain()

    server.routes[WELL_KNOWN] = redirect
    report, _elapsed = await timed_probe(make_spec(DISCOVERY, server.base_url))
    assert report.outcome is ProbeOutcome.FAIL, report.findings
    [finding] = report.findings
    assert finding.check_id.startswith("http."), finding
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in finding.message)


async def test_issuer_template_and_mismatch_quote_the_same_way(serve: Serve) -> None:
    server = serve()
    serve_provider(server, issuer=EVIL)
    report, _elapsed = await timed_probe(make_spec(DISCOVERY, server.base_url))
    assert "HXEVIL" in _visible(report, "oidc.issuer_mismatch")


# 11. Strings where booleans (or arrays) belong are flagged -------------------------------------


@pytest.mark.parametrize("value", ["true", "false", 1, None, {}])
async def test_keycloak_style_boolean_strings_are_flagged(serve: Serve, value: object) -> None:
    server = serve()
    members = {
        "claims_parameter_supported": value,
        "request_parameter_supported": value,
        "backchannel_logout_supported": value,
    }
    doc = discovery_doc(server.base_url, **members)
    doc.update(members)  # discovery_doc drops None members; keep JSON null here
    server.routes[WELL_KNOWN] = json_handler(doc)
    server.routes["/jwks"] = json_handler(public_jwks())
    report, elapsed = await timed_probe(make_spec(DISCOVERY, server.base_url))
    assert_verdict(report, elapsed, ProbeOutcome.WARN, "oidc.not_boolean")
    assert ids(report).count("oidc.not_boolean") == 3


async def test_real_booleans_are_not_flagged(serve: Serve) -> None:
    server = serve()
    serve_provider(server, claims_parameter_supported=False, request_parameter_supported=True)
    report, elapsed = await timed_probe(make_spec(DISCOVERY, server.base_url))
    assert_verdict(report, elapsed, ProbeOutcome.PASS, "jwks.summary")

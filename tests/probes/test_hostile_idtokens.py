"""Auth code + PKCE against a provider that hands back bad ID tokens or bad redirects."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.probes.browser import sign_in
from tests.probes.helpers import assert_verdict, ids, make_spec, serve_provider, sign, timed_probe
from tests.probes.servers import LoopbackServer, Request, json_handler, respond
from vendortui.app.probes.interactive import ProbeHooks
from vendortui.models.enums import ProbeKind, ProbeOutcome

Serve = Callable[..., LoopbackServer]
CLIENT_ID = "native"
ACCESS_TOKEN = "opaque-access-token-value"
BUDGET_S = 5.0


def _at_hash(token: str) -> str:
    digest = hashlib.sha256(token.encode()).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _token_body() -> dict[str, Any]:
    return {"access_token": ACCESS_TOKEN, "token_type": "Bearer", "expires_in": 300}


class FakeProvider:
    """Authorizes instantly and returns an ID token built by ``make_id_token(request_params)``."""

    def __init__(self, server: LoopbackServer) -> None:
        self.server = server
        self.issuer = server.base_url
        self.authorize_params: dict[str, str] = {}
        self.redirect_extra: dict[str, str] = {}
        self.make_id_token: Callable[[dict[str, str]], str] = self.good_id_token
        serve_provider(server)
        server.routes["/authorize"] = self._authorize
        server.routes["/token"] = self._token

    def claims(self, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": "alice",
            "aud": CLIENT_ID,
            "exp": now + 300,
            "iat": now,
            "nonce": self.authorize_params.get("nonce"),
            "at_hash": _at_hash(ACCESS_TOKEN),
            "amr": ["hwk"],
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def good_id_token(self, _params: dict[str, str]) -> str:
        return sign(self.claims())

    async def _authorize(self, req: Request, writer: asyncio.StreamWriter) -> None:
        self.authorize_params = req.query
        params = {"code": "the-code", "state": req.query["state"], **self.redirect_extra}
        location = f"{req.query['redirect_uri']}?{urlencode(params)}"
        await respond(writer, 302, b"", {"Location": location})

    async def _token(self, req: Request, writer: asyncio.StreamWriter) -> None:
        form = req.form()
        assert form["code_verifier"] and form["grant_type"] == "authorization_code"
        body = {**_token_body(), "id_token": self.make_id_token(form)}
        await respond(writer, 200, json.dumps(body).encode(), {"Content-Type": "application/json"})


@pytest.fixture
def fake(serve: Serve) -> FakeProvider:
    return FakeProvider(serve())


async def _run(fake: FakeProvider):
    spec = make_spec(
        ProbeKind.AUTH_CODE, fake.issuer, client_id=CLIENT_ID, interactive_timeout_s=BUDGET_S
    )
    hooks = ProbeHooks(open_browser=sign_in)
    return await timed_probe(spec, hooks=hooks)


async def test_good_tokens_pass(fake: FakeProvider) -> None:
    report, elapsed = await _run(fake)
    assert_verdict(report, elapsed, ProbeOutcome.PASS, "idtoken.amr_phishing_resistant", BUDGET_S)
    challenge = fake.authorize_params
    assert challenge["code_challenge_method"] == "S256" and len(challenge["code_challenge"]) == 43
    assert challenge["redirect_uri"].startswith("http://127.0.0.1:")


async def test_expired_id_token(fake: FakeProvider) -> None:
    past = int(time.time()) - 3600
    fake.make_id_token = lambda _p: sign(fake.claims(exp=past, iat=past - 60))
    report, elapsed = await _run(fake)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "idtoken.exp", BUDGET_S)


async def test_wrong_audience(fake: FakeProvider) -> None:
    fake.make_id_token = lambda _p: sign(fake.claims(aud="someone-else"))
    report, elapsed = await _run(fake)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "idtoken.aud", BUDGET_S)


async def test_missing_audience(fake: FakeProvider) -> None:
    fake.make_id_token = lambda _p: sign(fake.claims(aud=None))
    report, elapsed = await _run(fake)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "idtoken.aud", BUDGET_S)


async def test_wrong_nonce(fake: FakeProvider) -> None:
    fake.make_id_token = lambda _p: sign(fake.claims(nonce="replayed-nonce"))
    report, elapsed = await _run(fake)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "idtoken.nonce", BUDGET_S)


async def test_wrong_issuer(fake: FakeProvider) -> None:
    fake.make_id_token = lambda _p: sign(fake.claims(iss="https://evil.example"))
    report, elapsed = await _run(fake)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "idtoken.iss", BUDGET_S)


async def test_issued_in_the_future(fake: FakeProvider) -> None:
    fake.make_id_token = lambda _p: sign(fake.claims(iat=int(time.time()) + 3600))
    report, elapsed = await _run(fake)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "idtoken.iat", BUDGET_S)


async def test_at_hash_mismatch(fake: FakeProvider) -> None:
    fake.make_id_token = lambda _p: sign(fake.claims(at_hash=_at_hash("another token")))
    report, elapsed = await _run(fake)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "idtoken.at_hash", BUDGET_S)


async def test_unsigned_id_token(fake: FakeProvider) -> None:
    def unsigned(_p: dict[str, str]) -> str:
        def b64(data: dict[str, Any]) -> str:
            return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

        return f"{b64({'alg': 'none'})}.{b64(fake.claims())}."

    fake.make_id_token = unsigned
    report, elapsed = await _run(fake)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "idtoken.alg", BUDGET_S)


async def test_hs256_id_token(fake: FakeProvider) -> None:
    from joserfc import jwt
    from joserfc.jwk import OctKey

    key = OctKey.generate_key(256)
    fake.make_id_token = lambda _p: jwt.encode({"alg": "HS256"}, fake.claims(), key)
    report, elapsed = await _run(fake)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "idtoken.alg", BUDGET_S)


async def test_forged_signature(fake: FakeProvider) -> None:
    def forged(_p: dict[str, str]) -> str:
        header, _payload, signature = sign(fake.claims()).split(".")
        payload = sign(fake.claims(sub="mallory")).split(".")[1]
        return f"{header}.{payload}.{signature}"

    fake.make_id_token = forged
    report, elapsed = await _run(fake)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "idtoken.signature", BUDGET_S)


async def test_mix_up_iss_parameter(fake: FakeProvider) -> None:
    fake.redirect_extra = {"iss": "https://other-idp.example"}
    report, elapsed = await _run(fake)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "authcode.iss", BUDGET_S)


async def test_error_redirect(fake: FakeProvider) -> None:
    async def deny(req: Request, writer: asyncio.StreamWriter) -> None:
        params = {"error": "unauthorized_client", "state": req.query["state"]}
        location = f"{req.query['redirect_uri']}?{urlencode(params)}"
        await respond(writer, 302, b"", {"Location": location})

    fake.server.routes["/authorize"] = deny
    report, elapsed = await _run(fake)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "authcode.error", BUDGET_S)


async def test_state_mismatch(fake: FakeProvider) -> None:
    async def forged_state(req: Request, writer: asyncio.StreamWriter) -> None:
        location = f"{req.query['redirect_uri']}?code=c&state=attacker"
        await respond(writer, 302, b"", {"Location": location})

    fake.server.routes["/authorize"] = forged_state
    report, elapsed = await _run(fake)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "authcode.state", BUDGET_S)


async def test_entra_multi_tenant_tokens_carry_the_tenant_issuer(fake: FakeProvider) -> None:
    """Discovery publishes ``{tenantid}``; the token's iss is that template filled with its tid."""
    base = fake.issuer
    serve_provider(fake.server, issuer=base + "/{tenantid}/v2.0")
    tenant_issuer = base + "/tenant-1/v2.0"
    fake.make_id_token = lambda _p: sign(fake.claims(iss=tenant_issuer, tid="tenant-1"))
    spec = make_spec(
        ProbeKind.AUTH_CODE,
        base + "/common/v2.0",
        metadata_url=base + "/.well-known/openid-configuration",
        client_id=CLIENT_ID,
        interactive_timeout_s=BUDGET_S,
    )
    report, elapsed = await timed_probe(spec, hooks=ProbeHooks(open_browser=sign_in))
    assert_verdict(report, elapsed, ProbeOutcome.WARN, "oidc.issuer_template", BUDGET_S)
    assert "idtoken.amr_phishing_resistant" in ids(report)
    fake.make_id_token = lambda _p: sign(fake.claims(iss=tenant_issuer, tid="tenant-2"))
    report, elapsed = await timed_probe(spec, hooks=ProbeHooks(open_browser=sign_in))
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "idtoken.iss", BUDGET_S)


async def test_a_crashing_ui_hook_becomes_an_internal_error(fake: FakeProvider) -> None:
    secret = "hook-secret-" + "z" * 20

    def broken_browser(url: str) -> None:
        raise RuntimeError(f"cannot open {url} with {secret}")

    spec = make_spec(ProbeKind.AUTH_CODE, fake.issuer, client_id=CLIENT_ID)
    report, elapsed = await timed_probe(
        spec, secret=secret, hooks=ProbeHooks(open_browser=broken_browser)
    )
    assert_verdict(report, elapsed, ProbeOutcome.ERROR, "probe.internal_error")
    message = report.findings[-1].message
    assert "RuntimeError" in message and "test_hostile_idtokens.py:" in message
    assert secret not in repr(report)


async def test_device_polling_waits_the_interval(fake: FakeProvider) -> None:
    serve_provider(fake.server, device_authorization_endpoint=fake.issuer + "/device")
    grant = {
        "device_code": "device-code-value",
        "user_code": "ABCD-EFGH",
        "verification_uri": fake.issuer + "/verify",
        "interval": 1,
        "expires_in": 30,
    }
    fake.server.routes["/device"] = json_handler(grant)
    polls: list[float] = []

    async def token(req: Request, writer: asyncio.StreamWriter) -> None:
        polls.append(time.monotonic())
        assert req.form()["device_code"] == "device-code-value"
        if len(polls) < 3:
            body, status = {"error": "authorization_pending"}, 400
        else:
            id_token = sign(fake.claims(nonce=None, at_hash=None))
            body, status = {**_token_body(), "id_token": id_token}, 200
        await respond(
            writer, status, json.dumps(body).encode(), {"Content-Type": "application/json"}
        )

    fake.server.routes["/token"] = token
    shown: list[tuple[str, str]] = []
    spec = make_spec(ProbeKind.DEVICE_CODE, fake.issuer, client_id=CLIENT_ID)
    hooks = ProbeHooks(on_user_code=lambda code, uri: shown.append((code, uri)))
    report, elapsed = await timed_probe(spec, hooks=hooks)
    assert_verdict(report, elapsed, ProbeOutcome.PASS, "idtoken.amr_phishing_resistant", BUDGET_S)
    assert shown == [("ABCD-EFGH", fake.issuer + "/verify")]
    gaps = [b - a for a, b in itertools.pairwise(polls)]
    assert len(polls) == 3 and all(gap >= 0.95 for gap in gaps), gaps

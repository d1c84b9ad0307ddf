"""Auth code + PKCE against a provider that hands back bad ID tokens or bad redirects."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest

from app.probes import ProbeHooks
from models.enums import ProbeKind, ProbeOutcome
from tests.probes.browser import sign_in
from tests.probes.helpers import assert_verdict, make_spec, serve_provider, sign, timed_probe
from tests.probes.servers import LoopbackServer, Request, respond

Serve = Callable[..., LoopbackServer]
CLIENT_ID = "native"
ACCESS_TOKEN = "opaque-access-token-value"
BUDGET_S = 5.0


def _at_hash(token: str) -> str:
    digest = hashlib.sha256(token.encode()).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


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
        body = {
            "access_token": ACCESS_TOKEN,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": self.make_id_token(form),
        }
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

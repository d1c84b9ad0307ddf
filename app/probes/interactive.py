"""Probes that need a person: device authorization (RFC 8628) and auth code + PKCE (RFC 8252).

The UI is reached only through ``ProbeHooks`` callbacks (sync or async), so the TUI, the CLI
and the tests each decide how to show a user code or open a browser.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from math import inf
from typing import Any

from authlib.common.security import generate_token

from vendortui.app.probes.findings import Recorder
from vendortui.app.probes.http import ProbeClient, ProbeHttpError, TokenEndpointError, is_secure_url
from vendortui.app.probes.idtoken import check_id_token
from vendortui.app.probes.loopback import LoopbackRedirect
from vendortui.app.probes.offload import is_small, off_loop
from vendortui.app.probes.oidc import Discovery, discover, endpoint_ok, record_http_error
from vendortui.app.probes.spec import ProbeSpec, parse_expected_claims
from vendortui.app.probes.tokens import (
    audience_params,
    call_api,
    check_token_response,
    choose_auth_method,
    refusal,
)

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
DEFAULT_INTERVAL_S = 5  # RFC 8628 section 3.2, when the provider sends none
SLOW_DOWN_STEP_S = 5
MAX_INTERVAL_S = 60


@dataclass(frozen=True, slots=True)
class ProbeHooks:
    """How an interactive probe reaches the person; each may return an awaitable."""

    on_user_code: Callable[[str, str], object] | None = None
    open_browser: Callable[[str], object] | None = None


async def _call(hook: Callable[..., object], *args: str) -> None:
    result = hook(*args)
    if inspect.isawaitable(result):
        await result


def _scope(spec: ProbeSpec) -> str:
    scopes = spec.scope_list
    return " ".join(scopes if "openid" in scopes else ["openid", *scopes])


def _needs_user(rec: Recorder, what: str) -> None:
    rec.error(
        "probe.needs_user",
        f"this probe needs a person ({what}) and no UI was attached",
        "Run it from the TUI, or with `vendortui probe --kind <kind>` in a terminal.",
    )


async def _prepare(
    client: ProbeClient, spec: ProbeSpec, secret: str | None, rec: Recorder
) -> Discovery | None:
    """Common start: config, discovery with keys, and client authentication.

    Stops before bothering a person when discovery already failed or keys are missing.
    """
    if not spec.client_id:
        rec.error("probe.config", "the probe has no client id", "Set the client id.")
        return None
    discovery = await discover(client, spec, rec)
    if discovery is None or discovery.keys is None or rec.has_errors():
        return None
    token_endpoint = discovery.endpoint("token_endpoint")
    if not token_endpoint or not endpoint_ok(token_endpoint, discovery.metadata, spec):
        return None
    if secret:
        client.oauth.token_endpoint_auth_method = choose_auth_method(discovery)
    return discovery


async def _start(
    client: ProbeClient,
    spec: ProbeSpec,
    secret: str | None,
    hook: Callable[..., object] | None,
    what: str,
    rec: Recorder,
) -> Discovery | None:
    """An interactive probe's start: a person to reach through ``hook``, then ``_prepare``.

    Without the hook it records ``probe.needs_user`` (``what`` says what the person is for).
    """
    if hook is None:
        _needs_user(rec, what)
        return None
    return await _prepare(client, spec, secret, rec)


async def probe_auth_code(
    client: ProbeClient,
    spec: ProbeSpec,
    secret: str | None,
    hooks: ProbeHooks | None,
    rec: Recorder,
) -> None:
    """Authorization code + PKCE S256 through the browser, back to a loopback redirect."""
    open_browser = hooks.open_browser if hooks is not None else None
    discovery = await _start(client, spec, secret, open_browser, "a browser sign-in", rec)
    if discovery is None or open_browser is None:
        return
    authorization_endpoint = discovery.endpoint("authorization_endpoint")
    if not endpoint_ok(authorization_endpoint, discovery.metadata, spec):
        return
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    rec.protect(verifier)
    extra: dict[str, str] = {"nonce": nonce, "scope": _scope(spec)}
    if "offline_access" in spec.scope_list:
        extra["prompt"] = "consent"  # OIDC Core 11: offline_access needs a consent prompt
    extra.update(audience_params(spec, discovery.endpoint("token_endpoint")))
    client.oauth.code_challenge_method = "S256"
    async with LoopbackRedirect() as listener:
        url, _ = client.oauth.create_authorization_url(
            authorization_endpoint,
            state=state,
            code_verifier=verifier,
            redirect_uri=listener.redirect_uri,
            **extra,
        )
        try:
            with rec.step("user"):
                await _call(open_browser, url)
                async with rec.timing.deadline(spec.interactive_timeout_s):
                    answer = await listener.wait()
        except TimeoutError:
            _user_timeout(rec, spec)
            return
    code = _check_authorization_response(answer, state, discovery, rec)
    if code is None:
        return
    try:
        with rec.step("token"):
            token = await client.fetch_token(
                discovery.endpoint("token_endpoint"),
                grant_type="authorization_code",
                code=code,
                redirect_uri=listener.redirect_uri,
                code_verifier=verifier,
            )
    except TokenEndpointError as exc:
        rec.error(
            "authcode.token_rejected",
            f"the code exchange was refused: {refusal(exc, rec)}",
            "invalid_grant here often means PKCE or redirect_uri handling is broken.",
        )
        return
    except ProbeHttpError as exc:
        record_http_error(rec, exc)
        return
    await _finish(client, spec, discovery, token, nonce, rec, "authcode")


def _check_authorization_response(
    answer: dict[str, str], state: str, discovery: Discovery, rec: Recorder
) -> str | None:
    """state (CSRF), RFC 9207 iss (mix-up), error; returns the code."""
    if "error" in answer:
        rec.error(
            "authcode.error",
            f"the provider returned {rec.quote(answer['error'], 60)}"
            + (
                f": {rec.quote(answer['error_description'], 200)}"
                if answer.get("error_description")
                else ""
            ),
            "access_denied can also mean the sign-in was cancelled.",
        )
        return None
    if answer.get("state") != state:
        rec.error("authcode.state", "the redirect's state does not match the request (CSRF?)")
        return None
    advertised = discovery.metadata.get("authorization_response_iss_parameter_supported") is True
    if ("iss" in answer or advertised) and answer.get("iss") != discovery.issuer:
        rec.error(
            "authcode.iss",
            f"the redirect's iss {rec.quote(answer.get('iss', '(missing)'))} is not the issuer",
            "RFC 9207 mix-up protection: the response may come from another provider.",
        )
        return None
    code = answer.get("code")
    if not code:
        rec.error("authcode.no_code", "the redirect carries no authorization code")
        return None
    rec.protect(code)
    return code


async def probe_device_code(
    client: ProbeClient,
    spec: ProbeSpec,
    secret: str | None,
    hooks: ProbeHooks | None,
    rec: Recorder,
) -> None:
    """Device authorization: show the user code, poll politely, validate what comes back."""
    on_user_code = hooks.on_user_code if hooks is not None else None
    discovery = await _start(client, spec, secret, on_user_code, "a user code to enter", rec)
    if discovery is None or on_user_code is None:
        return
    device_endpoint = discovery.endpoint("device_authorization_endpoint")
    if not device_endpoint:
        rec.error(
            "device.not_supported",
            "the provider publishes no device_authorization_endpoint",
            "Use an auth-code probe for this vendor instead.",
        )
        return
    if not endpoint_ok(device_endpoint, discovery.metadata, spec):
        return
    try:
        with rec.step("device_authorization"):
            grant = await client.post_form(
                device_endpoint, {"scope": _scope(spec)}, "device authorization"
            )
    except TokenEndpointError as exc:
        rec.error(
            "device.rejected",
            f"device authorization was refused: {refusal(exc, rec)}",
        )
        return
    except ProbeHttpError as exc:
        record_http_error(rec, exc)
        return
    device_code = grant.get("device_code")
    user_code = grant.get("user_code")
    verification_uri = grant.get("verification_uri")
    if not all(isinstance(v, str) and v for v in (device_code, user_code, verification_uri)):
        rec.error(
            "device.bad_response",
            "the device authorization response lacks device_code, user_code or verification_uri",
        )
        return
    assert isinstance(device_code, str) and isinstance(user_code, str)
    assert isinstance(verification_uri, str)
    rec.protect(device_code)
    if not is_secure_url(verification_uri, spec.allow_insecure_loopback):
        rec.error(
            "device.verification_uri_not_https",
            f"the verification URI is not https: {rec.quote(verification_uri, 120)}",
            "People would type their password into a page that can be tampered with.",
        )
        return
    interval = _number(grant.get("interval"), DEFAULT_INTERVAL_S)
    expires_in = _number(grant.get("expires_in"), spec.interactive_timeout_s)
    try:
        with rec.step("user"):
            await _call(on_user_code, user_code, verification_uri)
            async with rec.timing.deadline(min(expires_in, spec.interactive_timeout_s)):
                token = await _poll(client, discovery, device_code, interval, rec)
    except TimeoutError:
        _user_timeout(rec, spec)
        return
    except ProbeHttpError as exc:
        record_http_error(rec, exc)
        return
    if token is not None:
        await _finish(client, spec, discovery, token, None, rec, "device")


def _number(value: object, default: float) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < inf:
        return float(value)
    return float(default)


async def _poll(
    client: ProbeClient, discovery: Discovery, device_code: str, interval: float, rec: Recorder
) -> dict[str, Any] | None:
    """Poll the token endpoint: once right away, then every ``interval`` (slow_down adds 5 s)."""
    token_endpoint = discovery.endpoint("token_endpoint")
    while True:
        try:
            return await client.fetch_token(
                token_endpoint, grant_type=DEVICE_GRANT, device_code=device_code
            )
        except TokenEndpointError as exc:
            if exc.error == "slow_down":
                interval = min(interval + SLOW_DOWN_STEP_S, MAX_INTERVAL_S)
            elif exc.error == "expired_token":
                raise TimeoutError from None
            elif exc.error == "access_denied":
                rec.error("device.denied", "the sign-in was denied on the verification page")
                return None
            elif exc.error != "authorization_pending":
                rec.error(
                    "device.token_rejected",
                    f"polling was refused: {refusal(exc, rec)}",
                )
                return None
        await asyncio.sleep(interval)


def _user_timeout(rec: Recorder, spec: ProbeSpec) -> None:
    rec.error(
        "probe.user_timeout",
        f"the sign-in was not completed within {spec.interactive_timeout_s:g} s",
        "Run the probe again when you are ready to sign in.",
    )


async def _finish(
    client: ProbeClient,
    spec: ProbeSpec,
    discovery: Discovery,
    token: dict[str, Any],
    nonce: str | None,
    rec: Recorder,
    prefix: str,
) -> None:
    """Token response, ID token, refresh, API: the same for both interactive flows."""
    access_token = check_token_response(token, rec, prefix)
    id_token = token.get("id_token")
    refresh_token = token.get("refresh_token")
    rec.protect(*(t for t in (id_token, refresh_token) if isinstance(t, str)))
    if not isinstance(id_token, str):
        rec.error("idtoken.missing", "no ID token came back although openid was requested")
    elif discovery.keys is not None:
        keys = discovery.keys
        await off_loop(
            rec,
            spec.timeout_s,
            "the ID token",
            lambda child, _stop: check_id_token(
                id_token,
                keys=keys,
                issuer=discovery.issuer,
                client_id=spec.client_id,
                nonce=nonce,
                access_token=access_token,
                rec=child,
                expected_claims=parse_expected_claims(spec.expected_claims),
            ),
            inline=is_small(len(id_token), len(list(keys))),
        )
    if isinstance(refresh_token, str):
        await _refresh(client, discovery, refresh_token, rec)
    if access_token is not None:
        await call_api(client, spec, access_token, rec)


async def _refresh(
    client: ProbeClient, discovery: Discovery, refresh_token: str, rec: Recorder
) -> None:
    try:
        with rec.step("refresh"):
            token = await client.fetch_token(
                discovery.endpoint("token_endpoint"),
                grant_type="refresh_token",
                refresh_token=refresh_token,
            )
    except TokenEndpointError as exc:
        rec.error(
            "refresh.rejected",
            f"the refresh token was refused: {refusal(exc, rec)}",
        )
        return
    except ProbeHttpError as exc:
        record_http_error(rec, exc)
        return
    rec.protect(
        *(str(token[k]) for k in ("access_token", "refresh_token", "id_token") if k in token)
    )
    if check_token_response(token, rec, "refresh") is not None:
        rec.info("refresh.ok", "the refresh token works")

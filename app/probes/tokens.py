"""Checks shared by every probe that obtains an access token, and the authenticated API call."""

from __future__ import annotations

import time
from math import isfinite
from typing import Any

import httpx2

from vendortui.app.probes.findings import Recorder
from vendortui.app.probes.http import (
    ProbeClient,
    ProbeHttpError,
    TokenEndpointError,
    is_secure_url,
    status_error,
)
from vendortui.app.probes.idtoken import LEEWAY_S, check_expected_claims
from vendortui.app.probes.keys import is_jwt, numeric_dates_ok, verify_jwt
from vendortui.app.probes.oidc import Discovery, record_http_error, token_issuer
from vendortui.app.probes.spec import ProbeSpec

MAX_SENSIBLE_LIFETIME_S = 24 * 3600
# Entra's v2 endpoint rejects the RFC 8707 "resource" parameter; there the audience travels
# in the scope ("<audience>/.default") and is only checked on the token.
NO_AUDIENCE_PARAM_HOSTS = frozenset({"login.microsoftonline.com"})


def audience_params(spec: ProbeSpec, token_endpoint: str) -> dict[str, str]:
    """How to ask for the configured audience: RFC 8707 ``resource`` for URIs, plus ``audience``.

    ``audience`` is what Auth0 and several others expect; ``resource`` is the standard. Sending
    both is accepted by providers that know one of them.
    """
    if not spec.audience or httpx2.URL(token_endpoint).host in NO_AUDIENCE_PARAM_HOSTS:
        return {}
    params = {"audience": spec.audience}
    if "://" in spec.audience:
        params["resource"] = spec.audience
    return params


def refusal(exc: TokenEndpointError, rec: Recorder) -> str:
    """An OAuth error object as shown in a finding: the code, then the description if any."""
    text = rec.quote(exc.error, 60)
    return f"{text}: {rec.quote(exc.description, 200)}" if exc.description else text


def choose_auth_method(discovery: Discovery) -> str:
    """client_secret_basic unless the provider only lists client_secret_post (RFC 8414 default)."""
    methods = discovery.metadata.get("token_endpoint_auth_methods_supported")
    if (
        isinstance(methods, list)
        and "client_secret_basic" not in methods
        and "client_secret_post" in methods
    ):
        return "client_secret_post"
    return "client_secret_basic"


def check_token_response(token: dict[str, Any], rec: Recorder, prefix: str) -> str | None:
    """Type and lifetime of a token response; returns the access token when there is one."""
    access_token = token.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        rec.error(f"{prefix}.no_access_token", "the token response has no access_token")
        return None
    rec.protect(access_token)
    token_type = token.get("token_type", "")
    if not isinstance(token_type, str) or token_type.lower() != "bearer":
        rec.error(
            f"{prefix}.token_type",
            f"token_type is {rec.quote(token_type, 40)}, expected Bearer",
            "We did not ask for DPoP or MTLS-bound tokens.",
        )
    lifetime = token.get("expires_in")
    if lifetime is None:
        rec.warning(f"{prefix}.lifetime", "the token response has no expires_in")
    elif (
        not isinstance(lifetime, int | float)
        or isinstance(lifetime, bool)
        or not isfinite(lifetime)
        or lifetime <= 0
    ):
        rec.error(
            f"{prefix}.lifetime",
            f"expires_in is not a positive number ({rec.quote(lifetime, 40)})",
        )
    elif lifetime > MAX_SENSIBLE_LIFETIME_S:
        rec.warning(
            f"{prefix}.lifetime",
            f"the access token lives {lifetime / 3600:.0f} h",
            "Long-lived bearer tokens widen the window for a stolen token.",
        )
    return access_token


def check_access_token(
    access_token: str,
    discovery: Discovery,
    spec: ProbeSpec,
    expected: dict[str, object],
    rec: Recorder,
    prefix: str,
) -> None:
    """A JWT access token: signature, issuer, expiry, audience, expected claims.

    An opaque token cannot be checked locally; that is said, not judged. Signature checks are
    CPU work: callers run this through ``offload.off_loop``.
    """
    if not is_jwt(access_token):
        if spec.audience or expected:
            rec.info(
                f"{prefix}.opaque_token",
                "the access token is opaque: its audience and claims cannot be checked here",
            )
        return
    if discovery.keys is None:
        rec.warning(f"{prefix}.unverifiable", "no usable JWKS to verify the JWT access token")
        return
    verified = verify_jwt(access_token, discovery.keys, rec, prefix)
    if verified is None:
        return
    claims = verified.claims
    if "iss" in claims and claims["iss"] != token_issuer(discovery.issuer, claims):
        rec.error(
            f"{prefix}.issuer",
            f"the access token's iss {rec.quote(claims['iss'])} is not the provider's issuer",
        )
    if numeric_dates_ok(claims, rec, prefix, "access token"):
        now = time.time()
        if "exp" in claims and claims["exp"] < now - LEEWAY_S:
            rec.error(f"{prefix}.expired", "the access token is already expired")
        if "nbf" in claims and claims["nbf"] > now + LEEWAY_S:
            rec.error(f"{prefix}.nbf", "the access token is not valid yet (nbf in the future)")
    if spec.audience:
        aud = claims.get("aud")
        audiences = aud if isinstance(aud, list) else [aud]
        if spec.audience not in audiences:
            rec.error(
                f"{prefix}.audience",
                f"the access token's aud {rec.quote(aud)} does not include {spec.audience!r}",
                "The API will reject it: check the audience/resource configuration.",
            )
    check_expected_claims(claims, expected, rec, "access token")


async def call_api(client: ProbeClient, spec: ProbeSpec, access_token: str, rec: Recorder) -> None:
    """The configured authenticated API URL must answer 2xx to our bearer token."""
    if not spec.api_url:
        return
    if not is_secure_url(spec.api_url, spec.allow_insecure_loopback):
        rec.error(
            "api.not_https",
            f"the API URL is not https, so the token was not sent: {spec.api_url}",
            "A bearer token over plain http can be stolen in transit.",
        )
        return
    try:
        with rec.step("api"):
            response = await client.get(
                spec.api_url, headers={"Authorization": f"Bearer {access_token}"}
            )
    except ProbeHttpError as exc:
        record_http_error(rec, exc)
        return
    if response.is_success:
        rec.info("api.ok", f"the API answered HTTP {response.status_code} to the token")
        return
    if response.status_code in (401, 403):
        rec.error(
            "api.rejected",
            f"the API rejected the token (HTTP {response.status_code})",
            "Check the audience, scopes and the API's trust in this issuer.",
        )
        return
    error = status_error(response, "API")
    rec.add(error.check_id, error.severity, error.message, error.hint)

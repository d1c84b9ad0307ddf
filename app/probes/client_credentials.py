"""The machine check: can our client get a sound token with its secret, and does the API take it?"""

from __future__ import annotations

from vendortui.app.probes.findings import Recorder
from vendortui.app.probes.http import ProbeClient, ProbeHttpError, TokenEndpointError
from vendortui.app.probes.offload import is_small, off_loop
from vendortui.app.probes.oidc import discover, endpoint_ok, record_http_error
from vendortui.app.probes.spec import ProbeSpec, parse_expected_claims
from vendortui.app.probes.tokens import (
    audience_params,
    call_api,
    check_access_token,
    check_token_response,
    choose_auth_method,
    refusal,
)


async def probe_client_credentials(
    client: ProbeClient, spec: ProbeSpec, secret: str | None, rec: Recorder
) -> None:
    """Discovery (OAuth profile), a client_credentials token, its checks, then the API."""
    if not spec.client_id:
        rec.error("probe.config", "the probe has no client id", "Set the client id.")
        return
    if not secret:
        from vendortui.app.secrets import env_var

        ref = spec.secret_ref or "(no keyring entry configured)"
        rec.error(
            "probe.no_secret",
            f"no client secret is available for keyring entry {ref!r}",
            "Store it with `vendortui secret set VENDOR PROBE` (or from the TUI), or set "
            f"{env_var(spec.secret_ref or 'REF')} for one run.",
        )
        return
    expected = parse_expected_claims(spec.expected_claims)
    discovery = await discover(client, spec, rec, openid=False)
    if discovery is None:
        return
    token_endpoint = discovery.endpoint("token_endpoint")
    if not token_endpoint or not endpoint_ok(token_endpoint, discovery.metadata, spec):
        return  # already reported by discovery; the secret is never sent to such an endpoint
    client.oauth.token_endpoint_auth_method = choose_auth_method(discovery)
    params = audience_params(spec, token_endpoint)
    if spec.scope_list:
        params["scope"] = " ".join(spec.scope_list)
    try:
        with rec.step("token"):
            token = await client.fetch_token(
                token_endpoint, grant_type="client_credentials", **params
            )
    except TokenEndpointError as exc:
        rec.error(
            "cc.token_rejected",
            f"the token endpoint refused: {refusal(exc, rec)}",
            "invalid_client means a wrong or expired secret; check the vendor console.",
        )
        return
    except ProbeHttpError as exc:
        record_http_error(rec, exc)
        return
    access_token = check_token_response(token, rec, "cc")
    if access_token is None:
        return
    await off_loop(
        rec,
        spec.timeout_s,
        "the access token",
        lambda child, _stop: check_access_token(
            access_token, discovery, spec, expected, child, "cc"
        ),
        inline=is_small(len(access_token), len(list(discovery.keys or []))),
    )
    await call_api(client, spec, access_token, rec)

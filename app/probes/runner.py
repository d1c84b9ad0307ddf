"""``run_probe``: one probe, start to verdict. It never raises (except on cancellation).

The secret arrives as an argument and lives only in this call: it goes to Authlib's client for
client authentication and to the recorder's redaction list, nowhere else.
"""

from __future__ import annotations

import asyncio
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

import httpx2

from vendortui.app.probes.client_credentials import probe_client_credentials
from vendortui.app.probes.findings import ProbeReport, Recorder
from vendortui.app.probes.http import ProbeClient
from vendortui.app.probes.inputs import placeholder_problem
from vendortui.app.probes.interactive import ProbeHooks, probe_auth_code, probe_device_code
from vendortui.app.probes.oidc import discover
from vendortui.app.probes.proxies import ProxyChoice, ProxySettingError, proxy_map
from vendortui.app.probes.redaction import secret_forms
from vendortui.app.probes.saml import probe_saml
from vendortui.app.probes.spec import ProbeSpec, parse_expected_claims
from vendortui.models.enums import ProbeKind

PROXY_HINT = "Fix HTTPS_PROXY / HTTP_PROXY / NO_PROXY or the probe proxy setting ('direct' = none)."


async def run_probe(
    spec: ProbeSpec, *, secret: str | None = None, hooks: ProbeHooks | None = None
) -> ProbeReport:
    """Run one probe and return its report; the outcome separates fail from unreachable."""
    started_at = datetime.now(UTC)
    started = time.perf_counter()
    try:
        proxies: dict[str, ProxyChoice | None] | ProxySettingError = proxy_map(spec.proxy)
    except (httpx2.InvalidURL, ValueError) as exc:  # an unreadable *_PROXY variable
        proxies = ProxySettingError(f"the proxy settings cannot be read ({type(exc).__name__})")
    proxy_secrets = (
        []
        if isinstance(proxies, ProxySettingError)
        else [form for choice in proxies.values() if choice for form in choice.secrets()]
    )
    rec = Recorder(redact_values=[*secret_forms(spec.client_id, secret), *proxy_secrets])
    try:
        await _dispatch(spec, secret, hooks, rec, proxies)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # a bug must become a finding, never crash a sweep
        where = traceback.extract_tb(exc.__traceback__)[-1]
        rec.error(  # type and place only: an exception's text could quote a secret
            "probe.internal_error",
            f"the probe stopped on an unexpected {type(exc).__name__} "
            f"({Path(where.filename).name}:{where.lineno})",
            "This is a vendortui bug; please report it with this line.",
        )
    return rec.report(started_at, started)


async def _dispatch(
    spec: ProbeSpec,
    secret: str | None,
    hooks: ProbeHooks | None,
    rec: Recorder,
    proxies: dict[str, ProxyChoice | None] | ProxySettingError,
) -> None:
    try:
        kind = ProbeKind(spec.kind)
        parse_expected_claims(spec.expected_claims)
    except ValueError as exc:
        rec.error("probe.config", f"invalid probe configuration: {exc}")
        return
    for name, value in (("issuer", spec.issuer), ("metadata URL", spec.metadata_url)):
        problem = placeholder_problem(value)
        if problem:
            rec.error("probe.placeholder", f"the {name} {problem[0]}", problem[1])
            return
    if isinstance(proxies, ProxySettingError):
        rec.error("probe.proxy", str(proxies), PROXY_HINT)
        return
    try:
        client = ProbeClient(
            timeout_s=spec.timeout_s,
            max_bytes=spec.body_limit,
            allow_insecure_loopback=spec.allow_insecure_loopback,
            ca_file=spec.ca_file,
            client_id=spec.client_id,
            client_secret=secret,
            timing=rec.timing,
            proxies=proxies,
        )
    except ProxySettingError as exc:
        rec.error("probe.proxy", str(exc), PROXY_HINT)
        return
    except OSError as exc:  # includes ssl.SSLError from a bad CA file
        rec.error(
            "probe.ca_file",
            f"the CA file {spec.ca_file!r} cannot be used ({type(exc).__name__})",
            "Point the probe at a readable PEM file of CA certificates.",
        )
        return
    try:
        match kind:
            case ProbeKind.OIDC_DISCOVERY:
                await discover(client, spec, rec)
            case ProbeKind.CLIENT_CREDENTIALS:
                await probe_client_credentials(client, spec, secret, rec)
            case ProbeKind.AUTH_CODE:
                await probe_auth_code(client, spec, secret, hooks, rec)
            case ProbeKind.DEVICE_CODE:
                await probe_device_code(client, spec, secret, hooks, rec)
            case ProbeKind.SAML_METADATA:
                await probe_saml(client, spec, rec)
    finally:
        await client.aclose()
        _report_transport(client, rec)


def _report_transport(client: ProbeClient, rec: Recorder) -> None:
    """Say which proxies carried the probe and which answers were retried (information only:
    the verdict is the vendor's, whichever way the bytes went)."""
    for shown, choice in client.transport.used.items():
        rec.info(
            "http.proxy",
            f"went through the proxy {shown} (set in {choice.source}), TLS verified end to end",
        )
    for note in client.transport.notes:
        rec.info("http.retried", note)

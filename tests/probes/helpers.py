"""Shared test helpers: a signing key, a valid discovery document, timing, and report checks."""

from __future__ import annotations

import time
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.probes.servers import LoopbackServer, json_handler
from vendortui.app.probes.findings import ProbeReport
from vendortui.app.probes.interactive import ProbeHooks
from vendortui.app.probes.runner import run_probe
from vendortui.app.probes.spec import ProbeSpec
from vendortui.models.enums import ProbeKind, ProbeOutcome

SIGNING_KEY = RSAKey.generate_key(2048, parameters={"kid": "k1", "alg": "RS256", "use": "sig"})
DEADLINE_S = 3.0
"""Per-request deadline in tests: long enough that a loaded machine never trips it on a healthy
server, short enough that the silent and dripping servers end quickly."""
LATE_TOLERANCE_MS = 1000
"""How late a probe's own deadline accounting (``ProbeReport.late_ms``) may say a bounded step
ended: a deadline that holds ends within milliseconds, even on a loaded machine; work blocking
the event loop shows as seconds."""
BACKSTOP_S = 30.0
"""Wall-clock backstop only: a probe that ignored its deadlines altogether (drips and silences
last minutes) blows past it, while a busy machine never comes close."""


def public_jwks() -> dict[str, Any]:
    """The JWKS for ``SIGNING_KEY``."""
    return {"keys": [SIGNING_KEY.as_dict(private=False)]}


def discovery_doc(base: str, **overrides: Any) -> dict[str, Any]:
    """A clean OIDC discovery document for ``base``; an override of None removes a member."""
    doc: dict[str, Any] = {
        "issuer": base,
        "authorization_endpoint": f"{base}/authorize",
        "token_endpoint": f"{base}/token",
        "jwks_uri": f"{base}/jwks",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
    }
    doc.update(overrides)
    return {k: v for k, v in doc.items() if v is not None}


def serve_provider(server: LoopbackServer, **overrides: Any) -> dict[str, Any]:
    """Serve a discovery document and JWKS from ``server``; returns the document."""
    doc = discovery_doc(server.base_url, **overrides)
    server.routes["/.well-known/openid-configuration"] = json_handler(doc)
    server.routes["/jwks"] = json_handler(public_jwks())
    return doc


def sign(claims: dict[str, Any], key: RSAKey = SIGNING_KEY, alg: str = "RS256") -> str:
    """A signed JWT."""
    return jwt.encode({"alg": alg, "kid": key.kid}, claims, key, algorithms=[alg])


def make_spec(kind: ProbeKind, issuer: str, **kwargs: Any) -> ProbeSpec:
    """A spec for loopback tests: plain http allowed, short deadline."""
    kwargs.setdefault("allow_insecure_loopback", True)
    kwargs.setdefault("timeout_s", DEADLINE_S)
    kwargs.setdefault("interactive_timeout_s", 10.0)
    return ProbeSpec(kind=kind, issuer=issuer, **kwargs)


WITNESSED: list[tuple[ProbeSpec, str, ProbeReport]] = []
"""Every scenario run with a secret in the current test; ``conftest`` stores, dumps, commits
and scans them for the secret after the test (see ``no_secret_reaches_storage``)."""


async def timed_probe(
    spec: ProbeSpec, *, secret: str | None = None, hooks: ProbeHooks | None = None
) -> tuple[ProbeReport, float]:
    """Run a probe and measure wall time; scenarios with a secret are kept for the leak scan."""
    start = time.monotonic()
    report = await run_probe(spec, secret=secret, hooks=hooks)
    elapsed = time.monotonic() - start
    if secret:
        WITNESSED.append((spec, secret, report))
    return report, elapsed


def ids(report: ProbeReport) -> list[str]:
    """The check ids in a report."""
    return [f.check_id for f in report.findings]


def assert_verdict(
    report: ProbeReport,
    elapsed: float,
    outcome: ProbeOutcome,
    check_id: str,
    budget_s: float = DEADLINE_S,
) -> None:
    """Exact outcome, the expected check present, and every deadline kept.

    Deadlines are judged by the probe's own accounting (``late_ms``); the wall clock only
    backs it up against a probe that bounded nothing at all.
    """
    assert report.outcome is outcome, report.findings
    assert check_id in ids(report), report.findings
    assert report.late_ms < LATE_TOLERANCE_MS, f"ended {report.late_ms:.0f} ms after a deadline"
    assert elapsed < budget_s + BACKSTOP_S, f"took {elapsed:.2f} s, deadline {budget_s} s"

"""Every kind of hostile answer in one sweep, on a busy machine: each probe keeps its deadline.

The report that started this: one probe parsing 5 MB of nested XML on the event loop took 16 s
against a 10 s deadline and made the other probes of the sweep blow theirs (27-33 s). Here all
hostile servers are swept at once while another process keeps a core busy, and each probe's own
deadline accounting (``ProbeReport.late_ms``: how long after its deadline its latest bounded
step ended) must stay small. Wall-clock guesses would break under load; this does not measure
the test, it measures whether the probe's deadlines held.
"""

from __future__ import annotations

import asyncio
import gzip
import math
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import pytest
from joserfc.jwk import OctKey

from tests.probes.helpers import LATE_TOLERANCE_MS, SIGNING_KEY, make_spec, serve_provider, sign
from tests.probes.servers import LoopbackServer, Request, drip_handler, json_handler, respond
from tests.probes.test_saml import nested_metadata, wide_metadata
from vendortui.app.probes.spec import ProbeSpec
from vendortui.app.probes.sweep import sweep
from vendortui.models.enums import ProbeKind, ProbeOutcome

Serve = Callable[..., LoopbackServer]
DEADLINE_S = 3.0
WELL_KNOWN = "/.well-known/openid-configuration"
SECRET = "sweep-secret-" + "q" * 24


@pytest.fixture
def busy_core() -> Iterator[None]:
    """Another process spinning on a core for the length of the test."""
    burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        yield
    finally:
        burner.kill()
        burner.wait()


def _raw(status: int, body: bytes, headers: dict[str, str] | None = None):
    async def handle(_req: Request, writer: asyncio.StreamWriter) -> None:
        await respond(writer, status, body, {"Content-Type": "application/json", **(headers or {})})

    return handle


async def _silence(_req: Request, _writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(3600)


async def _endless(_req: Request, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
    chunk = b" " * 65536
    for _ in range(800):
        writer.write(chunk)
        await writer.drain()


def _token_with(claims: dict[str, object]) -> dict[str, object]:
    return {"access_token": sign(claims), "token_type": "Bearer", "expires_in": 300}


def _catalogue(serve: Serve) -> list[tuple[str, ProbeSpec, set[ProbeOutcome]]]:
    """(name, spec, acceptable outcomes) for one server per hostile behaviour."""
    cases: list[tuple[str, ProbeSpec, set[ProbeOutcome]]] = []

    def provider(
        name: str, kind: ProbeKind, outcomes: set[ProbeOutcome], doc=None, **routes
    ) -> None:
        server = serve()
        serve_provider(server, **(doc or {}))
        for path, handler in routes.items():
            server.routes[{"discovery": WELL_KNOWN}.get(path, "/" + path)] = handler
        spec = make_spec(
            kind,
            server.base_url,
            client_id="machine",
            secret_ref="acme/machine",
            timeout_s=DEADLINE_S,
            name=name,
        )
        cases.append((name, spec, outcomes))

    def saml(name: str, document: bytes) -> None:
        server = serve()
        server.routes["/metadata"] = _raw(200, document, {"Content-Type": "application/xml"})
        spec = make_spec(
            ProbeKind.SAML_METADATA,
            "e",
            metadata_url=server.base_url + "/metadata",
            timeout_s=DEADLINE_S,
            name=name,
        )
        cases.append((name, spec, {ProbeOutcome.FAIL}))

    cc, disco, fail = ProbeKind.CLIENT_CREDENTIALS, ProbeKind.OIDC_DISCOVERY, {ProbeOutcome.FAIL}
    saml("xml nested 700k", nested_metadata(700_000))
    saml("xml wide 1.2M", wide_metadata(1_200_000))
    provider("json deep discovery", disco, fail, discovery=_raw(200, b"[" * 400_000))
    provider("json deep token", cc, fail, token=_raw(200, b"[" * 400_000 + b"]" * 400_000))
    keys = [OctKey.generate_key(128).as_dict(private=True) for _ in range(10_000)]
    provider("jwks 10k keys", disco, fail, jwks=json_handler({"keys": keys}))
    many_rsa = [SIGNING_KEY.as_dict(private=False) | {"kid": f"k{i}"} for i in range(3000)]
    provider("jwks 3k rsa keys", disco, fail, jwks=json_handler({"keys": many_rsa}))
    kid_dict = [SIGNING_KEY.as_dict(private=False) | {"kid": {"x": 1}}]
    provider("jwks kid object", disco, fail, jwks=json_handler({"keys": kid_dict}))
    provider("silence", disco, fail, discovery=_silence)
    provider("drip", disco, fail, discovery=drip_handler(0.5))
    provider("endless body", disco, fail, discovery=_endless)
    bomb = gzip.compress(b"\0" * (50 << 20), compresslevel=9)
    provider("gzip bomb", disco, fail, discovery=_raw(200, bomb, {"Content-Encoding": "gzip"}))
    provider("nan exp", cc, fail, token=json_handler(_token_with({"exp": math.nan})))
    provider("string exp", cc, fail, token=json_handler(_token_with({"exp": "1"})))
    echo = {"error": "invalid_client", "error_description": "." * 161 + SECRET}
    provider("echo", cc, fail, token=json_handler(echo, status=401))
    booleans = {"claims_parameter_supported": "true"}
    provider("keycloak booleans", disco, {ProbeOutcome.WARN}, doc=booleans)
    return cases


async def test_every_hostile_answer_keeps_its_deadline_in_one_busy_sweep(
    serve: Serve, busy_core: None
) -> None:
    cases = _catalogue(serve)
    specs = [spec for _name, spec, _outcomes in cases]
    started = time.perf_counter()
    reports = await sweep(specs, concurrency=len(specs), secret_for=lambda _spec: SECRET)
    elapsed = time.perf_counter() - started
    problems = []
    for (name, _spec, outcomes), report in zip(cases, reports, strict=True):
        checks = {f.check_id for f in report.findings}
        if report.outcome not in outcomes:
            problems.append(f"{name}: {report.outcome.value} {sorted(checks)}")
        if checks & {"probe.internal_error", "probe.too_slow"}:
            problems.append(f"{name}: {sorted(checks)}")
        if report.late_ms > LATE_TOLERANCE_MS:
            problems.append(f"{name}: ended {report.late_ms:.0f} ms after its deadline")
    assert problems == [], "\n".join(problems) + f"\n(sweep took {elapsed:.1f} s)"

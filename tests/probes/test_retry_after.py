"""429 and 503 with ``Retry-After``: retried once when the wait fits inside the request's
deadline, never past it. The servers count requests; nothing here waits for time: each test
waits for the probe's verdict, and the deadline accounting (``late_ms``) says it held."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from tests.probes.helpers import (
    assert_verdict,
    discovery_doc,
    ids,
    make_spec,
    serve_provider,
    timed_probe,
)
from tests.probes.servers import LoopbackServer, Request, json_handler, respond
from vendortui.app.probes.http import retry_after_seconds
from vendortui.models.enums import ProbeKind, ProbeOutcome

Serve = Callable[..., LoopbackServer]
DISCOVERY = ProbeKind.OIDC_DISCOVERY
WELL_KNOWN = "/.well-known/openid-configuration"


def busy_then(server: LoopbackServer, status: int, retry_after: str, then: int = 1):  # type: ignore[no-untyped-def]
    """A discovery route answering ``status`` with ``retry_after`` to the first ``then``
    requests, then the real document."""
    good = json_handler(discovery_doc(server.base_url))

    async def handle(req: Request, writer: asyncio.StreamWriter) -> None:
        seen = sum(1 for r in server.requests if r.path == WELL_KNOWN)
        if seen <= then:
            await respond(writer, status, b"busy", {"Retry-After": retry_after})
        else:
            await good(req, writer)

    return handle


def _discovery_requests(server: LoopbackServer) -> int:
    return sum(1 for r in server.requests if r.path == WELL_KNOWN)


async def probe_busy(serve: Serve, status: int, retry_after: str, then: int = 1):  # type: ignore[no-untyped-def]
    """A discovery probe of a provider that answers ``status`` first; server, report, time."""
    server = serve()
    serve_provider(server)
    server.routes[WELL_KNOWN] = busy_then(server, status, retry_after, then)
    report, elapsed = await timed_probe(make_spec(DISCOVERY, server.base_url))
    return server, report, elapsed


@pytest.mark.parametrize("status", [429, 503])
async def test_retried_once_after_the_seconds_asked(serve: Serve, status: int) -> None:
    server, report, elapsed = await probe_busy(serve, status, "1")
    assert_verdict(report, elapsed, ProbeOutcome.PASS, "http.retried")
    assert _discovery_requests(server) == 2
    [note] = [f.message for f in report.findings if f.check_id == "http.retried"]
    assert note == (
        f"HTTP {status} from 127.0.0.1: retried once after 1 s, as its Retry-After asked"
    )


async def test_an_http_date_is_understood(serve: Serve) -> None:
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=1), usegmt=True)
    server, report, elapsed = await probe_busy(serve, 503, soon)
    assert_verdict(report, elapsed, ProbeOutcome.PASS, "http.retried")
    assert _discovery_requests(server) == 2


@pytest.mark.parametrize(
    ("status", "check"), [(429, "http.rate_limited"), (503, "http.server_error")]
)
async def test_a_wait_past_the_deadline_is_reported_not_waited(
    serve: Serve, status: int, check: str
) -> None:
    server, report, elapsed = await probe_busy(serve, status, "30")
    outcome = ProbeOutcome.WARN if status == 429 else ProbeOutcome.FAIL
    assert_verdict(report, elapsed, outcome, check)
    assert _discovery_requests(server) == 1
    assert "asked to retry after 30 s, past this request's deadline" in report.findings[0].message
    assert "http.retried" not in ids(report)


async def test_a_date_past_the_deadline_is_not_waited_either(serve: Serve) -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)
    server, report, elapsed = await probe_busy(serve, 503, later)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "http.server_error")
    assert _discovery_requests(server) == 1


async def test_only_one_retry_when_the_server_stays_busy(serve: Serve) -> None:
    server, report, elapsed = await probe_busy(serve, 429, "0", then=5)
    assert_verdict(report, elapsed, ProbeOutcome.WARN, "http.rate_limited")
    assert _discovery_requests(server) == 2
    assert "retried once after 0 s" in report.findings[0].message
    assert "http.retried" not in ids(report), "a retry that failed is not a recovery"


async def test_without_retry_after_nothing_is_retried(serve: Serve) -> None:
    server = serve()
    serve_provider(server)

    async def down(_req: Request, writer: asyncio.StreamWriter) -> None:
        await respond(writer, 503, b"down")

    server.routes[WELL_KNOWN] = down
    report, elapsed = await timed_probe(make_spec(DISCOVERY, server.base_url))
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "http.server_error")
    assert _discovery_requests(server) == 1


async def test_a_token_post_is_sent_again_whole(serve: Serve) -> None:
    """The retried token request carries the same form body and client authentication."""
    server = serve()
    serve_provider(server)
    token = json.dumps({"access_token": "opaque", "token_type": "Bearer", "expires_in": 60})

    async def token_endpoint(_req: Request, writer: asyncio.StreamWriter) -> None:
        if sum(1 for r in server.requests if r.path == "/token") == 1:
            await respond(writer, 503, b"", {"Retry-After": "0"})
        else:
            await respond(writer, 200, token.encode(), {"Content-Type": "application/json"})

    server.routes["/token"] = token_endpoint
    spec = make_spec(
        ProbeKind.CLIENT_CREDENTIALS, server.base_url, client_id="machine", secret_ref="a/b"
    )
    report, _ = await timed_probe(spec, secret="s3cret-" + "x" * 24)
    posts = [r for r in server.requests if r.path == "/token"]
    assert len(posts) == 2 and posts[0].body and posts[0].body == posts[1].body
    assert posts[0].headers["authorization"] == posts[1].headers["authorization"]
    assert "http.retried" in ids(report)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("7", 7.0), (" 0 ", 0.0), ("", None), ("soon", None), ("²", None), ("-3", None)],
)
def test_retry_after_values(value: str, seconds: float | None) -> None:
    assert retry_after_seconds(value) == seconds


def test_retry_after_dates_without_a_zone_and_in_the_past() -> None:
    past = format_datetime(datetime.now(UTC) - timedelta(days=1), usegmt=True)
    assert retry_after_seconds(past) == 0.0
    naive = (datetime.now(UTC) + timedelta(minutes=10)).strftime("%a, %d %b %Y %H:%M:%S -0000")
    wait = retry_after_seconds(naive)
    assert wait is not None and 500 < wait <= 600

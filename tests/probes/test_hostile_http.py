"""The bounded fetch against servers that misbehave: each case ends with the right finding
and within its deadline. Discovery is the probe under test; the rules hold for every request.
"""

from __future__ import annotations

import asyncio
import gzip
import ssl
import zlib
from collections.abc import Callable

import pytest

from tests.probes.helpers import (
    DEADLINE_S,
    LATE_TOLERANCE_MS,
    assert_verdict,
    discovery_doc,
    make_spec,
    serve_provider,
    timed_probe,
)
from tests.probes.servers import (
    LoopbackServer,
    Request,
    drip_handler,
    redirect_handler,
    respond,
)
from vendortui.app.probes.http import ProbeClient, ProbeHttpError
from vendortui.models.enums import ProbeKind, ProbeOutcome

Serve = Callable[..., LoopbackServer]
DISCOVERY = ProbeKind.OIDC_DISCOVERY
WELL_KNOWN = "/.well-known/openid-configuration"
FIFTY_MB = 50 * 1024 * 1024


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """50 MB of zeros, gzipped to about 50 KB."""
    return gzip.compress(b"\0" * FIFTY_MB, compresslevel=9)


def _route(server: LoopbackServer, handler) -> str:
    server.routes[WELL_KNOWN] = handler
    return server.base_url


async def _probe(issuer: str, **kwargs):
    return await timed_probe(make_spec(DISCOVERY, issuer, **kwargs))


async def test_invalid_json(serve: Serve) -> None:
    async def handler(_req: Request, writer: asyncio.StreamWriter) -> None:
        await respond(writer, 200, b'{"issuer": ', {"Content-Type": "application/json"})

    report, elapsed = await _probe(_route(serve(), handler))
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "http.invalid_json")


async def test_html_login_page(serve: Serve) -> None:
    async def handler(_req: Request, writer: asyncio.StreamWriter) -> None:
        page = b"<html><form action=/login><input name=password></form></html>"
        await respond(writer, 200, page, {"Content-Type": "text/html; charset=utf-8"})

    report, elapsed = await _probe(_route(serve(), handler))
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "http.html_page")


async def test_50_mb_with_content_length_is_refused_before_reading(serve: Serve) -> None:
    async def handler(_req: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(f"HTTP/1.1 200 OK\r\nContent-Length: {FIFTY_MB}\r\n\r\n".encode())
        chunk = b" " * 65536
        for _ in range(FIFTY_MB // len(chunk)):
            writer.write(chunk)
            await writer.drain()

    report, elapsed = await _probe(_route(serve(), handler))
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "http.too_large")


async def test_50_mb_without_content_length_is_cut_at_the_cap(serve: Serve) -> None:
    async def handler(_req: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
        )
        chunk = b" " * 65536
        for _ in range(FIFTY_MB // len(chunk)):
            writer.write(chunk)
            await writer.drain()

    report, elapsed = await _probe(_route(serve(), handler))
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "http.too_large")


async def test_50_mb_chunked_is_cut_at_the_cap(serve: Serve) -> None:
    async def handler(_req: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b" " * 65536
        for _ in range(FIFTY_MB // len(chunk)):
            writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            await writer.drain()

    report, elapsed = await _probe(_route(serve(), handler))
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "http.too_large")


async def test_gzip_bomb(serve: Serve, gzip_bomb: bytes) -> None:
    async def handler(_req: Request, writer: asyncio.StreamWriter) -> None:
        headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
        await respond(writer, 200, gzip_bomb, headers)

    report, elapsed = await _probe(_route(serve(), handler))
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "http.too_large")


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
async def test_small_compressed_documents_are_fine(serve: Serve, encoding: str) -> None:
    import json

    server = serve()
    serve_provider(server)
    raw = json.dumps(discovery_doc(server.base_url)).encode()
    body = gzip.compress(raw) if encoding == "gzip" else zlib.compress(raw)

    async def handler(_req: Request, writer: asyncio.StreamWriter) -> None:
        await respond(writer, 200, body, {"Content-Encoding": encoding})

    report, elapsed = await _probe(_route(server, handler))
    assert_verdict(report, elapsed, ProbeOutcome.PASS, "jwks.summary")


async def test_one_byte_per_second_drip(serve: Serve) -> None:
    """Each byte comes well within httpx's per-phase read timeout: only a total deadline ends it."""

    deadline = 2.5  # above one byte's gap, so per-phase timeouts alone would never fire
    report, elapsed = await _probe(_route(serve(), drip_handler(1.0)), timeout_s=deadline)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "http.stalled", budget_s=deadline)


async def test_header_drip(serve: Serve) -> None:
    async def handler(_req: Request, writer: asyncio.StreamWriter) -> None:
        for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000:
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(1 / 4)

    report, elapsed = await _probe(_route(serve(), handler))
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "http.stalled")


async def test_silence_after_the_request_is_the_vendors_stall(serve: Serve) -> None:
    """The server took the request and says nothing: it is reachable, so it is its fault."""

    async def handler(_req: Request, _writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(3600)

    report, elapsed = await _probe(_route(serve(), handler))
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "http.stalled")
    assert "check your connection" not in report.findings[0].hint.lower()


async def test_no_tls_handshake_is_unreachable_not_a_stall(ca_file: str) -> None:
    """A port that accepts TCP but never completes TLS: we never got through to a server."""
    accepted: list[asyncio.StreamWriter] = []

    async def mute(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)

    server = await asyncio.start_server(mute, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        report, elapsed = await _probe(f"https://127.0.0.1:{port}", ca_file=ca_file)
    finally:
        server.close()
        for writer in accepted:
            writer.close()
    assert_verdict(report, elapsed, ProbeOutcome.UNREACHABLE, "net.timeout")
    assert "http.stalled" not in [f.check_id for f in report.findings]


async def test_redirect_loop(serve: Serve) -> None:
    server = serve()
    server.routes[WELL_KNOWN] = redirect_handler("/loop")
    server.routes["/loop"] = redirect_handler(WELL_KNOWN)
    report, elapsed = await _probe(server.base_url)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "http.too_many_redirects")


async def test_same_origin_redirect_is_followed(serve: Serve) -> None:
    server = serve()
    serve_provider(server)
    server.routes["/moved"] = server.routes[WELL_KNOWN]
    server.routes[WELL_KNOWN] = redirect_handler("/moved", 301)
    report, elapsed = await _probe(server.base_url)
    assert_verdict(report, elapsed, ProbeOutcome.PASS, "jwks.summary")


async def test_redirect_to_plain_http(serve: Serve, tls_good: ssl.SSLContext, ca_file: str) -> None:
    server = serve(ssl_context=tls_good)
    plain = serve()
    serve_provider(plain)
    server.routes[WELL_KNOWN] = redirect_handler(plain.base_url + WELL_KNOWN)
    report, elapsed = await _probe(server.base_url, ca_file=ca_file)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "http.redirect_insecure")
    assert plain.requests == []


async def test_redirect_to_another_host(serve: Serve) -> None:
    server = serve()
    other = serve()
    serve_provider(other)
    server.routes[WELL_KNOWN] = redirect_handler(other.base_url + WELL_KNOWN)
    report, elapsed = await _probe(server.base_url)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "http.redirect_cross_origin")
    assert other.requests == []


async def test_server_error(serve: Serve) -> None:
    async def handler(_req: Request, writer: asyncio.StreamWriter) -> None:
        await respond(writer, 500, b"oops")

    report, elapsed = await _probe(_route(serve(), handler))
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "http.server_error")


async def test_rate_limited_with_retry_after_is_a_warning(serve: Serve) -> None:
    async def handler(_req: Request, writer: asyncio.StreamWriter) -> None:
        await respond(writer, 429, b"slow down", {"Retry-After": "120"})

    server = serve()
    report, elapsed = await _probe(_route(server, handler))
    assert_verdict(report, elapsed, ProbeOutcome.WARN, "http.rate_limited")
    assert "retry after 120 s" in report.findings[0].message
    assert len(server.requests) == 1  # polite: no hammering


async def test_not_found(serve: Serve) -> None:
    report, elapsed = await _probe(serve().base_url)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "http.status")


@pytest.mark.parametrize("fixture", ["tls_expired", "tls_wrong_host", "tls_self_signed"])
async def test_bad_certificates(
    serve: Serve, ca_file: str, fixture: str, request: pytest.FixtureRequest
) -> None:
    server = serve(ssl_context=request.getfixturevalue(fixture))
    serve_provider(server)
    report, elapsed = await _probe(server.base_url, ca_file=ca_file)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "tls.certificate")


async def test_dns_failure_is_unreachable_not_fail() -> None:
    report, elapsed = await _probe("https://login.vendor.invalid")
    assert_verdict(report, elapsed, ProbeOutcome.UNREACHABLE, "net.dns")


async def test_connection_refused_is_unreachable(serve: Serve) -> None:
    server = serve()
    base = server.base_url
    server.stop()
    report, elapsed = await _probe(base)
    assert_verdict(report, elapsed, ProbeOutcome.UNREACHABLE, "net.refused")


async def test_transport_never_sends_plain_http_to_a_real_host() -> None:
    """Even with the loopback flag on, plain http to another host is refused before DNS."""
    client = ProbeClient(timeout_s=DEADLINE_S, max_bytes=1024, allow_insecure_loopback=True)
    try:
        with pytest.raises(ProbeHttpError) as caught:
            await client.get("http://login.vendor.invalid/.well-known/openid-configuration")
    finally:
        await client.aclose()
    assert caught.value.check_id == "http.plain_http_refused"


async def test_sweep_deadline_holds_under_load(serve: Serve) -> None:
    """Twenty silent servers at once: all run together, and each keeps its own deadline.

    Judged by the probes' own accounting (started_at, duration, late_ms), not by the test's
    wall clock, which a busy machine stretches.
    """
    from datetime import timedelta

    from vendortui.app.probes.sweep import sweep

    async def handler(_req: Request, _writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(3600)

    server = serve()
    server.routes[WELL_KNOWN] = handler
    specs = [make_spec(DISCOVERY, server.base_url) for _ in range(20)]
    reports = await sweep(specs, concurrency=20)
    assert all(r.outcome is ProbeOutcome.FAIL for r in reports)
    assert all(r.late_ms < LATE_TOLERANCE_MS for r in reports), [r.late_ms for r in reports]
    first_end = min(r.started_at + timedelta(milliseconds=r.duration_ms) for r in reports)
    assert max(r.started_at for r in reports) < first_end, "the probes ran one after another"


@pytest.mark.parametrize(
    "body",
    ["declared", "undeclared", "chunked", "gzip-bomb"],
)
async def test_the_cap_bounds_bytes_read_and_memory(
    serve: Serve, gzip_bomb: bytes, body: str
) -> None:
    """Proven on what was read and allocated, not on how long it took.

    With a 1 MiB cap: a declared 50 MB body is refused on its header (nothing of it read); an
    undeclared or chunked one is cut after at most the cap plus one network chunk; a gzip bomb
    stops after a few KiB of compressed input. Peak memory (tracemalloc, this process, the
    server thread included) stays within a small multiple of the cap.
    """
    import tracemalloc

    cap = 1 << 20
    chunk = b" " * 65536

    async def handler(_req: Request, writer: asyncio.StreamWriter) -> None:
        if body == "gzip-bomb":
            headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
            await respond(writer, 200, gzip_bomb, headers)
            return
        head = {
            "declared": f"Content-Length: {FIFTY_MB}\r\n",
            "undeclared": "Connection: close\r\n",
            "chunked": "Transfer-Encoding: chunked\r\n",
        }[body]
        writer.write(f"HTTP/1.1 200 OK\r\n{head}\r\n".encode())
        for _ in range(FIFTY_MB // len(chunk)):
            writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if body == "chunked" else chunk)
            await writer.drain()

    server = serve()
    server.routes[WELL_KNOWN] = handler
    client = ProbeClient(timeout_s=10.0, max_bytes=cap, allow_insecure_loopback=True)
    tracemalloc.start()
    try:
        with pytest.raises(ProbeHttpError) as caught:
            await client.get(server.base_url + WELL_KNOWN)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        await client.aclose()
    assert caught.value.check_id == "http.too_large"
    read = client.transport.bytes_read
    limit = {"declared": 0, "gzip-bomb": 128 << 10}.get(body, cap + 2 * len(chunk))
    assert read <= limit, f"read {read} bytes"
    assert peak < 4 * cap, f"peak {peak / 2**20:.1f} MiB"

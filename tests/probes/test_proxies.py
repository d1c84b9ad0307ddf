"""Probes through a real CONNECT proxy (``tests/probes/proxy.py``) to the real OpenID Provider
and to hostile loopback servers, with trustme TLS inside the tunnel.

Each test counts the proxy's tunnels, so "went through the proxy" and "bypassed it" are facts
about sockets, not about what the report claims. The report's own ``http.proxy`` finding is
checked against them.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable, Iterator

import pytest

from tests.probes.conftest import LeakStore, OpenIdProvider
from tests.probes.helpers import (
    assert_verdict,
    ids,
    make_spec,
    serve_provider,
    timed_probe,
)
from tests.probes.leaks import leaked
from tests.probes.proxy import ConnectProxy
from tests.probes.servers import LoopbackServer, Request, drip_handler, respond
from vendortui.app.probes.proxies import proxy_map, shown
from vendortui.models.enums import ProbeKind, ProbeOutcome

Serve = Callable[..., LoopbackServer]
DISCOVERY = ProbeKind.OIDC_DISCOVERY
CC = ProbeKind.CLIENT_CREDENTIALS
WELL_KNOWN = "/.well-known/openid-configuration"
USER, PASSWORD = "probe-user", "Pr0xy-pa55word-never-shown"


@pytest.fixture
def proxy() -> Iterator[Callable[..., ConnectProxy]]:
    """Start CONNECT proxies for one test (stopped after it)."""
    started: list[ConnectProxy] = []

    def start(**options: object) -> ConnectProxy:
        server = ConnectProxy(**options).start()  # type: ignore[arg-type]
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def _https_spec(op: OpenIdProvider, **overrides: object):  # type: ignore[no-untyped-def]
    values: dict[str, object] = {"ca_file": op.ca_file, "allow_insecure_loopback": False}
    return make_spec(DISCOVERY, op.issuer, **{**values, **overrides})


def _proxy_notes(report) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.message for f in report.findings if f.check_id == "http.proxy"]


async def test_https_proxy_variable_tunnels_to_the_real_provider(
    op_https: OpenIdProvider, proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    relay = proxy()
    monkeypatch.setenv("HTTPS_PROXY", relay.url)
    report, elapsed = await timed_probe(_https_spec(op_https))
    assert_verdict(report, elapsed, ProbeOutcome.PASS, "jwks.summary")
    host = op_https.issuer.removeprefix("https://").split("/")[0]
    assert relay.tunnels and set(relay.tunnels) == {host}
    assert _proxy_notes(report) == [
        f"went through the proxy {relay.url} (set in HTTPS_PROXY), TLS verified end to end"
    ]


async def test_client_credentials_token_post_goes_through_the_tunnel(
    op_https: OpenIdProvider, proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Authlib's token request and the API call ride the same guarded, proxied transport."""
    relay = proxy()
    monkeypatch.setenv("https_proxy", relay.url)  # lower case is honoured too
    spec = make_spec(
        CC,
        op_https.issuer,
        client_id="machine",
        audience="https://api.test",
        api_url=op_https.issuer + "/api/ping",
        ca_file=op_https.ca_file,
        secret_ref="acme/machine",
        allow_insecure_loopback=False,
    )
    report, elapsed = await timed_probe(spec, secret=op_https.machine_secret)
    assert_verdict(report, elapsed, ProbeOutcome.PASS, "api.ok")
    assert len(relay.tunnels) >= 1 and "http.proxy" in ids(report)


async def test_the_vendor_certificate_is_still_verified_inside_the_tunnel(
    op_https: OpenIdProvider, proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the CA that signed the provider's certificate, the tunnel opens and TLS fails:
    the proxy changes the route, never the trust."""
    relay = proxy()
    monkeypatch.setenv("HTTPS_PROXY", relay.url)
    report, elapsed = await timed_probe(_https_spec(op_https, ca_file=""))
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "tls.certificate")
    assert relay.tunnels, "the request did go through the proxy"
    [failure] = [f for f in report.findings if f.check_id == "tls.certificate"]
    assert f"Through the proxy {relay.url}" in failure.hint


async def test_no_proxy_bypasses_the_proxy(
    op_https: OpenIdProvider, proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    relay = proxy()
    monkeypatch.setenv("HTTPS_PROXY", relay.url)
    monkeypatch.setenv("NO_PROXY", "example.com, 127.0.0.0/8")
    report, elapsed = await timed_probe(_https_spec(op_https))
    assert_verdict(report, elapsed, ProbeOutcome.PASS, "jwks.summary")
    assert relay.tunnels == [] and _proxy_notes(report) == []


async def test_an_explicit_proxy_replaces_the_environment_and_keeps_no_proxy(
    op_https: OpenIdProvider, proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment, configured = proxy(), proxy(credentials=(USER, PASSWORD))
    monkeypatch.setenv("HTTPS_PROXY", environment.url)
    with_credentials = f"http://{USER}:{PASSWORD}@127.0.0.1:{configured.port}"
    spec = _https_spec(op_https, proxy=with_credentials)
    report, elapsed = await timed_probe(spec)
    assert_verdict(report, elapsed, ProbeOutcome.PASS, "jwks.summary")
    assert environment.tunnels == [] and configured.tunnels
    assert _proxy_notes(report) == [
        f"went through the proxy {configured.url} (set in the probe settings), "
        "TLS verified end to end"
    ]
    assert PASSWORD not in repr(spec) and PASSWORD not in repr(report)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    report, elapsed = await timed_probe(spec)
    assert_verdict(report, elapsed, ProbeOutcome.PASS, "jwks.summary")
    assert len(configured.tunnels) == len(set(configured.tunnels)) == 1, "no new tunnel"


async def test_direct_turns_the_environment_proxy_off(
    op_https: OpenIdProvider, proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    relay = proxy()
    monkeypatch.setenv("HTTPS_PROXY", relay.url)
    report, elapsed = await timed_probe(_https_spec(op_https, proxy="direct"))
    assert_verdict(report, elapsed, ProbeOutcome.PASS, "jwks.summary")
    assert relay.tunnels == []


async def test_a_proxy_that_echoes_credentials_never_gets_them_into_the_report(
    op_https: OpenIdProvider, proxy, leak_store: LeakStore
) -> None:
    """Wrong credentials: the proxy answers 407 with the Proxy-Authorization it got as its
    reason phrase. The probe is unreachable (not the vendor's failure), the finding names the
    proxy without credentials, and nothing stored, dumped or committed holds them."""
    relay = proxy(credentials=(USER, "the-right-one"), echo=True)
    spec = _https_spec(op_https, proxy=f"http://{USER}:{PASSWORD}@127.0.0.1:{relay.port}")
    report, elapsed = await timed_probe(spec)
    assert_verdict(report, elapsed, ProbeOutcome.UNREACHABLE, "net.proxy")
    assert relay.refused and relay.tunnels == []
    [finding] = [f for f in report.findings if f.check_id == "net.proxy"]
    assert finding.message.startswith(f"the proxy {relay.url} (set in the probe settings)")
    places = {"report": repr(report), "spec": repr(spec), **leak_store.keep(report)}
    for place, content in places.items():
        assert leaked(content, PASSWORD, USER) == [], f"proxy credentials in the {place}"


async def test_an_unreachable_proxy_is_unreachable_not_a_vendor_failure(
    op_https: OpenIdProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("HTTPS_PROXY", f"127.0.0.1:{port}")  # no scheme: http:// is assumed
    report, elapsed = await timed_probe(_https_spec(op_https))
    assert_verdict(report, elapsed, ProbeOutcome.UNREACHABLE, "net.proxy")
    assert f"could not connect to the proxy http://127.0.0.1:{port}" in report.findings[0].message


async def test_a_silent_proxy_is_a_timeout_within_the_deadline_not_a_stalled_vendor(
    op_https: OpenIdProvider, proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CONNECT request was sent, but to the proxy: a stall then is ``net.timeout``."""
    relay = proxy(silent=True)
    monkeypatch.setenv("HTTPS_PROXY", relay.url)
    report, elapsed = await timed_probe(_https_spec(op_https, timeout_s=1.0))
    assert_verdict(report, elapsed, ProbeOutcome.UNREACHABLE, "net.timeout", budget_s=1.0)
    assert "http.stalled" not in ids(report)
    assert "through the proxy" in report.findings[0].message


async def test_limits_hold_through_the_tunnel(
    serve: Serve, tls_good, ca_file: str, proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A vendor that drips its answer through the proxy is ``http.stalled`` by the deadline;
    one sending a body over the cap is ``http.too_large``: the tunnel changes no limit."""
    relay = proxy()
    monkeypatch.setenv("HTTPS_PROXY", relay.url)
    dripping = serve(ssl_context=tls_good)
    dripping.routes[WELL_KNOWN] = drip_handler(0.2, 100)
    spec = make_spec(
        DISCOVERY, dripping.base_url, ca_file=ca_file, allow_insecure_loopback=False, timeout_s=1.0
    )
    report, elapsed = await timed_probe(spec)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "http.stalled", budget_s=1.0)

    async def huge(_req: Request, writer: asyncio.StreamWriter) -> None:
        await respond(writer, 200, b"{" + b" " * (2 << 20) + b"}")

    big = serve(ssl_context=tls_good)
    big.routes[WELL_KNOWN] = huge
    spec = make_spec(DISCOVERY, big.base_url, ca_file=ca_file, allow_insecure_loopback=False)
    report, elapsed = await timed_probe(spec)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "http.too_large")
    assert len(relay.tunnels) == 2


async def test_a_proxy_setting_that_cannot_be_used_is_one_sentence(
    serve: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = serve()
    serve_provider(server)
    report, _ = await timed_probe(
        make_spec(DISCOVERY, server.base_url, proxy=f"socks5://{USER}:{PASSWORD}@127.0.0.1:1080")
    )
    assert report.outcome is ProbeOutcome.ERROR and ids(report) == ["probe.proxy"]
    assert "socks5://127.0.0.1:1080" in report.findings[0].message
    assert PASSWORD not in report.findings[0].message and server.requests == []
    monkeypatch.setenv("HTTP_PROXY", "http://[::1:3128")
    report, _ = await timed_probe(make_spec(DISCOVERY, server.base_url))
    assert ids(report) == ["probe.proxy"] and server.requests == []
    assert report.findings[0].message == (
        "the proxy set in HTTP_PROXY is not a valid URL; use http://host:port"
    )


def test_shown_never_includes_credentials_or_paths() -> None:
    assert shown("http://u:p@proxy.corp:3128/x?y=1") == "http://proxy.corp:3128"
    assert shown("proxy.corp:8080") == "http://proxy.corp:8080"
    assert shown("https://[::1]:8443") == "https://[::1]:8443"


def test_proxy_map_reads_the_variables_like_httpx(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://p:1")
    monkeypatch.setenv("NO_PROXY", "internal.example,10.0.0.0/8")
    routes = proxy_map()
    assert routes["https://"] is not None and routes["https://"].source == "HTTPS_PROXY"
    assert routes["all://*internal.example"] is None and routes["all://10.0.0.0/8"] is None
    assert proxy_map("direct") == {}
    monkeypatch.setenv("NO_PROXY", "*")
    assert proxy_map() == {} and proxy_map("http://q:2") == {}


async def test_the_config_files_probe_proxy_reaches_every_stored_probe(
    op_https: OpenIdProvider, proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``[probes] proxy`` in config.toml is what ``ProbeService.spec`` hands the engine, and it
    wins over ``HTTPS_PROXY`` (the file is the user's own choice for probes)."""
    from vendortui.app.config.locate import config_path
    from vendortui.app.probes.store import ProbeService
    from vendortui.models import ProbeConfig

    environment, configured = proxy(), proxy()
    monkeypatch.setenv("HTTPS_PROXY", environment.url)
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'[probes]\nproxy = "{configured.url}"\n', encoding="utf-8")
    stored = ProbeConfig(
        vendor_id="v", name="okta", kind="oidc_discovery", issuer=op_https.issuer,
        ca_file=op_https.ca_file,
    )  # fmt: skip
    spec = ProbeService.spec(stored)
    assert spec.proxy == configured.url
    report, elapsed = await timed_probe(spec)
    assert_verdict(report, elapsed, ProbeOutcome.PASS, "jwks.summary")
    assert environment.tunnels == [] and configured.tunnels
    assert _proxy_notes(report) == [
        f"went through the proxy {configured.url} (set in the probe settings), "
        "TLS verified end to end"
    ]

"""Which proxy (if any) a probe request goes through, and how a proxy is named in a report.

Probes honour the usual variables: ``HTTPS_PROXY`` / ``HTTP_PROXY`` / ``ALL_PROXY`` (upper or
lower case) and ``NO_PROXY`` (host names, ``.domain`` suffixes, IP addresses, CIDR ranges,
``*``), read the way httpx reads them. A proxy passed in by the caller (``ProbeSpec.proxy``,
from the configuration) replaces the ``*_PROXY`` variables for every scheme, while
``NO_PROXY`` still exempts its hosts; ``direct`` turns proxies off whatever the environment
says. An https request through a proxy is a CONNECT tunnel: TLS runs end to end with the
vendor, verified against the same trust store and CA file as a direct request, and every
limit (deadline, body cap, redirects) applies unchanged because the tunnel sits below
``GuardedTransport``.

A proxy URL may carry credentials (``http://user:pass@proxy:3128``); they go only into the
CONNECT request's ``Proxy-Authorization``. Reports name a proxy by ``shown()`` (scheme, host and
port), and the runner adds the credentials' forms to the report's redaction list, so a proxy
echoing them back is masked too.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from urllib.parse import unquote
from urllib.request import getproxies

import httpx2

# URLPattern and the environment reader are httpx2's own (the same rules as any httpx client);
# they are not re-exported at the top level.
from httpx2._utils import URLPattern, get_environment_proxies

from vendortui.app.probes.redaction import secret_forms

DIRECT = "direct"
"""The proxy setting that turns proxies off, even when the environment names one."""
_ENV_NAMES = {"http://": "HTTP_PROXY", "https://": "HTTPS_PROXY", "all://": "ALL_PROXY"}
_SCHEMES = ("http", "https")
"""Proxy protocols we speak (SOCKS would need another dependency)."""


class ProxySettingError(ValueError):
    """A proxy setting that cannot be used; the message is one sentence without credentials."""


@dataclass(frozen=True, slots=True)
class ProxyChoice:
    """One proxy URL and where it was set (``HTTPS_PROXY``, ``the probe settings``)."""

    url: str
    source: str

    @property
    def shown(self) -> str:
        """The proxy as a report names it: scheme, host and port, never credentials."""
        return shown(self.url)

    def secrets(self) -> list[str]:
        """Every form in which the proxy's credentials may travel (for redaction)."""
        try:
            parsed = httpx2.URL(self.url)
        except (httpx2.InvalidURL, ValueError):
            return []  # refused before any request (``_tunnel``); its message quotes no URL
        user, password = unquote(parsed.username or ""), unquote(parsed.password or "")
        return secret_forms(user, password) if password else []


def shown(url: str) -> str:
    """``scheme://host:port`` of a proxy URL, without user, password, path or query."""
    try:
        parsed = httpx2.URL(url if "://" in url else f"http://{url}")
    except (httpx2.InvalidURL, ValueError):
        return "(an invalid proxy URL)"
    port = f":{parsed.port}" if parsed.port else ""
    host = f"[{parsed.host}]" if ":" in parsed.host else parsed.host
    return f"{parsed.scheme}://{host}{port}"


def proxy_map(explicit: str = "") -> dict[str, ProxyChoice | None]:
    """URL pattern -> the proxy for it (None: go direct), from ``explicit`` and the environment.

    ``explicit`` empty: the environment decides. A URL: it serves every scheme, ``NO_PROXY``
    still applies. ``direct``: no proxy at all.
    """
    explicit = explicit.strip()
    if explicit.lower() == DIRECT:
        return {}
    if "*" in (host.strip() for host in getproxies().get("no", "").split(",")):
        return {}  # NO_PROXY=*: nothing goes through a proxy, a configured one included
    environment = get_environment_proxies()
    bypass: dict[str, ProxyChoice | None] = {k: None for k, v in environment.items() if v is None}
    if explicit:
        url = explicit if "://" in explicit else f"http://{explicit}"
        return {"all://": ProxyChoice(url, "the probe settings"), **bypass}
    return {
        key: None if url is None else ProxyChoice(url, _ENV_NAMES.get(key, "the environment"))
        for key, url in environment.items()
    }


@dataclass(frozen=True, slots=True)
class Route:
    """Where one request goes: ``transport`` None means direct."""

    transport: httpx2.AsyncHTTPTransport | None
    proxy: ProxyChoice | None


class ProxyRoutes:
    """One pooled transport per proxy, picked per request URL (most specific pattern first)."""

    def __init__(
        self, proxies: dict[str, ProxyChoice | None], verify: ssl.SSLContext, max_connections: int
    ) -> None:
        routes: dict[URLPattern, Route] = {}
        for key, choice in proxies.items():
            try:
                pattern = URLPattern(key)
            except (httpx2.InvalidURL, ValueError):
                raise ProxySettingError(
                    f"the NO_PROXY entry {key.removeprefix('all://')!r} is not a host name, "
                    "address or network; fix or remove it"
                ) from None
            transport = None if choice is None else _tunnel(choice, verify, max_connections)
            routes[pattern] = Route(transport, choice)
        self._routes = dict(sorted(routes.items()))

    def route(self, url: httpx2.URL) -> Route:
        """The route of the most specific matching pattern, direct when none matches."""
        for pattern, route in self._routes.items():
            if pattern.matches(url):
                return route
        return Route(None, None)

    async def aclose(self) -> None:
        """Close every proxy's connection pool."""
        for route in self._routes.values():
            if route.transport is not None:
                await route.transport.aclose()


def _tunnel(
    choice: ProxyChoice, verify: ssl.SSLContext, max_connections: int
) -> httpx2.AsyncHTTPTransport:
    """A transport through ``choice``: the vendor's TLS verified with ``verify`` inside the
    tunnel; an https proxy's own certificate checked against the same context."""
    try:
        url = httpx2.URL(choice.url)
    except (httpx2.InvalidURL, ValueError):
        raise ProxySettingError(
            f"the proxy set in {choice.source} is not a valid URL; use http://host:port"
        ) from None
    if url.scheme not in _SCHEMES or not url.host:
        raise ProxySettingError(
            f"the proxy {choice.shown} (set in {choice.source}) is not an http:// or https:// "
            "proxy; vendortui speaks HTTP CONNECT proxies only"
        )
    return httpx2.AsyncHTTPTransport(
        verify=verify,
        # httpcore refuses an SSL context for a plain-http proxy (the tunnel carries our TLS).
        proxy=httpx2.Proxy(url=url, ssl_context=verify if url.scheme == "https" else None),
        limits=httpx2.Limits(max_connections=max_connections),
        retries=0,
    )

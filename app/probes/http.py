"""The only way probes talk to the network: bounded, verified, and honest about failure.

Rules enforced here, whatever the probe code above does:

* a total deadline per logical request (``asyncio.timeout``), because httpx's ``timeout=``
  bounds each phase and a server dripping one byte a second never trips it;
* a cap on *decoded* bytes, enforced while streaming and while inflating (a 50 KB gzip body can
  expand to 50 MB), so memory never exceeds the cap;
* verified TLS from the system trust store (plus an optional per-probe CA file);
* only https, except plain http to a loopback address when ``allow_insecure_loopback`` is set
  (tests): nothing at all, and so no credential, is ever sent over plain http to a real host;
* at most ``MAX_REDIRECTS`` same-origin redirects, never to plain http or another host;
* JSON bodies are parsed off the event loop and refused past ``jsondoc.MAX_DEPTH`` levels;
* a server that took the request and then stalled is ``http.stalled`` (its fault), distinct
  from ``net.timeout`` (we never got through to it: unreachable);
* proxies from the environment or the probe's settings (``proxies.py``): an https request is a
  CONNECT tunnel with the vendor's TLS verified inside it, under every rule above;
* a 429 or 503 answer with ``Retry-After`` is retried once, only when the wait ends before the
  request's deadline; otherwise the finding says how long the server asked for.

Failures surface as ``ProbeHttpError`` carrying a check id: ``net.*`` means we could not reach
the server (unreachable, not the vendor's fault), anything else is something the server did.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import socket
import ssl
import zlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx2
from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError

from vendortui.app.probes import jsondoc
from vendortui.app.probes.findings import Severity
from vendortui.app.probes.proxies import ProxyChoice, ProxyRoutes
from vendortui.app.probes.redaction import quoted
from vendortui.app.probes.timing import Timing

MAX_REDIRECTS = 3
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ACCEPT_ENCODING = "gzip, deflate"
USER_AGENT = "vendortui-probe/1"
_DROPPED_HEADERS = frozenset({b"content-encoding", b"content-length", b"transfer-encoding"})
RETRY_STATUSES = frozenset({429, 503})
RETRY_NOTE = "vendortui.retry"
"""Response extension: what became of a Retry-After (retried, or why not), for the finding."""
MAX_CONNECTIONS = 4

T = TypeVar("T")


class ProbeHttpError(Exception):
    """A request did not yield a usable answer; ``check_id`` says why, ``net.*`` = unreachable."""

    def __init__(
        self, check_id: str, message: str, hint: str = "", severity: Severity = Severity.ERROR
    ) -> None:
        super().__init__(message)
        self.check_id = check_id
        self.message = message
        self.hint = hint
        self.severity = severity


class TokenEndpointError(Exception):
    """The token (or device) endpoint answered with an OAuth error object.

    Both members are the server's, of any JSON type: findings show them with ``Recorder.quote``
    (redacted before they are cut, visibly escaped). ``error`` is compared as-is, so a
    non-string never matches a known code.
    """

    def __init__(self, error: object, description: object) -> None:
        super().__init__("token endpoint error")
        self.error = error
        self.description = description


def is_loopback_host(host: str) -> bool:
    """127.0.0.0/8, ::1 or the name localhost."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_secure_url(url: str, allow_insecure_loopback: bool = False) -> bool:
    """https, or http to loopback when the (test-only) flag allows it."""
    try:
        parsed = urlsplit(url)
        host = parsed.hostname or ""
    except ValueError:
        return False
    if parsed.scheme == "https" and host:
        return True
    return allow_insecure_loopback and parsed.scheme == "http" and is_loopback_host(host)


@lru_cache(maxsize=32)
def ssl_context(ca_file: str = "") -> ssl.SSLContext:
    """The verifying client context: system trust store, plus ``ca_file`` when configured.

    Cached because loading the system store costs milliseconds and a sweep runs hundreds of
    probes; an ``SSLContext`` is safe to share between connections.
    """
    ctx = httpx2.create_ssl_context(verify=True, trust_env=False)
    if ca_file:
        ctx.load_verify_locations(cafile=ca_file)
    return ctx


class _BoundedDecoder:
    """Inflate gzip/deflate without ever producing more than ``limit`` bytes in memory."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.total = 0
        if encoding in ("", "identity"):
            self._zlib = None
        elif encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj(32 + zlib.MAX_WBITS)
        else:
            raise ProbeHttpError(
                "http.bad_encoding",
                f"the server used an unsupported content encoding ({encoding})",
                "We only ask for gzip or deflate; the server ignored Accept-Encoding.",
            )

    def feed(self, data: bytes) -> bytes:
        """Decode one chunk; raise ``http.too_large`` the moment the cap is passed."""
        if self._zlib is None:
            out = data
        else:
            try:
                out = self._zlib.decompress(data, self.limit - self.total + 1)
            except zlib.error as exc:
                raise ProbeHttpError(
                    "http.bad_encoding", f"the compressed body is corrupt ({exc})"
                ) from None
            if self._zlib.unconsumed_tail:
                out += b"x"  # more output pending: certainly over the cap
        self.total += len(out)
        if self.total > self.limit:
            raise _too_large(self.limit)
        return out


def _too_large(limit: int) -> ProbeHttpError:
    return ProbeHttpError(
        "http.too_large",
        f"the response body is larger than {limit // 1024} KiB once decoded",
        "A metadata document this big is almost certainly wrong (or a decompression bomb).",
    )


class GuardedTransport(httpx2.AsyncBaseTransport):
    """Wraps httpx's transport: refuses plain http, reads and decodes bodies under a cap.

    Sitting at the transport level means every request, including the ones Authlib makes for
    token exchanges, obeys the same rules. The response handed back is fully read and already
    decoded (``Content-Encoding`` removed), so httpx never inflates anything itself.
    """

    def __init__(
        self,
        max_bytes: int,
        allow_insecure_loopback: bool,
        ca_file: str,
        timing: Timing,
        proxies: dict[str, ProxyChoice | None] | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self.allow_insecure_loopback = allow_insecure_loopback
        self.timing = timing
        self.bytes_read = 0
        self.connected = False
        self.via: ProxyChoice | None = None
        """The proxy of the latest request (None: direct), for ``classify``."""
        self.used: dict[str, ProxyChoice] = {}
        """Every proxy a request went through, by ``shown`` name, for the report."""
        self.notes: list[str] = []
        """Retries that happened (the report says the server throttled or was down a moment)."""
        self._sending_connect = False
        verify = ssl_context(ca_file)
        self._routes = ProxyRoutes(proxies or {}, verify, MAX_CONNECTIONS)
        self._inner = httpx2.AsyncHTTPTransport(
            verify=verify, limits=httpx2.Limits(max_connections=MAX_CONNECTIONS), retries=0
        )

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        """Send one request after the plain-http check, then read the capped, decoded body."""
        if not is_secure_url(str(request.url), self.allow_insecure_loopback):
            raise ProbeHttpError(
                "http.plain_http_refused",
                f"refused to send a request over plain http to {request.url.host}",
                "Use the https URL; vendortui never talks plain http to a real host.",
            )
        request.headers["Accept-Encoding"] = ACCEPT_ENCODING
        request.extensions["trace"] = self._trace
        await request.aread()  # a body kept in memory can be sent again on a retry
        route = self._routes.route(request.url)
        self.via = route.proxy
        if route.proxy is not None:
            self.used.setdefault(route.proxy.shown, route.proxy)
        inner = route.transport or self._inner
        with self.timing.wire():
            response, body = await self._exchange(inner, request)
            note = ""
            wait = retry_after_seconds(response.headers.get("retry-after"))
            if response.status_code in RETRY_STATUSES and wait is not None:
                left = self.timing.time_left()
                first = f"HTTP {response.status_code} from {request.url.host}"
                if wait < left:
                    await asyncio.sleep(wait)
                    response, body = await self._exchange(inner, request)
                    note = f"{first}: retried once after {wait:.3g} s, as its Retry-After asked"
                    if response.is_success:
                        self.notes.append(note)
                else:
                    note = (
                        f"it asked to retry after {wait:.0f} s, past this request's deadline "
                        f"({max(0.0, left):.1f} s left), so it was not retried"
                    )
        await check_json_body(bytes(body))
        headers = [(k, v) for k, v in response.headers.raw if k.lower() not in _DROPPED_HEADERS]
        return httpx2.Response(
            response.status_code,
            headers=headers,
            content=bytes(body),
            extensions={**response.extensions, RETRY_NOTE: note},
        )

    async def _trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's trace hook: once the request is sent, the server has been reached.

        Through a proxy the first request sent is the CONNECT: that reaches the proxy, not the
        vendor, so a stall then is the proxy's (unreachable), never ``http.stalled``.
        """
        if event.endswith("send_request_headers.started"):
            request = info.get("request")
            self._sending_connect = getattr(request, "method", b"") == b"CONNECT"
        elif event.endswith("send_request_headers.complete") and not self._sending_connect:
            self.connected = True

    async def _exchange(
        self, inner: httpx2.AsyncBaseTransport, request: httpx2.Request
    ) -> tuple[httpx2.Response, bytearray]:
        """Send, then read the body under the cap; counts the raw bytes read off the wire."""
        self.connected = False
        response = await inner.handle_async_request(request)
        try:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise _too_large(self.max_bytes)
            decoder = _BoundedDecoder(
                response.headers.get("content-encoding", "").strip().lower(), self.max_bytes
            )
            body = bytearray()
            async for chunk in response.stream:  # type: ignore[union-attr]
                self.bytes_read += len(chunk)
                body += decoder.feed(chunk)
        finally:
            await response.aclose()
        return response, body

    async def aclose(self) -> None:
        """Close the connection pools."""
        await self._inner.aclose()
        await self._routes.aclose()


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and everything it was raised from (TLS and DNS errors sit deep inside)."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def classify(
    exc: TimeoutError | httpx2.TransportError | ProbeHttpError,
    url: str,
    timeout_s: float,
    connected: bool = False,
    via: ProxyChoice | None = None,
) -> ProbeHttpError:
    """Turn a transport exception into a finding-ready error, separating unreachable from bad.

    ``connected`` says the request reached the server: a timeout after that is the server
    stalling (a failure of the vendor), not a network we could not get through. ``via`` is
    the proxy the request went through: failing to reach it, or its refusal to open a tunnel,
    is ``net.proxy`` (unreachable), and a certificate error may be the proxy's own.
    """
    if isinstance(exc, ProbeHttpError):
        return exc
    host = httpx2.URL(url).host
    if via is not None and not connected:
        problem = _proxy_problem(exc, host, via, timeout_s)
        if problem is not None:
            return problem
    if connected and isinstance(exc, TimeoutError | httpx2.ReadTimeout):
        return ProbeHttpError(
            "http.stalled",
            f"{host} took the request but gave no complete answer within {timeout_s:g} s",
            "The connection works: the vendor's server hangs or drips its answer; check their "
            "status page.",
        )
    if isinstance(exc, TimeoutError | httpx2.TimeoutException):
        return ProbeHttpError(
            "net.timeout",
            f"no complete answer from {host} within {timeout_s:g} s",
            "Check your connection; if it works, the server is hanging or very slow.",
            Severity.WARNING,
        )
    for cause in _causes(exc):
        if isinstance(cause, ssl.SSLCertVerificationError):
            reason = cause.verify_message or str(cause)
            behind = (
                f"Through the proxy {via.shown}: if it inspects TLS, set its CA as the probe's "
                "CA file; otherwise the vendor serves a bad certificate."
                if via is not None
                else "If you are behind a captive portal (hotel, plane), sign in to it and "
                "re-run; otherwise the vendor serves a bad certificate (or set the probe's CA "
                "file)."
            )
            return ProbeHttpError(
                "tls.certificate", f"the TLS certificate of {host} is not valid: {reason}", behind
            )
        if isinstance(cause, ssl.SSLError):
            return ProbeHttpError(
                "tls.handshake", f"the TLS handshake with {host} failed: {cause.reason or cause}"
            )
        if isinstance(cause, socket.gaierror):
            return ProbeHttpError(
                "net.dns",
                f"could not resolve {host}",
                "You may be offline, or the host name is wrong.",
                Severity.WARNING,
            )
        if isinstance(cause, ConnectionRefusedError):
            return ProbeHttpError(
                "net.refused", f"{host} refused the connection", "", Severity.WARNING
            )
    return ProbeHttpError(
        "net.connection",
        f"the connection to {host} failed ({type(exc).__name__})",
        "You may be offline or on a flaky network; re-run when connected.",
        Severity.WARNING,
    )


def _proxy_problem(
    exc: BaseException, host: str, via: ProxyChoice, timeout_s: float
) -> ProbeHttpError | None:
    """A failure before the vendor was reached through ``via``, when it is the proxy's."""
    proxy = f"the proxy {via.shown} (set in {via.source})"
    if isinstance(exc, httpx2.ProxyError):
        return ProbeHttpError(
            "net.proxy",
            f"{proxy} would not open a tunnel to {host}: {quoted(str(exc), 120)}",
            "Check the proxy's address and credentials, or list the host in NO_PROXY.",
            Severity.WARNING,
        )
    if isinstance(exc, TimeoutError | httpx2.TimeoutException):
        return ProbeHttpError(
            "net.timeout",
            f"no complete answer from {host} through {proxy} within {timeout_s:g} s",
            "Check that the proxy works; if it does, the server is hanging or very slow.",
            Severity.WARNING,
        )
    if isinstance(exc, httpx2.ConnectError) and not any(
        isinstance(cause, ssl.SSLError) for cause in _causes(exc)
    ):
        return ProbeHttpError(
            "net.proxy",
            f"could not connect to {proxy} ({type(exc).__name__})",
            "Check the proxy setting; you may be off the network that has this proxy.",
            Severity.WARNING,
        )
    return None


def _same_origin(a: httpx2.URL, b: httpx2.URL) -> bool:
    return (a.scheme, a.host, a.port) == (b.scheme, b.host, b.port)


def retry_after_seconds(value: str | None) -> float | None:
    """Parse Retry-After: delay seconds (ASCII digits only) or an HTTP date (a date without a
    zone is UTC, as HTTP dates are; a past date is 0). None when absent or unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def status_error(response: httpx2.Response, what: str) -> ProbeHttpError:
    """A non-2xx answer as a finding: 429 is a warning (we are throttled), 5xx/4xx errors."""
    status = response.status_code
    note = response.extensions.get(RETRY_NOTE, "")
    retry = f"; {note}" if note else ""
    if status == 429:
        if not note:
            wait = retry_after_seconds(response.headers.get("retry-after"))
            retry = f"; retry after {wait:.0f} s" if wait is not None else ""
        return ProbeHttpError(
            "http.rate_limited",
            f"{what}: the server is rate limiting us (HTTP 429{retry})",
            "Probe less often; this says nothing about the SSO itself.",
            Severity.WARNING,
        )
    if status >= 500:
        return ProbeHttpError(
            "http.server_error",
            f"{what}: the server failed (HTTP {status}{retry})",
            "The vendor's identity service is having trouble; check their status page.",
        )
    return ProbeHttpError(
        "http.status",
        f"{what}: unexpected HTTP {status} from {quoted(str(response.url), 160)}",
        "Check the URL in the probe configuration.",
    )


OFF_LOOP_BYTES = 64 << 10
"""Bodies from this size are parsed in a thread: below it a parse takes microseconds, less
than the thread hop, and cannot hold the event loop up."""


async def parse_off_loop(size: int, parse: Callable[..., T], *args: Any) -> T:
    """``parse(*args)`` in a thread when the body is big enough to matter, else right here."""
    if size < OFF_LOOP_BYTES:
        return parse(*args)
    return await asyncio.to_thread(parse, *args)


def _too_deep(what: str) -> ProbeHttpError:
    return ProbeHttpError(
        "http.json_too_deep",
        f"{what}: the JSON nests deeper than {jsondoc.MAX_DEPTH} levels",
        "No real metadata or token nests like this: a broken or hostile server.",
    )


async def check_json_body(body: bytes) -> None:
    """Refuse a too-deep JSON body before anything (Authlib included) parses it; off the loop."""
    if not jsondoc.looks_like_json(body):
        return
    try:
        await parse_off_loop(len(body), jsondoc.loads, body)
    except jsondoc.JsonTooDeep:
        raise _too_deep("the answer") from None
    except ValueError:
        return  # not JSON after all: the caller says what came back instead


def parse_json_object(response: httpx2.Response, what: str) -> dict[str, Any]:
    """The body as a JSON object, or a finding saying what came back instead."""
    try:
        value = jsondoc.loads(response.content)
    except jsondoc.JsonTooDeep:
        raise _too_deep(what) from None
    except ValueError:
        value = None
    if isinstance(value, dict):
        return value
    if "html" in response.headers.get("content-type", "").lower():
        raise ProbeHttpError(
            "http.html_page",
            f"{what}: got an HTML page instead of JSON",
            "A login wall, proxy or wrong URL answered; check the URL (and any captive portal).",
        )
    raise ProbeHttpError("http.invalid_json", f"{what}: the body is not a JSON object")


class ProbeClient:
    """One probe's HTTP client: bounded GETs with a redirect policy, and Authlib token calls.

    Built on Authlib's ``AsyncOAuth2Client`` (an httpx2 client) so token requests use Authlib's
    client authentication and parsing, while all bytes go through ``GuardedTransport``.
    """

    def __init__(
        self,
        *,
        timeout_s: float,
        max_bytes: int,
        allow_insecure_loopback: bool = False,
        ca_file: str = "",
        client_id: str = "",
        client_secret: str | None = None,
        timing: Timing | None = None,
        proxies: dict[str, ProxyChoice | None] | None = None,
    ) -> None:
        self.timeout_s = timeout_s
        self.timing = timing or Timing()
        self.transport = GuardedTransport(
            max_bytes, allow_insecure_loopback, ca_file, self.timing, proxies
        )
        # Probes switch to client_secret_post after discovery when that is all a provider takes.
        self.oauth = AsyncOAuth2Client(
            client_id=client_id or None,
            client_secret=client_secret,
            token_endpoint_auth_method="client_secret_basic" if client_secret else "none",
            transport=self.transport,
            timeout=httpx2.Timeout(timeout_s),
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING},
            trust_env=False,
        )

    async def aclose(self) -> None:
        """Release connections."""
        await self.oauth.aclose()

    async def bounded(self, url: str, awaitable: Awaitable[T]) -> T:
        """Run one logical request under the total deadline, mapping transport failures."""
        try:
            async with self.timing.deadline(self.timeout_s):
                return await awaitable
        except (TimeoutError, httpx2.TransportError, ProbeHttpError) as exc:
            raise classify(
                exc, url, self.timeout_s, self.transport.connected, self.transport.via
            ) from None

    async def get(self, url: str, *, headers: dict[str, str] | None = None) -> httpx2.Response:
        """GET with the redirect policy; the whole chain shares one deadline."""
        return await self.bounded(url, self._get_following(url, headers or {}))

    async def _get_following(self, url: str, headers: dict[str, str]) -> httpx2.Response:
        current = httpx2.URL(url)
        for _ in range(MAX_REDIRECTS + 1):
            response = await self.oauth.request(
                "GET", current, headers=headers, withhold_token=True
            )
            location = response.headers.get("location")
            if response.status_code not in REDIRECT_STATUSES or not location:
                return response
            try:
                target = current.join(location)
            except (httpx2.InvalidURL, ValueError):
                raise ProbeHttpError(
                    "http.bad_redirect",
                    f"{quoted(str(current), 160)} redirects to an invalid URL "
                    f"{quoted(location, 120)}",
                ) from None
            if current.scheme == "https" and target.scheme != "https":
                raise ProbeHttpError(
                    "http.redirect_insecure",
                    f"{quoted(str(current), 160)} redirects to plain http "
                    f"({quoted(location, 120)})",
                    "The vendor must serve this over https end to end.",
                )
            if not _same_origin(current, target):
                raise ProbeHttpError(
                    "http.redirect_cross_origin",
                    f"{quoted(str(current), 160)} redirects to another origin "
                    f"({quoted(location, 120)})",
                    "Configure the final URL directly if the move is legitimate.",
                )
            current = target
        raise ProbeHttpError(
            "http.too_many_redirects",
            f"{url} redirects more than {MAX_REDIRECTS} times",
            "A redirect loop or a misconfigured URL.",
        )

    async def get_json(self, url: str, what: str) -> dict[str, Any]:
        """GET a JSON object (discovery document, JWKS), parsed off the event loop."""
        return await self.bounded(url, self._get_json(url, what))

    async def _get_json(self, url: str, what: str) -> dict[str, Any]:
        response = await self._get_following(url, {"Accept": "application/json"})
        if not response.is_success:
            raise status_error(response, what)
        return await parse_off_loop(len(response.content), parse_json_object, response, what)

    async def fetch_token(self, url: str, **params: Any) -> dict[str, Any]:
        """A token request through Authlib; an OAuth error object becomes ``TokenEndpointError``."""
        try:
            token = await self.bounded(url, self.oauth.fetch_token(url, **params))
        except OAuthError as exc:
            raise TokenEndpointError(exc.error or "error", exc.description or "") from None
        except httpx2.HTTPStatusError as exc:
            raise status_error(exc.response, "token endpoint") from None
        except (ValueError, TypeError, AttributeError):  # Authlib met a non-object answer
            raise ProbeHttpError(
                "http.invalid_json", "token endpoint: the answer is not a JSON object"
            ) from None
        return dict(token)

    async def post_form(self, url: str, data: dict[str, str], what: str) -> dict[str, Any]:
        """A client-authenticated form POST that answers JSON (device authorization, RFC 8628).

        Authlib has no device-flow helper, but its client authentication applies as-is.
        """
        auth = self.oauth.client_auth(self.oauth.token_endpoint_auth_method)
        response = await self.bounded(
            url, self.oauth.request("POST", url, data=data, auth=auth, withhold_token=True)
        )
        body = (
            await parse_off_loop(len(response.content), parse_json_object, response, what)
            if response.content
            else {}
        )
        if "error" in body:
            raise TokenEndpointError(body["error"], body.get("error_description", ""))
        if not response.is_success:
            raise status_error(response, what)
        return body

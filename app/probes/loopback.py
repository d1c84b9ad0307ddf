"""The RFC 8252 loopback redirect receiver: 127.0.0.1, a random port, one answer, then gone.

Native apps receive the authorization response on a loopback listener (RFC 8252 section 7.3);
providers must accept any port for ``http://127.0.0.1/callback``. We bind 127.0.0.1 (not
``localhost``, which may resolve to another interface) and accept exactly one GET on the path.
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from urllib.parse import parse_qsl, urlsplit

CALLBACK_PATH = "/callback"
MAX_REQUEST_HEAD = 16 * 1024
READ_TIMEOUT_S = 5.0
DONE_PAGE = (
    b"<!doctype html><meta charset=utf-8><title>vendortui</title>"
    b"<p>Sign-in received. You can close this tab and return to vendortui.</p>"
)


class LoopbackRedirect:
    """Async context manager: listen, hand out ``redirect_uri``, await the query parameters."""

    def __init__(self) -> None:
        self._server: asyncio.Server | None = None
        self._result: asyncio.Future[dict[str, str]] | None = None
        self.port = 0

    @property
    def redirect_uri(self) -> str:
        """The redirect URI to register in the authorization request."""
        return f"http://127.0.0.1:{self.port}{CALLBACK_PATH}"

    async def __aenter__(self) -> LoopbackRedirect:
        self._result = asyncio.get_running_loop().create_future()
        self._server = await asyncio.start_server(
            self._handle, "127.0.0.1", 0, limit=MAX_REQUEST_HEAD
        )
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def wait(self) -> dict[str, str]:
        """The query parameters of the first request to the callback path."""
        assert self._result is not None, "use LoopbackRedirect as an async context manager"
        return await asyncio.shield(self._result)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(READ_TIMEOUT_S):
                head = await reader.readuntil(b"\r\n\r\n")
            method, target, *_ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
            url = urlsplit(target)
            if method != "GET" or url.path != CALLBACK_PATH:
                await _answer(writer, b"404 Not Found", b"not found")
                return
            await _answer(writer, b"200 OK", DONE_PAGE)
            if self._result is not None and not self._result.done():
                self._result.set_result(dict(parse_qsl(url.query)))
        except (TimeoutError, ValueError, ConnectionError, asyncio.IncompleteReadError,
                asyncio.LimitOverrunError):  # fmt: skip
            pass
        finally:
            writer.close()


async def _answer(writer: asyncio.StreamWriter, status: bytes, body: bytes) -> None:
    writer.write(
        b"HTTP/1.1 " + status + b"\r\nContent-Type: text/html; charset=utf-8\r\n"
        b"Cache-Control: no-store\r\nConnection: close\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    await writer.drain()

"""Loopback servers for probe tests: a raw asyncio HTTP/1.1 server that can misbehave at will.

It runs on its own event loop in a thread, so a handler that drips or stays silent never
competes with the probe under test, and ``stop()`` cancels whatever is still hanging.
Handlers write raw bytes: that is the point (wrong Content-Length, drip, bombs, loops).
"""

from __future__ import annotations

import asyncio
import json
import ssl
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Self
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Request:
    """What a handler sees of one request."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def form(self) -> dict[str, str]:
        """The body as an urlencoded form."""
        return dict(parse_qsl(self.body.decode()))


Handler = Callable[[Request, asyncio.StreamWriter], Awaitable[None]]


async def respond(
    writer: asyncio.StreamWriter,
    status: int,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> None:
    """A well-formed response with Content-Length."""
    head = {"Content-Length": str(len(body)), "Connection": "close", **(headers or {})}
    lines = "".join(f"{k}: {v}\r\n" for k, v in head.items())
    writer.write(f"HTTP/1.1 {status} X\r\n{lines}\r\n".encode() + body)
    await writer.drain()


def json_handler(
    payload: object, status: int = 200, headers: dict[str, str] | None = None
) -> Handler:
    """A handler answering a fixed JSON document."""
    body = json.dumps(payload).encode()

    async def handle(_req: Request, writer: asyncio.StreamWriter) -> None:
        await respond(writer, status, body, {"Content-Type": "application/json", **(headers or {})})

    return handle


def drip_handler(gap_s: float, length: int = 1000) -> Handler:
    """A handler that declares ``length`` bytes and sends one every ``gap_s`` seconds."""

    async def handle(_req: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(f"HTTP/1.1 200 OK\r\nContent-Length: {length}\r\n\r\n".encode())
        for _ in range(length):
            writer.write(b" ")
            await writer.drain()
            await asyncio.sleep(gap_s)

    return handle


def redirect_handler(location: str, status: int = 302) -> Handler:
    """A handler answering a redirect."""

    async def handle(_req: Request, writer: asyncio.StreamWriter) -> None:
        await respond(writer, status, b"", {"Location": location})

    return handle


class ThreadedServer:
    """An asyncio server on 127.0.0.1 with its own event loop in a thread (plain, or TLS when
    the subclass has an ``ssl_context``). Subclasses (dataclasses) implement ``handle``; a
    handler that hangs is cancelled by ``stop()``."""

    port: int

    def __post_init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._tasks: set[asyncio.Task[None]] = set()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> Self:
        """Start serving; returns self once the port is known."""
        self._thread.start()
        if not self._ready.wait(5):
            raise RuntimeError(f"{type(self).__name__} did not start")
        return self

    def stop(self) -> None:
        """Cancel hanging handlers and stop the loop (idempotent)."""
        if self._loop.is_closed():
            return

        def shutdown() -> None:
            for task in self._tasks:
                task.cancel()
            self._server.close()
            self._loop.call_later(0.05, self._loop.stop)

        self._loop.call_soon_threadsafe(shutdown)
        self._thread.join(5)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(
                self._accept, "127.0.0.1", 0, ssl=getattr(self, "ssl_context", None)
            )
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        self._loop.close()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self.handle(reader, writer)
        except (
            asyncio.IncompleteReadError,
            ConnectionError,
            OSError,
            ssl.SSLError,
            asyncio.CancelledError,
        ):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Serve one connection."""
        raise NotImplementedError


@dataclass
class LoopbackServer(ThreadedServer):
    """Serve ``routes`` (path -> handler) on 127.0.0.1, plain or with ``ssl_context``."""

    ssl_context: ssl.SSLContext | None = None
    routes: dict[str, Handler] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    port: int = 0

    @property
    def base_url(self) -> str:
        """Scheme, host and port."""
        scheme = "https" if self.ssl_context else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One request per connection: every response says Connection: close."""
        head = await reader.readuntil(b"\r\n\r\n")
        request = _parse(head)
        length = int(request.headers.get("content-length", "0"))
        request.body = await reader.readexactly(length) if length else b""
        self.requests.append(request)
        handler = self.routes.get(request.path)
        if handler is None:
            await respond(writer, 404, b"not found")
        else:
            await handler(request, writer)


def _parse(head: bytes) -> Request:
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    url = urlsplit(target)
    return Request(method, url.path, dict(parse_qsl(url.query)), headers, b"")

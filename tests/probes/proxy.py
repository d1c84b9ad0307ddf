"""A tiny HTTP CONNECT proxy for probe tests: real sockets on 127.0.0.1, tunnels counted.

Like ``servers.LoopbackServer`` it runs its own event loop in a thread, so a tunnel never
competes with the probe under test. It only tunnels (CONNECT host:port, then bytes both ways);
TLS runs inside the tunnel between the probe and the vendor, which is what proves the vendor's
certificate is still verified. ``credentials`` makes it demand ``Proxy-Authorization: Basic``;
``silent`` makes it accept connections and never answer (a dead proxy).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import threading
from dataclasses import dataclass, field


@dataclass
class ConnectProxy:
    """Tunnels CONNECT requests; ``tunnels`` lists each target it opened, in order."""

    credentials: tuple[str, str] | None = None
    silent: bool = False
    echo: bool = False
    """Hostile: put the Proxy-Authorization it got into its 407 reason phrase."""
    tunnels: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    """Each CONNECT answered 407 (no or wrong credentials)."""
    port: int = 0

    def __post_init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._tasks: set[asyncio.Task[None]] = set()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def url(self) -> str:
        """The proxy URL without credentials."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ConnectProxy:
        """Start listening; returns self once the port is known."""
        self._thread.start()
        if not self._ready.wait(5):
            raise RuntimeError("the test proxy did not start")
        return self

    def stop(self) -> None:
        """Cancel open tunnels and stop the loop (idempotent)."""
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
            asyncio.start_server(self._accept, "127.0.0.1", 0)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        self._loop.close()

    def _authorised(self, headers: dict[str, str]) -> bool:
        if self.credentials is None:
            return True
        expected = base64.b64encode(":".join(self.credentials).encode()).decode()
        return headers.get("proxy-authorization", "") == f"Basic {expected}"

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            if self.silent:
                await asyncio.Event().wait()  # never answers; cancelled by stop()
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {
                name.strip().lower(): value.strip()
                for name, _, value in (line.partition(":") for line in lines[1:] if line)
            }
            if method != "CONNECT":
                writer.write(b"HTTP/1.1 405 Only CONNECT\r\nContent-Length: 0\r\n\r\n")
                return
            if not self._authorised(headers):
                self.refused.append(target)
                reason = headers.get("proxy-authorization", "") if self.echo else "Who are you"
                writer.write(
                    f"HTTP/1.1 407 {reason}\r\n".encode("latin-1")
                    + b'Proxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n'
                )
                await writer.drain()
                return
            host, _, port = target.rpartition(":")
            upstream_reader, upstream_writer = await asyncio.open_connection(host, int(port))
            self.tunnels.append(target)
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await writer.drain()
            await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))
        except (asyncio.IncompleteReadError, ConnectionError, OSError, asyncio.CancelledError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy bytes until either side closes."""
    try:
        while data := await reader.read(1 << 16):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(ConnectionError, OSError):
            writer.close()

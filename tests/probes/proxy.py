"""A tiny HTTP CONNECT proxy for probe tests: real sockets on 127.0.0.1, tunnels counted.

A ``servers.ThreadedServer`` like the hostile servers: its own event loop in a thread, so a
tunnel never competes with the probe under test. It only tunnels (CONNECT host:port, then bytes
both ways); TLS runs inside the tunnel between the probe and the vendor, which is what proves
the vendor's certificate is still verified. ``credentials`` makes it demand
``Proxy-Authorization: Basic``; ``silent`` makes it accept connections and never answer.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
from dataclasses import dataclass, field

from tests.probes.servers import ThreadedServer


@dataclass
class ConnectProxy(ThreadedServer):
    """Tunnels CONNECT requests; ``tunnels`` lists each target it opened, in order."""

    credentials: tuple[str, str] | None = None
    silent: bool = False
    echo: bool = False
    """Hostile: put the Proxy-Authorization it got into its 407 reason phrase."""
    tunnels: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    """Each CONNECT answered 407 (no or wrong credentials)."""
    port: int = 0

    @property
    def url(self) -> str:
        """The proxy URL without credentials."""
        return f"http://127.0.0.1:{self.port}"

    def _authorised(self, headers: dict[str, str]) -> bool:
        if self.credentials is None:
            return True
        expected = base64.b64encode(":".join(self.credentials).encode()).decode()
        return headers.get("proxy-authorization", "") == f"Basic {expected}"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One CONNECT: refuse (405, 407) or tunnel until either side closes."""
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
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(host, int(port))
        except OSError:
            writer.write(b"HTTP/1.1 502 Cannot reach the target\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
            return
        self.tunnels.append(target)
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()
        await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))


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

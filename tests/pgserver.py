"""A real PostgreSQL server for the tests: ``initdb`` + ``pg_ctl`` in a temporary folder.

PostgreSQL refuses to run as root, so when the tests run as root (CI containers) the server
runs as the ``postgres`` system user that the Debian package creates (``runuser``). The
superuser is trusted on 127.0.0.1 (other roles need their password), ``fsync=off``: a
throwaway server, about 2.5 s to start.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

MISSING = "PostgreSQL server binaries"
"""Skip reason naming the real part; under ``VENDORTUI_CI=1`` such a skip fails the test."""


HBA = """\
local all all trust
host all postgres 127.0.0.1/32 trust
host all all 127.0.0.1/32 scram-sha-256
"""
"""The superuser needs no password; every other role proves one (the libpq credential tests)."""


def server_bin() -> Path | None:
    """The newest ``/usr/lib/postgresql/N/bin`` with ``initdb`` (or ``$PG_BIN``), else None."""
    explicit = os.environ.get("PG_BIN")
    candidates = [explicit] if explicit else glob.glob("/usr/lib/postgresql/*/bin")
    found = [Path(c) for c in candidates if c and (Path(c) / "initdb").exists()]
    if not found and shutil.which("initdb"):
        found = [Path(shutil.which("initdb") or "").parent]
    return (
        max(found, key=lambda p: [int(x) for x in p.parent.name.split(".") if x.isdigit()] or [0])
        if found
        else None
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PgServer:
    """A running server; ``url(db)`` names a database on it."""

    folder: Path
    port: int
    bin: Path
    as_postgres: bool
    tls: bool = False
    """Whether ``start`` serves TLS with the ``server.crt``/``server.key`` in its data folder."""

    def url(self, database: str = "postgres", user: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        return subprocess.run(
            [*prefix, *args], capture_output=True, text=True, check=True, timeout=60
        )

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        if self.tls:
            options += " -c ssl=on"
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"),
            "-l", str(self.folder / "log"), "-w", "-o", options, "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop"
        )

    def sql(self, statement: str, database: str = "postgres") -> None:
        """Run one statement in autocommit (CREATE DATABASE cannot run in a transaction)."""
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(statement)


def start_server(tls: tuple[bytes, bytes] | None = None) -> PgServer:
    """initdb a new cluster in a temporary folder and start it on a free loopback port.

    ``tls``: ``(certificate chain PEM, private key PEM)`` to serve TLS with (``ssl=on`` reads
    them as ``server.crt``/``server.key`` from the data folder; the key must be the server
    user's alone)."""
    pgbin = server_bin()
    if pgbin is None:
        raise FileNotFoundError(MISSING)
    as_postgres = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="vendortui-pg-"))
    server = PgServer(folder, free_port(), pgbin, as_postgres, tls=tls is not None)
    if as_postgres:
        os.chmod(folder, 0o755)
        shutil.chown(folder, "postgres", "postgres")
    server._run(
        str(pgbin / "initdb"), "-D", str(folder / "data"), "-U", "postgres",
        "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
    )  # fmt: skip
    files = {"pg_hba.conf": HBA.encode()}
    if tls is not None:
        files |= {"server.crt": tls[0], "server.key": tls[1]}
    for name, content in files.items():
        path = folder / "data" / name
        path.write_bytes(content)
        path.chmod(0o600)
        if as_postgres:
            shutil.chown(path, "postgres", "postgres")
    server.start()
    return server


def remove(server: PgServer) -> None:
    """Stop the server if it still runs (a test may have stopped it) and delete its folder."""
    try:
        if (server.folder / "data" / "postmaster.pid").exists():
            server.stop()
    finally:
        shutil.rmtree(server.folder, ignore_errors=True)

"""``sslmode=verify-full`` with a CA file: a server whose certificate (for 127.0.0.1) a trustme
CA issued is reached with that CA and refused with another, in one sentence, the URL's
password never echoed."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import trustme

from tests import pgserver
from tests.pg.cli import files_holding, vendortui
from vendortui.app.kb import KnowledgeBase


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def tls_server(ca: trustme.CA) -> Iterator[pgserver.PgServer]:
    """A second server, TLS on, its certificate for 127.0.0.1 issued by ``ca``."""
    cert = ca.issue_cert("127.0.0.1")
    chain = b"".join(blob.bytes() for blob in cert.cert_chain_pems)
    try:
        server = pgserver.start_server(tls=(chain, cert.private_key_pem.bytes()))
    except FileNotFoundError:
        pytest.skip(f"{pgserver.MISSING} are not installed (apt-get install postgresql)")
    yield server
    pgserver.remove(server)


@pytest.fixture
def role(tls_server: pgserver.PgServer) -> Iterator[tuple[str, str]]:
    """``(name, password)`` of a role that must prove its password, owning database ``name``."""
    name = f"oncall_{secrets.token_hex(6)}"
    password = "tls:pw@" + secrets.token_urlsafe(16)
    tls_server.sql(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'")
    tls_server.sql(f"CREATE DATABASE {name} OWNER {name}")
    yield name, password
    tls_server.sql(f"DROP DATABASE {name} WITH (FORCE)")
    tls_server.sql(f"DROP ROLE {name}")


def verify_full(server: pgserver.PgServer, name: str, password: str, ca_file: Path) -> str:
    return (
        f"postgresql://{name}:{quote(password, safe='')}@127.0.0.1:{server.port}/{name}"
        f"?sslmode=verify-full&sslrootcert={ca_file}"
    )


def test_verify_full_with_the_servers_ca_connects_over_tls(
    tls_server: pgserver.PgServer, role: tuple[str, str], ca: trustme.CA, tmp_path: Path
) -> None:
    ca_file = tmp_path / "team-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    url = verify_full(tls_server, *role, ca_file)
    kb = KnowledgeBase.open(url)
    try:
        kb.add_vendor("Acme Paging")
        with kb.db.read() as conn:
            row = conn.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            assert row.fetchone()[0] == 1, "the connection is encrypted"
        assert [row.name for row in kb.vendor_rows()] == ["Acme Paging"]
    finally:
        kb.db.close()


def test_verify_full_with_another_ca_is_refused_in_one_sentence(
    tls_server: pgserver.PgServer, role: tuple[str, str], tmp_path: Path
) -> None:
    wrong_ca = tmp_path / "someone-elses-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(wrong_ca))
    name, password = role
    url = verify_full(tls_server, name, password, wrong_ca)
    done = vendortui(tmp_path, "--db", url, "vendors")
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr, done.stderr
    assert "certificate verify failed" in done.stderr, done.stderr
    assert done.stderr.startswith("vendortui: Cannot reach the team server")
    for shown in (password, quote(password, safe="")):
        assert shown not in done.stderr
    assert files_holding(tmp_path, password) == []

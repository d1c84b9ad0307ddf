"""Fixtures: a real OpenID Provider (oidc-provider on Node) over http and https, TLS material
from trustme, and hostile loopback servers.

The OP is installed from ``op/package-lock.json`` on first use (``npm ci``); the tests skip
only when Node itself is absent.
"""

from __future__ import annotations

import ipaddress
import json
import secrets
import select
import shutil
import ssl
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.probes import helpers
from tests.probes.leaks import leaked
from tests.probes.servers import LoopbackServer
from vendortui.app.sync.repo import DB_NAME

OP_DIR = Path(__file__).parent / "op"
START_TIMEOUT_S = 20


@dataclass(frozen=True)
class OpenIdProvider:
    """A running oidc-provider: its issuer, the machine client's secret, the CA to trust."""

    issuer: str
    machine_secret: str
    ca_file: str = ""


def _ensure_installed() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed: the real OpenID Provider tests need `node` (20+)")
    if not (OP_DIR / "node_modules" / "oidc-provider").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed: cannot install oidc-provider for the OP tests")
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=OP_DIR, check=True, capture_output=True
        )
    return node


def _start_op(options: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    node = _ensure_installed()
    proc = subprocess.Popen(
        [node, "server.mjs", json.dumps(options)],
        cwd=OP_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    readable, _, _ = select.select([proc.stdout], [], [], START_TIMEOUT_S)
    line = proc.stdout.readline() if readable else ""
    if not line.startswith("READY "):
        proc.kill()
        raise RuntimeError(f"oidc-provider did not start within {START_TIMEOUT_S} s ({line!r})")
    return proc, line.split()[1]


@pytest.fixture(scope="session")
def tls_ca() -> trustme.CA:
    """The test CA that the https servers' certificates chain to."""
    return trustme.CA()


@pytest.fixture(scope="session")
def ca_file(tls_ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The test CA as a PEM file, for ``ProbeSpec.ca_file``."""
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    tls_ca.cert_pem.write_to_path(str(path))
    return str(path)


def server_context(cert: trustme.LeafCert) -> ssl.SSLContext:
    """A server-side SSLContext presenting ``cert``."""
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(ctx)
    return ctx


@pytest.fixture(scope="session")
def op_http() -> Iterator[OpenIdProvider]:
    """oidc-provider over plain http on 127.0.0.1 (probes need ``allow_insecure_loopback``)."""
    secret = secrets.token_urlsafe(32)
    proc, issuer = _start_op({"secret": secret})
    yield OpenIdProvider(issuer, secret)
    proc.terminate()
    proc.wait(5)


@pytest.fixture(scope="session")
def op_https(
    tls_ca: trustme.CA, ca_file: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OpenIdProvider]:
    """oidc-provider over https with a certificate from the trustme CA."""
    folder = tmp_path_factory.mktemp("op-tls")
    leaf = tls_ca.issue_cert("127.0.0.1")
    leaf.cert_chain_pems[0].write_to_path(str(folder / "cert.pem"))
    leaf.private_key_pem.write_to_path(str(folder / "key.pem"))
    secret = secrets.token_urlsafe(32)
    proc, issuer = _start_op(
        {"secret": secret, "cert": str(folder / "cert.pem"), "key": str(folder / "key.pem")}
    )
    yield OpenIdProvider(issuer, secret, ca_file)
    proc.terminate()
    proc.wait(5)


@pytest.fixture
def serve() -> Iterator[Callable[..., LoopbackServer]]:
    """Start loopback servers for one test: ``serve()`` plain, ``serve(ssl_context=...)`` TLS."""
    started: list[LoopbackServer] = []

    def start(ssl_context: ssl.SSLContext | None = None) -> LoopbackServer:
        server = LoopbackServer(ssl_context=ssl_context).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def tls_good(tls_ca: trustme.CA) -> ssl.SSLContext:
    """Server context with a valid certificate for 127.0.0.1."""
    return server_context(tls_ca.issue_cert("127.0.0.1"))


@pytest.fixture(scope="session")
def tls_expired(tls_ca: trustme.CA) -> ssl.SSLContext:
    """Server context whose certificate expired yesterday."""
    now = datetime.now(UTC)
    cert = tls_ca.issue_cert(
        "127.0.0.1", not_before=now - timedelta(days=30), not_after=now - timedelta(days=1)
    )
    return server_context(cert)


@pytest.fixture(scope="session")
def tls_wrong_host(tls_ca: trustme.CA) -> ssl.SSLContext:
    """Server context whose valid certificate names another host."""
    return server_context(tls_ca.issue_cert("login.other.example"))


@pytest.fixture(scope="session")
def tls_self_signed(tmp_path_factory: pytest.TempPathFactory) -> ssl.SSLContext:
    """Server context with a self-signed certificate for 127.0.0.1 (no CA vouches for it)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("self-signed")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return ctx


@dataclass
class LeakStore:
    """A real knowledge base in a real git repository, where every scenario's result is put
    the way a user's would be: stored, dumped, committed by sync's own commit step."""

    folder: Path
    kb: Any
    config: Any

    @property
    def db(self) -> Path:
        return self.folder / DB_NAME

    def keep(self, report: Any) -> dict[str, str | bytes]:
        """Store and commit one report; everything a teammate could see of it afterwards."""
        from vendortui.app.sync.dump import dump
        from vendortui.app.sync.repo import Repo
        from vendortui.app.sync.run import commit_local

        self.kb.probes.record(self.config, report)
        repo = Repo.containing(self.db)
        assert repo is not None
        scratch = self.folder.parent / "scratch"
        scratch.mkdir(exist_ok=True)
        commit_local(repo, self.db, scratch)

        def git(*args: str) -> bytes:
            return subprocess.run(
                ["git", *args], cwd=self.folder, check=True, capture_output=True
            ).stdout

        return {
            "database file": self.db.read_bytes(),
            "dump": dump(self.db),
            "sync commit": git("cat-file", "-p", "HEAD"),
            "committed file": git("cat-file", "blob", f"HEAD:{DB_NAME}"),
        }


@pytest.fixture(scope="session")
def leak_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LeakStore]:
    """One per worker: a git repository holding a knowledge base with one probe."""
    from vendortui.app.kb import KnowledgeBase
    from vendortui.models import ProbeConfig

    folder = tmp_path_factory.mktemp("leak-scan") / "repo"
    folder.mkdir()
    for args in (
        ["init", "-q"],
        ["config", "user.name", "Leak Scan"],
        ["config", "user.email", "scan@example.com"],
    ):
        subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True)
    kb = KnowledgeBase.open(folder / DB_NAME)
    vendor = kb.add_vendor("Witness", status="production")
    config = kb.create(
        ProbeConfig, vendor_id=vendor.id, name="scan", kind="oidc_discovery", issuer="https://x"
    )
    for args in (["add", DB_NAME], ["commit", "-q", "-m", "start"]):
        subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True)
    yield LeakStore(folder, kb, config)
    kb.db.close()


PROXY_VARIABLES = tuple(
    name
    for base in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY")
    for name in (base, base.lower())
)


@pytest.fixture(autouse=True)
def no_proxy_from_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Probes follow the proxy variables: a developer's or CI's own must not steer the tests
    (the proxy tests set theirs)."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def no_secret_reaches_storage(
    request: pytest.FixtureRequest,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> Iterator[None]:
    """After every probe scenario that had a secret, look for it everywhere it could land.

    Each report is stored in a real knowledge base, dumped and committed by sync's commit step;
    the database file, the dump, the commit and the committed file, and everything the test
    printed or logged are then searched for the secret in every encoding (``leaks``), whole or
    as any 12-character fragment.
    """
    helpers.WITNESSED.clear()
    yield
    if not helpers.WITNESSED:
        return
    store: LeakStore = request.getfixturevalue("leak_store")
    captured = capsys.readouterr()
    places: dict[str, str | bytes] = {
        "stdout": captured.out,
        "stderr": captured.err,
        "log": caplog.text,
    }
    for spec, secret, report in helpers.WITNESSED:
        places.update(store.keep(report))
        for place, content in places.items():
            found = leaked(content, secret, spec.client_id)
            assert found == [], f"the secret reached the {place}: {found[:3]}"
    helpers.WITNESSED.clear()

"""``vendortui probe`` / ``probe add`` / ``secret`` as a user runs them, against the real OP.

Real processes, a real knowledge-base file, the real oidc-provider over https with a trustme CA,
and the real Secret Service when CI provides one.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import keyring
import pytest
from keyring.backends import SecretService

from tests.core.cli_process import run_cli
from tests.probes.conftest import OpenIdProvider
from tests.probes.leaks import leaked
from vendortui.app.kb import KnowledgeBase
from vendortui.app.secrets import env_var


def run(db: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None):
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "vendortui",
            *args,
            "--db",
            str(db),
        ],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=90,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "kb.db"
    kb = KnowledgeBase.open(path)
    kb.add_vendor("Okta", status="production")
    kb.db.close()
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_discovery_probe_passes_and_is_stored(db: Path, op_https: OpenIdProvider) -> None:
    added = run(
        db,
        "probe",
        "add",
        "okta",
        "--kind",
        "oidc_discovery",
        "--name",
        "discovery",
        "--issuer",
        op_https.issuer,
        "--ca-file",
        op_https.ca_file,
    )
    assert added.returncode == 0, added.stderr
    result = run(db, "probe", "okta", "--json")
    assert result.returncode == 0, result.stderr
    [item] = json.loads(result.stdout)
    assert (item["vendor"], item["probe"], item["outcome"]) == ("Okta", "discovery", "pass")
    # The wire time is the measured steps' (discovery, JWKS), apart from vendortui's own share.
    assert 0 < sum(item["latencies_ms"].values()) <= item["network_ms"] + 0.1
    assert 0 <= item["overhead_ms"] <= item["duration_ms"] - int(item["network_ms"])
    text = run(db, "probe", "okta")
    assert re.fullmatch(r"PASS +Okta / discovery \(network \d+ ms, vendortui \d+ ms\)",
                        text.stdout.splitlines()[0]), text.stdout  # fmt: skip
    listed = run(db, "probe", "list", "--json")
    assert json.loads(listed.stdout)[0]["outcome"] == "pass"


def test_offline_is_unreachable_and_exits_zero(db: Path) -> None:
    issuer = f"https://127.0.0.1:{_free_port()}"
    run(db, "probe", "add", "okta", "--kind", "oidc_discovery", "--issuer", issuer)
    result = run(db, "probe", "--all")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("UNREACHABLE")


def test_broken_sso_exits_one_and_warnings_only_when_asked(
    db: Path, op_https: OpenIdProvider
) -> None:
    run(
        db,
        "probe",
        "add",
        "okta",
        "--kind",
        "oidc_discovery",
        "--issuer",
        op_https.issuer + "/",
        "--ca-file",
        op_https.ca_file,
    )
    result = run(db, "probe", "okta")
    assert result.returncode == 1
    assert result.stdout.startswith("FAIL") and "issuer" in result.stdout


def test_usage_errors_exit_two(db: Path) -> None:
    assert run(db, "probe").returncode == 2
    nothing = run(db, "probe", "okta")
    assert nothing.returncode == 2 and "No probes to run" in nothing.stderr
    bad = run(db, "probe", "add", "okta", "--kind", "oidc_discovery", "--issuer", "ftp://x")
    assert bad.returncode == 2 and "issuer" in bad.stderr


def _add_machine_probe(
    db: Path, issuer: str, *extra: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``probe add okta --kind client_credentials --name machine`` for ``issuer``."""
    added = run(
        db,
        "probe",
        "add",
        "okta",
        "--kind",
        "client_credentials",
        "--name",
        "machine",
        "--issuer",
        issuer,
        "--client-id",
        "machine",
        *extra,
        env=env,
    )
    assert added.returncode == 0, added.stderr
    return added


def _cc_probe(db: Path, op: OpenIdProvider) -> None:
    added = _add_machine_probe(
        db,
        op.issuer,
        "--audience",
        "https://api.test",
        "--api-url",
        op.issuer + "/api/ping",
        "--ca-file",
        op.ca_file,
    )
    assert "vendortui secret set okta 'machine'" in added.stdout


def test_client_credentials_with_the_secret_from_the_environment(
    db: Path, op_https: OpenIdProvider
) -> None:
    _cc_probe(db, op_https)
    missing = run(db, "probe", "okta", env={"DBUS_SESSION_BUS_ADDRESS": "disabled:"})
    assert missing.returncode == 2, "a probe that could not run is a configuration error"
    assert missing.stdout.startswith("ERROR")
    assert "for this run only" in missing.stdout, "says how to get a keyring or use the env var"
    ok = run(db, "probe", "okta", env={env_var("okta/machine"): op_https.machine_secret})
    assert ok.returncode == 0 and ok.stdout.startswith("PASS"), ok.stdout + ok.stderr
    _assert_nowhere(db, op_https.machine_secret, ok)


def _assert_nowhere(db: Path, secret: str, *outputs: subprocess.CompletedProcess[str]) -> str:
    """The secret, in any encoding or as any fragment, is in no output, the file or `dump`;
    returns the dump."""
    dumped = run_cli("dump", str(db))
    assert dumped.returncode == 0, dumped.stderr
    places = {"database file": db.read_bytes(), "vendortui dump": dumped.stdout}
    for n, done in enumerate(outputs):
        places[f"output {n}"] = done.stdout + done.stderr
    for place, content in places.items():
        assert leaked(content, secret, "machine") == [], f"the secret reached the {place}"
    return dumped.stdout


@pytest.mark.skipif(
    not isinstance(keyring.get_keyring(), SecretService.Keyring),
    reason="needs a running Secret Service (CI starts gnome-keyring under dbus-run-session)",
)
def test_client_credentials_with_the_real_keyring(db: Path, op_https: OpenIdProvider) -> None:
    _cc_probe(db, op_https)
    stored = run(db, "secret", "set", "okta", "machine", stdin=op_https.machine_secret + "\n")
    assert stored.returncode == 0, stored.stderr
    assert op_https.machine_secret not in stored.stdout + stored.stderr
    assert run(db, "secret", "check", "okta", "machine").returncode == 0
    ok = run(db, "probe", "okta")
    assert ok.returncode == 0 and ok.stdout.startswith("PASS"), ok.stdout + ok.stderr
    _assert_nowhere(db, op_https.machine_secret, stored, ok)
    assert run(db, "secret", "delete", "okta", "machine").returncode == 0
    assert run(db, "secret", "check", "okta", "machine").returncode == 1


def test_read_only_knowledge_base_refuses_before_probing(db: Path) -> None:
    import sqlite3

    run(db, "probe", "add", "okta", "--kind", "oidc_discovery", "--issuer", "https://127.0.0.1:9")
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    before = db.read_bytes()
    result = run(db, "probe", "--all")
    assert result.returncode == 2
    assert "read-only" in result.stderr and "Traceback" not in result.stderr
    assert "unexpected" not in result.stderr
    assert db.read_bytes() == before


def test_a_secret_echoed_after_161_dots_reaches_no_file_dump_or_output(
    db: Path, serve, tls_good, ca_file: str
) -> None:
    """The reported leak, end to end: a 401 whose error_description is 161 dots then the secret
    (so a cut at 200 characters kept its first 16): nothing of it is stored, dumped or printed."""
    from tests.probes.helpers import serve_provider
    from tests.probes.servers import json_handler

    secret = "s/+=" + __import__("secrets").token_urlsafe(24)
    server = serve(ssl_context=tls_good)
    serve_provider(server)
    echo = {"error": "invalid_client", "error_description": "." * 161 + secret}
    server.routes["/token"] = json_handler(echo, status=401)
    env = {env_var("okta/machine"): secret}
    added = _add_machine_probe(db, server.base_url, "--ca-file", ca_file, env=env)
    text = run(db, "probe", "okta", env=env)
    as_json = run(db, "probe", "okta", "--json", env=env)
    assert text.returncode == 1 and "cc.token_rejected" in as_json.stdout, text.stdout
    assert "***" in text.stdout
    dumped = _assert_nowhere(db, secret, added, text, as_json)
    assert "." * 100 + "***" in dumped, "the dump carries the (masked) finding it was scanned for"

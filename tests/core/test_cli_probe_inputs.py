"""``probe add`` refuses a CA file that is not there or not PEM and stores a good one absolute;
an issuer still holding a ``{...}`` placeholder is refused at add and named at run.

Real processes in a real folder (the relative path is relative to the process's folder), a
real CA file made by trustme, a real knowledge-base file.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest
import trustme

from tests.core.cli_process import run_cli as run
from vendortui.app.kb import KnowledgeBase

ENTRA = "https://login.microsoftonline.com/{tenantid}/v2.0"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    kb = KnowledgeBase.open(tmp_path / "kb.db")
    kb.add_vendor("Okta")
    kb.db.close()
    return tmp_path / "kb.db"


def add(db: Path, cwd: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run("probe", "add", "okta", "--kind", "oidc_discovery", "--db", str(db), *extra, cwd=cwd)


def stored_probes(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT issuer, ca_file FROM probe_config").fetchall()


def test_a_relative_ca_file_is_stored_absolute(db: Path, tmp_path: Path) -> None:
    certs = tmp_path / "certs"
    certs.mkdir()
    trustme.CA().cert_pem.write_to_path(str(certs / "team-ca.pem"))
    result = add(db, certs, "--issuer", "https://login.example.com", "--ca-file", "team-ca.pem")
    assert result.returncode == 0, result.stderr
    assert stored_probes(db) == [("https://login.example.com", str(certs / "team-ca.pem"))]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "there is no file"),
        (b"not a certificate\n", "holds no PEM certificate"),
        (b"\x30\x82\x01\x0a\x02\x82\x01\x01\x00", "holds no PEM certificate"),
    ],
)
def test_a_bad_ca_file_is_one_sentence_and_nothing_is_stored(
    db: Path, tmp_path: Path, content: bytes | None, expected: str
) -> None:
    if content is not None:
        (tmp_path / "ca.pem").write_bytes(content)
    result = add(db, tmp_path, "--issuer", "https://login.example.com", "--ca-file", "ca.pem")
    assert result.returncode == 2
    assert result.stderr.startswith("vendortui: ca file: ") and result.stderr.count("\n") == 1
    assert expected in result.stderr and str(tmp_path / "ca.pem") in result.stderr
    assert stored_probes(db) == []


@pytest.mark.parametrize(
    ("issuer", "expected"),
    [
        (ENTRA, "put your tenant id in its place"),
        ("https://{region}.login.example.com", "replace it with the value it stands for"),
    ],
)
def test_an_issuer_with_a_placeholder_is_refused_with_its_own_hint(
    db: Path, tmp_path: Path, issuer: str, expected: str
) -> None:
    result = add(db, tmp_path, "--issuer", issuer)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "still holds the placeholder {" in result.stderr and expected in result.stderr
    assert stored_probes(db) == []


def test_a_stored_placeholder_issuer_is_a_configuration_error_at_run(
    db: Path, tmp_path: Path
) -> None:
    """A row stored before the check (or by a teammate's older vendortui) is not a vendor fault."""
    assert (
        add(db, tmp_path, "--issuer", "https://login.microsoftonline.com/common/v2.0").returncode
        == 0
    )
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE probe_config SET issuer = ?", (ENTRA,))
    result = run("probe", "okta", "--json", "--db", str(db), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    [item] = json.loads(result.stdout)
    assert item["outcome"] == "error"
    [finding] = item["findings"]
    assert finding["check_id"] == "probe.placeholder" and "tenant id" in finding["hint"]

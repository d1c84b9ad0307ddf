"""A team server's password from the OS keyring, when libpq conventions give none.

The role needs a password (tests/pgserver.py trusts only the superuser); the URL, PGPASSWORD and
the password file hold none, so only the keyring entry that ``vendortui secret set --db-url``
stored lets vendortui in. The password must reach no file, dump, output or log.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import SecretService

from tests.pg.cli import files_holding, vendortui
from tests.pgserver import PgServer

pytestmark = pytest.mark.skipif(
    not isinstance(keyring.get_keyring(), SecretService.Keyring),
    reason="needs a running Secret Service (CI starts gnome-keyring under dbus-run-session)",
)


@pytest.fixture
def role_url(pg_server: PgServer) -> Iterator[tuple[str, str]]:
    """``(url, password)``: a new role that must give its password, owning an empty database
    (vendortui creates the schema on first open, as that role)."""
    name = f"lead_{uuid.uuid4().hex[:12]}"
    password = "p@ss:w/rd%" + secrets.token_urlsafe(16)
    pg_server.sql(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'")
    pg_server.sql(f"CREATE DATABASE {name} OWNER {name}")
    url = pg_server.url(name, user=name)
    yield url, password
    from vendortui.app.dburl import keyring_ref
    from vendortui.app.secrets import delete_secret

    delete_secret(keyring_ref(url))
    pg_server.sql(f"DROP DATABASE {name} WITH (FORCE)")
    pg_server.sql(f"DROP ROLE {name}")


def test_the_keyring_holds_the_servers_password_and_nothing_else_does(
    role_url: tuple[str, str], tmp_path: Path
) -> None:
    url, password = role_url
    outputs = []

    refused = vendortui(tmp_path, "--db", url, "vendors")
    outputs.append(refused)
    assert refused.returncode != 0
    assert "Traceback" not in refused.stderr
    assert "no password supplied" in refused.stderr
    assert f"vendortui secret set --db-url {url}" in refused.stderr, refused.stderr

    stored = vendortui(tmp_path, "secret", "set", "--db-url", url, stdin=password + "\n")
    outputs.append(stored)
    assert stored.returncode == 0, stored.stderr
    assert vendortui(tmp_path, "secret", "check", "--db-url", url).returncode == 0

    added = vendortui(tmp_path, "-v", "--db", url, "vendors", "add", "Acme Paging")
    listed = vendortui(tmp_path, "-v", "--db", url, "vendors")
    shown = vendortui(tmp_path, "--db", url, "show", "Acme Paging")
    outputs += [added, listed, shown]
    assert added.returncode == 0, added.stderr
    assert "Acme Paging" in listed.stdout, listed.stderr
    assert "Acme Paging" in shown.stdout, shown.stderr

    wrong = vendortui(tmp_path, "secret", "set", "--db-url", url, stdin="not-the-password\n")
    denied = vendortui(tmp_path, "--db", url, "vendors")
    outputs += [wrong, denied]
    assert denied.returncode != 0 and "Traceback" not in denied.stderr
    assert "password authentication failed" in denied.stderr, denied.stderr

    for done in outputs:
        assert password not in done.stdout + done.stderr
    assert files_holding(tmp_path, password) == []


def test_secret_set_with_db_url_takes_no_vendor(role_url: tuple[str, str], tmp_path: Path) -> None:
    url, _ = role_url
    done = vendortui(tmp_path, "secret", "set", "acme", "--db-url", url, stdin="x\n")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--db-url takes one postgresql:// URL and no VENDOR or PROBE" in done.stderr

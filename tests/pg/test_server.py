"""The test server itself: it runs, on loopback, and is not running as root."""

from __future__ import annotations

import psycopg

from tests.pgserver import PgServer


def test_server_answers_on_loopback_as_a_non_root_role(pg_server: PgServer) -> None:
    with psycopg.connect(pg_server.url()) as conn:
        address, fsync = conn.execute(
            "SELECT inet_server_addr()::text, current_setting('fsync')"
        ).fetchone()
    assert address.startswith("127.0.0.1")
    assert fsync == "off"
    owner = (pg_server.folder / "data").stat().st_uid
    assert owner != 0

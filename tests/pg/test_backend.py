"""The PostgreSQL backend itself: schema from empty and from every revision, newer schemas,
rights, credentials the libpq way, and no password ever shown."""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.core.cli_process import imported_after, run_cli
from tests.pgserver import PgServer
from vendortui.app import dbfile
from vendortui.app.db_pg import CHANGE_TABLE
from vendortui.app.errors import KbError, ReadOnlyError
from vendortui.app.kb import KnowledgeBase
from vendortui.app.migrate import upgrade, upgrade_server
from vendortui.models import Vendor

DATA = Path(__file__).parent / "data"
PASSWORD = "pw-Zq7-never-shown"


def new_database(pg_server: PgServer) -> str:
    name = f"e_{uuid.uuid4().hex}"
    pg_server.sql(f"CREATE DATABASE {name}")
    return name


def columns(conn: psycopg.Connection) -> set[tuple[str, str, str]]:
    return {
        tuple(row)
        for row in conn.execute(
            "SELECT table_name, column_name, is_nullable FROM information_schema.columns "
            "WHERE table_schema = 'public'"
        )
    }


def test_an_empty_database_is_created_up_to_head(pg_server: PgServer, tmp_path: Path) -> None:
    url = pg_server.url(new_database(pg_server))
    KnowledgeBase.open(url).db.close()
    with psycopg.connect(url) as conn:
        assert (
            conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            == (dbfile.known_revisions()[-1])
        )
        server_columns = {row for row in columns(conn) if row[0] != CHANGE_TABLE}
        assert {row[1] for row in columns(conn) if row[0] == CHANGE_TABLE} == {"epoch", "serial"}
        index = conn.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ux_vendor_live_slug'"
        ).fetchone()[0]
    assert "WHERE (deleted_at IS NULL)" in index, "slugs unique among live vendors only"
    file = tmp_path / "kb.db"
    KnowledgeBase.open(file).db.close()
    with sqlite3.connect(file) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        file_columns = {
            (table, name, "NO" if notnull else "YES")
            for table in tables
            for _cid, name, _type, notnull, *_ in conn.execute(f"PRAGMA table_info({table})")
        }
    assert server_columns == file_columns, "the same schema on both backends (+ the counter)"


@pytest.mark.parametrize("revision", dbfile.known_revisions())
def test_every_revision_upgrades_to_head_keeping_rows(pg_server: PgServer, revision: str) -> None:
    url = pg_server.url(new_database(pg_server))
    upgrade_server(url, revision)
    with psycopg.connect(url) as conn:
        conn.execute(
            "INSERT INTO vendor (id, created_at, updated_at, updated_by, slug, name, category,"
            " status, rollout_stage, risk_tier, website, description, sso_protocol, scim,"
            " mfa_methods, webauthn_enforced, sso_requires_upgrade, termination_data)"
            " VALUES ('v1', now(), now(), 'x', 'acme', 'Acme', '', 'production', '', 'high',"
            " '', '', '', false, '', false, false, '')"
        )
    kb = KnowledgeBase.open(url)
    try:
        assert [row.name for row in kb.vendor_rows()] == ["Acme"]
    finally:
        kb.db.close()


def test_editing_0001_left_the_sqlite_schema_byte_identical(tmp_path: Path) -> None:
    """0001 gained ``postgresql_where`` for the partial index; SQLite's schema must not move.
    The expected text was produced by the unedited 0001."""
    path = tmp_path / "a.db"
    upgrade(path, "0001")
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
    expected = (DATA / "sqlite_master_0001.txt").read_text()
    assert "".join(f"{row!r}\n" for row in rows) == expected


def test_0003_is_a_no_op_on_sqlite(tmp_path: Path) -> None:
    """The change triggers are the server's: a file's schema at 0003 is the one at 0002."""
    schemas = []
    for revision in ("0002", "0003"):
        path = tmp_path / f"{revision}.db"
        upgrade(path, revision)
        with sqlite3.connect(path) as conn:
            schemas.append(conn.execute("SELECT * FROM sqlite_master ORDER BY name").fetchall())
    assert schemas[0] == schemas[1] and schemas[0]


def test_every_table_notifies_and_counts_changes(pg_url: str) -> None:
    """Every knowledge-base table carries the change trigger (a revision adding a table must
    add it too), and each write statement bumps the counter, whoever makes it."""
    from vendortui import models
    from vendortui.models import Synced

    models.load_all()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        triggered = {
            row[0]
            for row in conn.execute(
                "SELECT event_object_table FROM information_schema.triggers "
                "WHERE trigger_name = 'vendortui_changed'"
            )
        }
        assert triggered == set(Synced.metadata.tables) - {"alembic_version"}
        before = conn.execute(f"SELECT epoch, serial FROM {CHANGE_TABLE}").fetchone()
        conn.execute("UPDATE vendor SET name = name")
        conn.execute("DELETE FROM event")
        after = conn.execute(f"SELECT epoch, serial FROM {CHANGE_TABLE}").fetchone()
    assert after == (before[0], before[1] + 2)


def test_a_writers_temporary_counter_does_not_take_the_bump(pg_url: str) -> None:
    """The trigger function runs with its owner's rights: a temporary table named like the
    counter, which a writer's session would search first, must not receive the bump (offline
    copies would then look current while stale)."""
    with psycopg.connect(pg_url, autocommit=True) as conn:
        before = conn.execute(f"SELECT serial FROM {CHANGE_TABLE}").fetchone()[0]
        conn.execute(f"CREATE TEMPORARY TABLE {CHANGE_TABLE} (epoch text, serial bigint)")
        conn.execute(f"INSERT INTO pg_temp.{CHANGE_TABLE} VALUES ('decoy', 0)")
        conn.execute("UPDATE vendor SET name = name")
        decoy = conn.execute(f"SELECT serial FROM pg_temp.{CHANGE_TABLE}").fetchone()[0]
        after = conn.execute(f"SELECT serial FROM public.{CHANGE_TABLE}").fetchone()[0]
    assert (decoy, after) == (0, before + 1)


def test_a_newer_schema_opens_read_only_with_a_notice(pg_url: str) -> None:
    with psycopg.connect(pg_url) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    kb = KnowledgeBase.open(pg_url)
    try:
        assert kb.readonly
        assert "newer vendortui (schema 9999)" in kb.db.notice
        assert kb.vendor_rows() == []
        with pytest.raises(ReadOnlyError):
            kb.add_vendor("Acme")
    finally:
        kb.db.close()


def test_a_database_of_another_program_is_refused_untouched(pg_server: PgServer) -> None:
    url = pg_server.url(new_database(pg_server))
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE invoices (id int)")
    with pytest.raises(KbError, match="not a vendortui knowledge base"):
        KnowledgeBase.open(url)
    with psycopg.connect(url) as conn:
        tables = conn.execute("SELECT count(*) FROM information_schema.tables "
                              "WHERE table_schema = 'public'").fetchone()[0]  # fmt: skip
    assert tables == 1


def make_role(pg_server: PgServer, url: str, name: str, *, write: bool) -> None:
    database = url.rsplit("/", 1)[1]
    pg_server.sql(f"CREATE ROLE {name} LOGIN PASSWORD '{PASSWORD}'")
    rights = "SELECT, INSERT, UPDATE" if write else "SELECT"
    pg_server.sql(f"GRANT {rights} ON ALL TABLES IN SCHEMA public TO {name}", database)


def test_a_select_only_user_gets_a_read_only_knowledge_base(
    pg_server: PgServer, pg_url: str
) -> None:
    kb = KnowledgeBase.open(pg_url)
    kb.add_vendor("Acme")
    kb.db.close()
    role = f"reader_{uuid.uuid4().hex[:8]}"
    make_role(pg_server, pg_url, role, write=False)
    url = pg_url.replace("postgres@", f"{role}:{PASSWORD}@")
    reader = KnowledgeBase.open(url)
    try:
        assert reader.readonly
        assert "may only read" in reader.db.notice and PASSWORD not in reader.db.notice
        assert [row.name for row in reader.vendor_rows()] == ["Acme"]
        with pytest.raises(ReadOnlyError, match="may only read"):
            reader.update(Vendor, reader.find_vendor_id("acme"), category="x")
    finally:
        reader.db.close()


def test_libpq_credentials_pgpassword_pgpass_and_wrong_password(
    pg_server: PgServer, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """psycopg reads libpq's conventions itself: nothing of ours stores a password."""
    role = f"editor_{uuid.uuid4().hex[:8]}"
    make_role(pg_server, pg_url, role, write=True)
    url = pg_url.replace("postgres@", f"{role}@")
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    KnowledgeBase.open(url).db.close()
    monkeypatch.delenv("PGPASSWORD")
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{pg_server.port}:*:{role}:{PASSWORD}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    KnowledgeBase.open(url).db.close()
    monkeypatch.delenv("PGPASSFILE")
    wrong = url.replace(f"{role}@", f"{role}:not-{PASSWORD}@")
    with pytest.raises(KbError) as error:
        KnowledgeBase.open(wrong)
    message = str(error.value)
    assert "password authentication failed" in message
    assert PASSWORD not in message and f"{role}:***@" in message
    assert len(message.splitlines()) == 1


def test_a_password_in_the_url_is_never_echoed(pg_server: PgServer, tmp_path: Path) -> None:
    """Errors, the log, ``-v`` and notices: the password never appears; ``***`` does."""
    unreachable = f"postgresql://someone:{PASSWORD}@127.0.0.1:1/kb"
    for argv in (["vendors", "-v"], ["show", "acme", "-v"], ["vendors", "add", "X", "-v"]):
        out = run_cli(*argv, "--db", unreachable)
        assert out.returncode == 2, out.stderr
        assert "Cannot reach the team server postgresql://someone:***@127.0.0.1:1/kb" in out.stderr
        assert PASSWORD not in out.stdout + out.stderr
    logs = [p.read_text() for p in tmp_path.rglob("*.log*") if p.is_file()]
    assert logs and not any(PASSWORD in log for log in logs)
    for name in os.listdir(tmp_path):
        assert PASSWORD not in name


def test_read_commands_on_a_server_import_no_sqlmodel(pg_url: str) -> None:
    kb = KnowledgeBase.open(pg_url)
    kb.add_vendor("Acme", status="production")
    kb.db.close()
    for argv in (["vendors"], ["show", "acme"], ["due"], ["probe", "list"]):
        loaded = imported_after([*argv, "--db", pg_url], ("sqlmodel", "sqlalchemy", "alembic"))
        assert loaded == [], (argv, loaded)


def test_commands_work_on_a_server_through_vendortui_db(pg_url: str) -> None:
    env = {"VENDORTUI_DB": pg_url}
    assert run_cli("vendors", "add", "Acme Cloud", env=env).stdout.strip() == "acme-cloud"
    listed = run_cli("vendors", "--json", env=env)
    assert '"slug": "acme-cloud"' in listed.stdout, listed.stderr
    shown = run_cli("show", "acme-cloud", env=env)
    assert shown.returncode == 0 and "Acme Cloud" in shown.stdout, shown.stderr


def test_demo_on_a_server_loads_once_and_lists_like_a_file(pg_url: str, tmp_path: Path) -> None:
    """``vendortui demo`` takes a server URL as it takes a file: the same 15 vendors, and
    nothing added the second time."""
    first = run_cli("demo", "--db", pg_url)
    assert first.returncode == 0 and "Added 15 demo vendors" in first.stdout, first.stderr
    again = run_cli("demo", "--db", pg_url)
    assert again.returncode == 0 and "Added" not in again.stdout, again.stdout + again.stderr
    on_file = run_cli("demo", "--db", str(tmp_path / "demo.db"))
    assert on_file.returncode == 0, on_file.stderr
    listed = [
        run_cli("vendors", "--json", "--db", db).stdout
        for db in (pg_url, str(tmp_path / "demo.db"))
    ]
    slugs = [sorted(v["slug"] for v in json.loads(text)) for text in listed]
    assert slugs[0] == slugs[1] and len(slugs[0]) == 15


def test_git_sync_on_a_server_says_it_is_for_files(pg_url: str) -> None:
    out = run_cli("sync", "--db", pg_url)
    assert out.returncode == 2
    assert out.stderr.strip().endswith("git sync and its commands are for knowledge-base files "
                                       "(pass --db FILE).")  # fmt: skip
    assert len(out.stderr.strip().splitlines()) == 1

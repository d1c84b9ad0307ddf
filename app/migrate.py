"""Applying Alembic revisions to a knowledge-base file.

Follows what was verified on this machine (see ARCHITECTURE.md): foreign keys OFF while
migrating (a batch table rebuild would otherwise cascade-delete child rows), one
``BEGIN IMMEDIATE`` transaction with transactional DDL so a failed migration leaves nothing
half-done, and ``PRAGMA foreign_key_check`` afterwards.

A new file takes a shortcut: ``create`` runs ``schema.sql`` (what the migrations make at
head, stamped with the head revision) with stdlib ``sqlite3``, so creating a knowledge base
imports neither Alembic nor SQLAlchemy (over a second of CPU, most of ``vendortui demo``'s
cost on a new file). Files that exist go through Alembic. ``tests/core/test_schema_script.py``
holds the script equal to the migrations.

Developers create a revision with ``python -m vendortui.app.migrate revision "what changed"``
and then regenerate the script with ``python -m vendortui.app.migrate schema``.
"""

from __future__ import annotations

import sqlite3
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

from vendortui.app.db import connect_raw
from vendortui.app.dbfile import known_revisions
from vendortui.app.errors import KbError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SCHEMA = Path(__file__).parent / "schema.sql"
"""The schema the migrations make at head, as SQL (``python -m vendortui.app.migrate schema``)."""
SCHEMA_HEADER = (
    "-- The knowledge-base schema at the newest revision, as the migrations make it on SQLite.\n"
    "-- Generated: python -m vendortui.app.migrate schema (after adding a revision). Do not edit.\n"
)


def _config(path: Path | None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if path is not None:
        config.set_main_option("sqlalchemy.url", f"sqlite:///{path}")
    return config


def _engine(path: Path) -> Any:
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import NullPool

    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)

    @event.listens_for(engine, "do_connect")
    def _connect(dialect: Any, record: Any, cargs: Any, cparams: Any) -> Any:
        conn = connect_raw(path, foreign_keys=False)
        conn.execute("PRAGMA journal_mode=DELETE")
        return conn

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def upgrade(path: Path, revision: str = "head") -> None:
    """Bring ``path`` to ``revision`` (default: the newest this build knows)."""
    from alembic import command

    engine = _engine(path)
    config = _config(path)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise KbError(
                    f"Upgrading {path} would leave {len(problems)} broken references; "
                    "nothing was changed. Please report this with the file."
                )
    finally:
        engine.dispose()


def create(path: Path) -> bool:
    """Make the tables of a new (missing or empty) file from ``SCHEMA``, without Alembic.

    One ``BEGIN IMMEDIATE`` transaction, as a migration: a failure leaves no table behind.
    Returns whether the file is now at head. ``False`` means ``upgrade`` has to follow: another
    process created the tables first or sync renamed another file into place meanwhile
    (nothing was done here), or the script is older than the migrations (its tables are in;
    Alembic takes them the rest of the way).
    """
    statements = schema_statements(SCHEMA.read_text(encoding="utf-8"))
    # ``with conn``: COMMIT on success, ROLLBACK on any exception (the transaction is ours).
    with closing(connect_raw(path, foreign_keys=False)) as conn, conn:
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("BEGIN IMMEDIATE")
        made = conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is not None
        if made or not conn.holds(path):
            return False
        for statement in statements:
            conn.execute(statement)
        (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return bool(revision == known_revisions()[-1])


def schema_statements(script: str) -> list[str]:
    """The statements of a SQL script, one by one (a trigger's body keeps its semicolons).

    ``executescript`` would commit the transaction ``create`` holds, so each runs alone.
    """
    statements, pending = [], ""
    for line in script.splitlines(keepends=True):
        if not pending and (not line.strip() or line.startswith("--")):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        raise ValueError(f"{SCHEMA.name} ends inside a statement: {pending.strip()[:60]}")
    return statements


def schema_script(path: Path) -> str:
    """The SQL that makes ``path``'s schema again, in its order, stamped with its revision.

    Read from ``sqlite_master`` of a file the migrations made, so the text is SQLite's own
    (what the file holds after batch rebuilds and added columns); SQLite's automatic indexes
    (no SQL) come back by themselves with their tables, and its own tables (``sqlite_stat1``
    after an ``ANALYZE``) are its to make. Sync's merge base of two unrelated histories is
    made from it too (``sync.merge.empty_like``).
    """
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid"
        ).fetchall()
        (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    conn.close()
    body = "".join(f"{sql};\n\n" for (sql,) in rows)
    stamp = f"INSERT INTO alembic_version (version_num) VALUES ('{revision}');\n"
    return SCHEMA_HEADER + "\n" + body + stamp


def upgrade_server(url: str, revision: str = "head") -> None:
    """Bring the PostgreSQL database at ``url`` to ``revision``, in one transaction.

    PostgreSQL runs DDL inside transactions, so a failed revision leaves nothing behind. An
    advisory lock makes two vendortui processes opening an empty database at once take turns;
    the second finds the schema current and Alembic does nothing.
    """
    from alembic import command
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from vendortui.app.db_pg import CONNECT_TIMEOUT_S, SESSION_OPTIONS, WRITE_LOCK
    from vendortui.app.dburl import sqlalchemy_url

    engine = create_engine(
        sqlalchemy_url(url),
        poolclass=NullPool,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "options": SESSION_OPTIONS},
    )
    config = _config(None)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


USAGE = "usage: python -m vendortui.app.migrate revision MESSAGE | schema"


def main(argv: list[str]) -> int:
    """``python -m vendortui.app.migrate revision MESSAGE``: autogenerate a revision;
    ``... schema``: write ``SCHEMA`` from the migrations (after a revision is final)."""
    import tempfile

    from alembic import command

    if argv == ["schema"]:
        with tempfile.TemporaryDirectory() as tmp:
            scratch = Path(tmp) / "scratch.db"
            upgrade(scratch)
            SCHEMA.write_text(schema_script(scratch), encoding="utf-8")
        print(f"wrote {SCHEMA}")
        return 0
    if len(argv) != 2 or argv[0] != "revision":
        print(USAGE, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp) / "scratch.db"
        upgrade(scratch)
        config = _config(scratch)
        engine = _engine(scratch)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            number = f"{len(list((MIGRATIONS_DIR / 'versions').glob('[0-9]*_*.py'))) + 1:04d}"
            command.revision(config, message=argv[1], autogenerate=True, rev_id=number)
        engine.dispose()
    print(f"read and fix revision {number}, then run: python -m vendortui.app.migrate schema")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

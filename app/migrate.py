"""Applying Alembic revisions to a knowledge-base file.

Follows what was verified on this machine (see ARCHITECTURE.md): foreign keys OFF while
migrating (a batch table rebuild would otherwise cascade-delete child rows), one
``BEGIN IMMEDIATE`` transaction with transactional DDL so a failed migration leaves nothing
half-done, and ``PRAGMA foreign_key_check`` afterwards.

Developers create a revision with ``python -m vendortui.app.migrate revision "what changed"``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from vendortui.app.db import connect_raw
from vendortui.app.errors import KbError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


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


def main(argv: list[str]) -> int:
    """``python -m vendortui.app.migrate revision MESSAGE``: autogenerate a revision."""
    import tempfile

    from alembic import command

    if len(argv) != 2 or argv[0] != "revision":
        print("usage: python -m vendortui.app.migrate revision MESSAGE", file=sys.stderr)
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
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""A new knowledge base is made from ``app/schema.sql``, not by Alembic: the script must make
exactly what the migrations make, stamped with the same revision.

A new revision without a regenerated script fails ``test_the_script_makes_what_the_migrations
make`` with the command that fixes it. Should a stale script ship anyway, a new file still
reaches head (Alembic takes it the rest of the way): that is checked too.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.core.cli_process import imported_after
from vendortui.app import migrate
from vendortui.app.db import Database
from vendortui.app.dbfile import known_revisions

REGENERATE = "python -m vendortui.app.migrate schema"
PRAGMAS = ("user_version", "application_id", "journal_mode", "page_size", "auto_vacuum", "encoding")


def described(path: Path) -> dict[str, Any]:
    """Everything about a file's schema: each ``sqlite_master`` entry (tables, indexes,
    automatic indexes, triggers, views) with its SQL text, in order; the stamped revision;
    the file-level settings a migration could change."""
    with sqlite3.connect(path) as conn:
        master = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid"
        ).fetchall()
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        pragmas = {name: conn.execute(f"PRAGMA {name}").fetchone()[0] for name in PRAGMAS}
    conn.close()
    return {"sqlite_master": master, "alembic_version": revision, "pragmas": pragmas}


def answer(path: Path, sql: str) -> list[tuple[Any, ...]]:
    """The rows ``sql`` returns from the file at ``path`` (connection closed after)."""
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


def test_the_script_makes_what_the_migrations_make(tmp_path: Path) -> None:
    migrated, scripted = tmp_path / "migrated.db", tmp_path / "scripted.db"
    migrate.upgrade(migrated)
    assert migrate.create(scripted)
    expected, found = described(migrated), described(scripted)
    assert found == expected, (
        f"app/schema.sql does not make what the migrations make (revision "
        f"{found['alembic_version']} against {expected['alembic_version']}); regenerate it "
        f"with `{REGENERATE}` and commit it"
    )
    assert expected["alembic_version"] == [(known_revisions()[-1],)]


def test_the_script_is_what_the_generator_writes(tmp_path: Path) -> None:
    """Equal text too, so a hand edit (which may still build the same schema) is caught."""
    migrated = tmp_path / "migrated.db"
    migrate.upgrade(migrated)
    assert migrate.SCHEMA.read_text(encoding="utf-8") == migrate.schema_script(migrated), (
        f"app/schema.sql was edited or is stale; regenerate it with `{REGENERATE}`"
    )


@pytest.mark.parametrize("existing", ["missing", "empty"])
def test_a_new_or_empty_file_is_made_without_alembic(tmp_path: Path, existing: str) -> None:
    """A zero-byte file is a new knowledge base for a write (issue 10), as a missing one."""
    path = tmp_path / "kb.db"
    if existing == "empty":
        path.touch()
    packages = ("alembic", "sqlalchemy", "sqlmodel", "pydantic", "mako")
    assert imported_after(["demo", "--db", str(path)], packages) == []
    assert described(path)["alembic_version"] == [(known_revisions()[-1],)]
    assert answer(path, "SELECT count(*) FROM vendor") == [(15,)]


def test_a_script_behind_the_migrations_still_makes_a_file_at_head(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A forgotten regeneration costs speed, never the schema: Alembic finishes the file."""
    older = tmp_path / "older.db"
    migrate.upgrade(older, known_revisions()[-2])
    stale = tmp_path / "schema.sql"
    stale.write_text(migrate.schema_script(older), encoding="utf-8")
    monkeypatch.setattr(migrate, "SCHEMA", stale)
    migrated, opened = tmp_path / "migrated.db", tmp_path / "opened.db"
    migrate.upgrade(migrated)
    Database.open(opened).close()
    assert described(opened) == described(migrated)


def test_create_leaves_a_file_someone_else_made_to_alembic(tmp_path: Path) -> None:
    """Two processes creating one file: the second finds tables under its lock and does
    nothing (``upgrade`` then finds the file current)."""
    path = tmp_path / "kb.db"
    migrate.upgrade(path)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO setting (id, created_at, updated_at, updated_by, key, value)"
            " VALUES ('x', '2026-01-01', '2026-01-01', '', 'k', 'v')"
        )
    conn.close()
    before = path.read_bytes()
    assert migrate.create(path) is False
    assert path.read_bytes() == before


def test_a_failing_script_leaves_no_table_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One transaction, as a migration: a statement that fails takes the earlier ones back."""
    broken = tmp_path / "schema.sql"
    broken.write_text(
        migrate.SCHEMA.read_text(encoding="utf-8") + "CREATE TABLE vendor (id TEXT);\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(migrate, "SCHEMA", broken)
    path = tmp_path / "kb.db"
    with pytest.raises(sqlite3.OperationalError, match="already exists"):
        migrate.create(path)
    assert answer(path, "SELECT count(*) FROM sqlite_master") == [(0,)]


def test_create_does_nothing_to_a_file_swapped_in_before_its_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sync renames a teammate's file into place after ``create`` opened the new one but
    before it holds the lock: ``create`` must not fill the unlinked file and report the path
    current (the file now there would then never be migrated)."""
    path = tmp_path / "kb.db"
    theirs = tmp_path / "theirs.db"
    migrate.upgrade(theirs, "0001")
    opened = migrate.connect_raw
    swapped: list[bool] = []

    def open_then_swap(target: Path, **options: Any) -> Any:
        conn = opened(target, **options)
        if not swapped:
            theirs.replace(path)
            swapped.append(True)
        return conn

    monkeypatch.setattr(migrate, "connect_raw", open_then_swap)
    assert migrate.create(path) is False
    monkeypatch.undo()
    assert swapped
    assert answer(path, "SELECT version_num FROM alembic_version") == [("0001",)]
    Database.open(path).close()
    assert described(path)["alembic_version"] == [(known_revisions()[-1],)]


def test_processes_creating_one_new_file_at_once_all_open_it_at_head(tmp_path: Path) -> None:
    """Three processes open the same missing file at the same moment (a script starting
    several commands): each opens it, and the file is whole and at head."""
    path = tmp_path / "kb.db"
    code = (
        "import sys; from pathlib import Path; from vendortui.app.db import Database; "
        "Database.open(Path(sys.argv[1])).close()"
    )
    children = [
        subprocess.Popen([sys.executable, "-c", code, str(path)], stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    for child in children:
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0, err.decode()
    assert described(path)["alembic_version"] == [(known_revisions()[-1],)]
    assert answer(path, "PRAGMA integrity_check") == [("ok",)]


def test_the_schema_of_an_analyzed_file_is_made_again_without_sqlite_own_tables(
    tmp_path: Path,
) -> None:
    """After ``ANALYZE`` a file holds ``sqlite_stat1``, which only SQLite may create: the
    script read from it (sync's empty merge base) leaves it out and runs."""
    model = tmp_path / "model.db"
    migrate.upgrade(model)
    with sqlite3.connect(model) as conn:
        conn.execute("ANALYZE")
        assert conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone()
    conn.close()
    again = tmp_path / "again.db"
    with sqlite3.connect(again, isolation_level=None) as conn:
        for statement in migrate.schema_statements(migrate.schema_script(model)):
            conn.execute(statement)
    conn.close()
    assert described(again) == described(tmp_path / "model.db") | {
        "sqlite_master": [
            row for row in described(model)["sqlite_master"] if row[1] != "sqlite_stat1"
        ]
    }

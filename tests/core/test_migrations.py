"""Migrations: every revision upgrades to head, and the models match the migrated schema."""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path

import pytest

from vendortui.app.dbfile import VERSIONS_DIR, known_revisions
from vendortui.app.migrate import upgrade


def test_revision_ids_are_the_file_prefixes_and_form_one_chain() -> None:
    previous = None
    for path in sorted(VERSIONS_DIR.glob("[0-9]*_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        assert module.revision == path.name[:4]
        assert module.down_revision == previous
        previous = module.revision
    assert previous == known_revisions()[-1]


@pytest.mark.parametrize("start", [None, *known_revisions()])
def test_upgrade_from_every_revision_reaches_head(tmp_path: Path, start: str | None) -> None:
    path = tmp_path / "kb.db"
    if start is not None:
        upgrade(path, start)
    upgrade(path)
    conn = sqlite3.connect(path)
    assert (
        conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        == (known_revisions()[-1])
    )
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_models_match_the_migrated_schema(tmp_path: Path) -> None:
    """A model change without a migration fails here, not on a teammate's machine."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from vendortui import models
    from vendortui.models import Synced

    models.load_all()
    path = tmp_path / "kb.db"
    upgrade(path)
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Synced.metadata)
    engine.dispose()
    assert diff == []


def test_every_synced_table_has_the_identity_columns(tmp_path: Path) -> None:
    from vendortui import models

    path = tmp_path / "kb.db"
    upgrade(path)
    conn = sqlite3.connect(path)
    for table in models.SYNCED_TABLES:
        columns = {row[1]: row for row in conn.execute(f"PRAGMA table_info({table.__tablename__})")}
        assert {"id", "created_at", "updated_at", "updated_by", "deleted_at"} <= set(columns)
        assert columns["id"][2].startswith("VARCHAR"), "ids are text, never integers"
        assert columns["id"][5] == 1, "id is the primary key"


def test_live_slug_is_unique_but_a_tombstoned_slug_can_be_reused(tmp_path: Path) -> None:
    path = tmp_path / "kb.db"
    upgrade(path)
    conn = sqlite3.connect(path)
    insert = (
        "INSERT INTO vendor (id, created_at, updated_at, updated_by, deleted_at, slug, name,"
        " category, status, rollout_stage, risk_tier, website, description, sso_protocol, scim,"
        " mfa_methods, webauthn_enforced, sso_requires_upgrade, termination_data)"
        " VALUES (?, '2026-01-01', '2026-01-01', '', ?, 'acme', 'Acme', '', 'pilot', '',"
        " 'low', '', '', 'none', 0, '', 0, 0, '')"
    )
    conn.execute(insert, ("a", "2026-02-01"))
    conn.execute(insert, ("b", None))
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(insert, ("c", None))

"""The stdlib write path (``app.sql_writes``) writes what the ORM path writes, refuses what it
refuses, and keeps the write guards of ``Database.write()``.

Each write is done twice, into two copies of the same demo file: once through the ORM
(``KnowledgeBase``, ``ChecklistService``) and once through ``app.sql_writes``; the two
``dump``s must be equal once row ids and time stamps are replaced by their order of appearance.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic_core import PydanticUndefined

from tests.damage import damage_a_middle_page
from vendortui import models
from vendortui.app import sql_writes
from vendortui.app.db import Database
from vendortui.app.demo import load_demo
from vendortui.app.errors import KbError, ReadOnlyError
from vendortui.app.kb import KnowledgeBase
from vendortui.app.sync.dump import dump
from vendortui.models import ProbeConfig
from vendortui.models.ids import utcnow

STAMPED = ("id", "created_at", "updated_at", "updated_by", "deleted_at")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}")
_MOMENT = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}")


def normalised(path: Path) -> str:
    """``dump(path)`` with each id named by its order of first appearance and every time
    stamp blanked: equal dumps mean equal rows, equal links between them, equal values."""
    names: dict[str, str] = {}
    text = _UUID.sub(lambda m: names.setdefault(m.group(), f"<id {len(names)}>"), dump(path))
    return _MOMENT.sub("<moment>", text)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo knowledge base, made once; each test writes into copies of it."""
    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VENDORTUI_USER", "tester@example.com")
        patch.setenv("XDG_CONFIG_HOME", str(folder / "xdg-config"))
        kb = KnowledgeBase.open(folder / "demo.db")
        load_demo(kb)
        kb.db.close()
    return folder / "demo.db"


def both(demo_file: Path, folder: Path) -> tuple[KnowledgeBase, Database]:
    """The demo copied twice: opened for the ORM path and for the stdlib path."""
    for name in ("orm.db", "sql.db"):
        shutil.copyfile(demo_file, folder / name)
    return KnowledgeBase.open(folder / "orm.db"), Database.open(folder / "sql.db")


def outcome(write: Callable[[], Any]) -> str | None:
    """The sentence a write was refused with, or ``None`` if it was done."""
    try:
        write()
    except KbError as exc:
        return str(exc)
    return None


def okta(kb: KnowledgeBase) -> str:
    return kb.find_vendor_id("okta")


def template_file(folder: Path, version: int, title: str) -> Path:
    shipped = Path(__file__).resolve().parents[2] / "seed_data/checklists/annual-review.yaml"
    text = shipped.read_text().replace("key: annual-review", "key: team-review", 1)
    text = re.sub(r"(?m)^version: \d+", f"version: {version}", text, count=1)
    text = re.sub(r"(?m)^title: .*", f"title: {title}", text, count=1)
    path = folder / f"v{version}-{abs(hash(title))}" / "team-review.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


ORM = Callable[[KnowledgeBase, Path], Any]
SQL = Callable[[Database, KnowledgeBase, Path], Any]

VENDOR_VALUES = {"category": "paging", "status": "rolling out", "risk_tier": "high"}
PROBE_VALUES = {
    "name": "  extra\tprobe ",
    "kind": "client_credentials",
    "issuer": "https://login.example.com",
    "client_id": "abc",
    "scopes": "openid",
}

CASES: dict[str, tuple[ORM, SQL]] = {
    "vendors add": (
        lambda kb, _f: kb.add_vendor("Cafe\u0301  Bar,\tInc.", **VENDOR_VALUES),
        lambda db, _kb, _f: sql_writes.add_vendor(db, "Cafe\u0301  Bar,\tInc.", **VENDOR_VALUES),
    ),
    "vendors add (slug taken)": (
        lambda kb, _f: kb.add_vendor("OKTA!", allow_similar=True),
        lambda db, _kb, _f: sql_writes.add_vendor(db, "OKTA!", allow_similar=True),
    ),
    "vendors add (look-alike)": (
        lambda kb, _f: kb.add_vendor("\u041ekta, Inc."),
        lambda db, _kb, _f: sql_writes.add_vendor(db, "\u041ekta, Inc."),
    ),
    "vendors add (hidden character)": (
        lambda kb, _f: kb.add_vendor("Evil\u202eCorp"),
        lambda db, _kb, _f: sql_writes.add_vendor(db, "Evil\u202eCorp"),
    ),
    "vendors add (bad status)": (
        lambda kb, _f: kb.add_vendor("Acme", status="abandoned"),
        lambda db, _kb, _f: sql_writes.add_vendor(db, "Acme", status="abandoned"),
    ),
    "probe add": (
        lambda kb, _f: kb.create(ProbeConfig, vendor_id=okta(kb), **PROBE_VALUES),
        lambda db, kb, _f: sql_writes.create(
            db, "probe_config", {"vendor_id": okta(kb), **PROBE_VALUES}
        ),
    ),
    "probe add (bad issuer)": (
        lambda kb, _f: kb.create(ProbeConfig, vendor_id=okta(kb), name="x", kind="oidc_discovery"),
        lambda db, kb, _f: sql_writes.create(
            db, "probe_config", {"vendor_id": okta(kb), "name": "x", "kind": "oidc_discovery"}
        ),
    ),
    "checklist start": (
        lambda kb, _f: kb.checklists.start_run(okta(kb), "annual-review"),
        lambda db, kb, _f: sql_writes.start_run(
            db, okta(kb), kb.checklists.catalog().get("annual-review")
        ),
    ),
    "checklist import (added, then updated, then unchanged)": (
        lambda kb, f: [
            kb.checklists.import_template(template_file(f, version, title)).action
            for version, title in (
                (1, "Team  review"),
                (2, "Team review two"),
                (2, "Team review two"),
            )
        ],
        lambda db, kb, f: [
            sql_writes.import_template(db, kb.checklists, template_file(f, version, title)).action
            for version, title in (
                (1, "Team  review"),
                (2, "Team review two"),
                (2, "Team review two"),
            )
        ],
    ),
    "checklist import (version not raised)": (
        lambda kb, f: [
            kb.checklists.import_template(template_file(f, 2, title)) for title in ("A", "B")
        ],
        lambda db, kb, f: [
            sql_writes.import_template(db, kb.checklists, template_file(f, 2, title))
            for title in ("A", "B")
        ],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_both_write_paths_leave_the_same_file_and_say_the_same(
    demo_file: Path, tmp_path: Path, case: str
) -> None:
    orm, sql = CASES[case]
    kb, db = both(demo_file, tmp_path)
    reader = KnowledgeBase(db)
    done: dict[str, Any] = {}
    said_orm = outcome(lambda: done.setdefault("orm", orm(kb, tmp_path / "templates")))
    said_sql = outcome(lambda: done.setdefault("sql", sql(db, reader, tmp_path / "templates")))
    kb.db.close()
    assert said_orm == said_sql
    if "import" in case and said_orm is None:
        assert done["orm"] == done["sql"] == ["added", "updated", "unchanged"]
    assert normalised(tmp_path / "sql.db") == normalised(tmp_path / "orm.db")
    changed = normalised(tmp_path / "sql.db") != normalised(demo_file)
    if said_sql is None:
        assert changed, "a write that was done changed the file"
    elif "import" not in case:  # an import refused on its second file keeps the first
        assert not changed, "a refused write changes nothing"


def test_the_stdlib_rows_carry_stamps_and_uuid7_ids(demo_file: Path, tmp_path: Path) -> None:
    _, db = both(demo_file, tmp_path)
    slug = sql_writes.add_vendor(db, "Acme")
    with db.read() as conn:
        row = conn.execute("SELECT * FROM vendor WHERE slug = ?", (slug,)).fetchone()
        runbook = conn.execute("SELECT * FROM runbook WHERE vendor_id = ?", (row["id"],)).fetchone()
    assert _UUID.fullmatch(row["id"]) and _UUID.fullmatch(runbook["id"])
    assert row["updated_by"] == runbook["updated_by"] == "tester@example.com"
    assert _MOMENT.fullmatch(row["created_at"]) and row["created_at"] == row["updated_at"]
    assert row["deleted_at"] is None


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.text(min_size=0, max_size=12))
def test_any_vendor_name_gets_the_same_answer_on_both_paths(
    demo_file: Path, tmp_path: Path, name: str
) -> None:
    folder = Path(os.path.join(tmp_path, str(abs(hash(name)))))
    folder.mkdir(exist_ok=True)
    kb, db = both(demo_file, folder)
    said_orm = outcome(lambda: kb.add_vendor(name))
    said_sql = outcome(lambda: sql_writes.add_vendor(db, name))
    kb.db.close()
    assert said_orm == said_sql
    assert normalised(folder / "sql.db") == normalised(folder / "orm.db")


def test_column_defaults_are_the_models_defaults() -> None:
    """What ``insert`` fills in for a column not given is what SQLModel would."""
    for table_class in models.SYNCED_TABLES:
        table = str(table_class.__tablename__)
        if table not in sql_writes.COLUMN_DEFAULTS:
            continue
        expected = {
            name: field.default
            for name, field in table_class.model_fields.items()
            if name not in STAMPED and field.default is not PydanticUndefined
        }
        assert sql_writes.COLUMN_DEFAULTS[table] == expected, table


def test_a_damaged_file_is_refused_before_the_first_stdlib_write(kb: KnowledgeBase) -> None:
    damage_a_middle_page(kb)
    before = kb.path.read_bytes()
    db = Database.open(kb.path)
    with pytest.raises(KbError, match="is damaged"):
        sql_writes.add_vendor(db, "Acme")
    assert kb.path.read_bytes() == before


def test_a_newer_file_is_refused_by_the_stdlib_path(kb: KnowledgeBase) -> None:
    kb.db.close()
    with sqlite3.connect(kb.path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    before = kb.path.read_bytes()
    db = Database.open(kb.path)
    with pytest.raises(ReadOnlyError, match="newer vendortui"):
        sql_writes.add_vendor(db, "Acme")
    assert kb.path.read_bytes() == before


def test_a_stdlib_write_lands_in_the_file_that_replaced_the_opened_one(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    """Sync swaps the file by rename; a write after that goes into the new file."""
    db = Database.open(kb.path)
    sql_writes.add_vendor(db, "Before")
    replacement = tmp_path / "replacement.db"
    shutil.copyfile(kb.path, replacement)
    os.replace(replacement, kb.path)
    sql_writes.add_vendor(db, "After")
    assert [v.name for v in KnowledgeBase(Database.open(kb.path)).vendor_rows()] == [
        "After",
        "Before",
    ]


def test_a_stdlib_write_never_lands_in_a_file_swapped_between_open_and_lock(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The narrow window: sync renames its merged file into place after the write has opened
    the old one but before it holds the write lock. The write must notice (the inode under
    the lock is not the path's) and go to the new file, not into the unlinked old one."""
    from vendortui.app import db as db_module

    db = Database.open(kb.path)
    replacement = tmp_path / "replacement.db"
    shutil.copyfile(kb.path, replacement)
    opened = db_module.connect_raw
    swapped: list[Path] = []

    def open_then_swap(path: Path, **options: Any) -> Any:
        conn = opened(path, **options)
        if not swapped:
            os.replace(replacement, kb.path)
            swapped.append(path)
        return conn

    monkeypatch.setattr(db_module, "connect_raw", open_then_swap)
    sql_writes.add_vendor(db, "During the swap")
    monkeypatch.undo()
    assert swapped == [kb.path]
    assert [v.name for v in KnowledgeBase(Database.open(kb.path)).vendor_rows()] == [
        "During the swap"
    ]


@pytest.mark.parametrize("user", ["  Ann\tLee\n", "Mallory\u202e"])
@pytest.mark.parametrize("case", ["vendors add", "probe add", "checklist start"])
def test_the_one_line_rule_holds_on_what_validation_never_sees(
    demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, user: str, case: str
) -> None:
    """``updated_by`` (who the config says you are) reaches the row without ``clean``: the
    ORM's flush hook normalises or refuses it, and so must the stdlib path."""
    orm, sql = CASES[case]
    kb, db = both(demo_file, tmp_path)
    monkeypatch.setenv("VENDORTUI_USER", user)
    said_orm = outcome(lambda: orm(kb, tmp_path))
    said_sql = outcome(lambda: sql(db, KnowledgeBase(db), tmp_path))
    kb.db.close()
    assert said_orm == said_sql
    assert (said_sql is None) == (user.strip() == "Ann\tLee")
    assert normalised(tmp_path / "sql.db") == normalised(tmp_path / "orm.db")


def test_every_write_command_works_on_a_server_through_the_orm(pg_url: str, tmp_path: Path) -> None:
    """A team server is not a file: the commands fall back to the ORM path and still write."""
    from tests.core.cli_process import run_cli

    kb = KnowledgeBase.open(pg_url)
    template = template_file(tmp_path, 1, "Team review")
    for argv in (
        ["vendors", "add", "Okta"],
        ["probe", "add", "okta", "--kind", "oidc_discovery", "--issuer", "https://x.example"],
        ["checklist", "start", "okta", "annual-review"],
        ["checklist", "import", str(template)],
    ):
        done = run_cli(*argv, "--db", pg_url)
        assert done.returncode == 0, done.stderr
    okta_id = kb.find_vendor_id("okta")
    assert [p.name for p in kb.probes.configs([okta_id])] == ["oidc discovery"]
    assert [run.title for run in kb.checklists.runs(okta_id)] == ["Annual review"]
    assert "team-review" in kb.checklists.catalog(refresh=True).templates
    kb.db.close()


def test_a_write_command_on_an_older_file_migrates_it_then_writes(tmp_path: Path) -> None:
    """The migration on open comes before either write path: the stdlib one writes into the
    upgraded schema (a column added since the first revision gets its default)."""
    from tests.core.cli_process import run_cli
    from vendortui.app.dbfile import known_revisions, read_revision
    from vendortui.app.migrate import upgrade

    path = tmp_path / "old.db"
    upgrade(path, known_revisions()[0])
    done = run_cli("vendors", "add", "Acme", "--db", str(path))
    assert done.returncode == 0, done.stderr
    assert read_revision(path) == known_revisions()[-1]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT slug, extra_domains FROM vendor").fetchall() == [("acme", "")]
    conn.close()


def test_a_stdlib_write_that_fails_halfway_leaves_nothing(kb: KnowledgeBase) -> None:
    db = Database.open(kb.path)
    with pytest.raises(KbError, match="invisible character"), db.write_sql() as conn:
        sql_writes.insert(conn, "vendor", {"slug": "a", "name": "A"}, now=utcnow(), who="me")
        sql_writes.insert(conn, "vendor", {"slug": "b", "name": "B\u200b"}, now=utcnow(), who="me")
    assert kb.vendor_rows() == []
    with db.write_sql() as conn:
        sql_writes.insert(conn, "vendor", {"slug": "a", "name": "A"}, now=utcnow(), who="me")
    assert [row.slug for row in kb.vendor_rows()] == ["a"]

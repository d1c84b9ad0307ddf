"""The demo knowledge base: loads in one go, is idempotent, and exercises the attention list."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.core.test_sql_writes import _UUID
from tests.templates import copy_of
from vendortui.app import demo, sql_writes
from vendortui.app.demo import load_demo, seed_date
from vendortui.app.errors import KbError
from vendortui.app.kb import KnowledgeBase
from vendortui.app.sync.dump import dump
from vendortui.app.validation import FieldError


def test_relative_seed_dates() -> None:
    today = date(2028, 2, 28)
    assert seed_date("today+1d", today) == date(2028, 2, 29)
    assert seed_date("today-365d", today) == date(2027, 2, 28)
    assert seed_date("today", today) == today
    assert seed_date("2026-03-01", today) == date(2026, 3, 1)
    assert seed_date("", today) is None
    with pytest.raises(ValueError):
        seed_date("yesterday", today)


def test_demo_loads_people_once_and_fills_the_attention_list(kb: KnowledgeBase) -> None:
    assert load_demo(kb) == 15
    assert load_demo(kb) == 0
    with kb.db.read() as conn:
        emails = [r[0] for r in conn.execute("SELECT email FROM person WHERE email != ''")]
    assert len(emails) == len(set(emails)), "a person in several vendor files is one person"
    kinds = {item.kind for item in kb.attention()}
    assert {"no_backup", "inactive_lead", "cancel_by", "runbook_stale", "sunsetting"} <= kinds
    assert any(kind.startswith("event_") for kind in kinds)
    statuses = {row.status for row in kb.vendor_rows()}
    assert statuses == {"evaluating", "pilot", "rolling_out", "production", "sunsetting", "retired"}


@pytest.mark.both_backends
def test_demo_on_either_backend_loads_once(kb: KnowledgeBase) -> None:
    """A file takes stdlib ``sqlite3``, a team server the ORM: both load it, once."""
    assert load_demo(kb) == 15
    assert load_demo(kb) == 0
    with kb.db.read() as conn:
        ticks = conn.execute("SELECT count(*) FROM checklist_tick").fetchone()[0]
    assert ticks > 0


def table_rows(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, in insertion order, each id named by its first appearance."""
    names: dict[str, str] = {}

    def named(value: Any) -> Any:
        if isinstance(value, str):
            return _UUID.sub(lambda m: names.setdefault(m.group(), f"<id {len(names)}>"), value)
        return value

    found = {}
    with closing(sqlite3.connect(path)) as conn:
        tables = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        ).fetchall()
        for (table,) in tables:
            cursor = conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid')
            columns = [column[0] for column in cursor.description]
            found[table] = [
                {name: named(value) for name, value in zip(columns, row, strict=True)}
                for row in cursor
            ]
    return found


def test_the_stdlib_load_writes_what_the_orm_load_writes(
    kb_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo is written through ``sql_writes.rows_writer``: stdlib on a file, the ORM on a
    server. Loaded both ways into two files at the same moment, every table holds the same
    rows (ids aside): stamps, defaults, stored forms, links, the tick and stage bookkeeping."""
    monkeypatch.setattr(demo, "utcnow", lambda: datetime(2026, 5, 4, 3, 2, 1, 123456, tzinfo=UTC))
    today = date(2026, 5, 4)
    sql_kb = KnowledgeBase.open(copy_of(kb_template, tmp_path / "sql.db"))
    assert load_demo(sql_kb, today) == 15
    monkeypatch.setattr(sql_writes, "supported", lambda db: False)
    orm_kb = KnowledgeBase.open(copy_of(kb_template, tmp_path / "orm.db"))
    assert load_demo(orm_kb, today) == 15
    for base in (sql_kb, orm_kb):
        base.db.close()
    stdlib, orm = table_rows(sql_kb.path), table_rows(orm_kb.path)
    assert {table: len(rows) for table, rows in stdlib.items()} == {
        table: len(rows) for table, rows in orm.items()
    }
    for table, rows in orm.items():
        assert stdlib[table] == rows, table
    assert stdlib["checklist_tick"], "the demo walks checklists"


def test_a_bad_vendor_file_loads_nothing(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file refused half-way (here the last one's vendor values) rolls back every row."""
    real_clean = demo.clean

    def refuse_the_last(table: str, values: dict[str, Any]) -> dict[str, Any]:
        if table == "vendor" and values.get("slug") == "sentry":
            raise FieldError("website", "is not a web address")
        return real_clean(table, values)

    monkeypatch.setattr(demo, "clean", refuse_the_last)
    assert_loads_nothing(kb, KbError, r"The demo file sentry\.yaml is invalid .*nothing was loaded")


def test_a_seed_file_with_an_impossible_date_is_named_and_loads_nothing(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """YAML refuses 2026-02-30 with a ValueError: one sentence naming the file, not a
    traceback, and no vendor of any file written."""
    shipped = demo._vendor_files()
    [sentry] = [f for f in shipped if f.name == "sentry.yaml"]
    text = sentry.read_text(encoding="utf-8")
    changed = text.replace("slug: sentry", "slug: zz-bad").replace(
        "start: today-480d", "start: 2026-02-30"
    )
    assert changed.count("zz-bad") == 1 and "2026-02-30" in changed, "sentry.yaml changed"
    bad = tmp_path / "zz-bad.yaml"
    bad.write_text(changed, encoding="utf-8")
    monkeypatch.setattr(demo, "_vendor_files", lambda: [*shipped, bad])
    assert_loads_nothing(kb, KbError, r"The demo file zz-bad\.yaml is invalid .*nothing was loaded")


def test_an_error_of_the_writing_itself_is_not_blamed_on_a_seed_file(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only reading the seed files is checked for bad data: a fault in the writer (here a
    KeyError) surfaces as itself, so the crash report points at the code, not the demo."""

    def broken(*_args: Any, **_kwargs: Any) -> str:
        raise KeyError("a writer bug")

    monkeypatch.setattr(sql_writes, "insert", broken)
    assert_loads_nothing(kb, KeyError, "a writer bug")


def assert_loads_nothing(kb: KnowledgeBase, error: type[Exception], match: str) -> None:
    """``load_demo`` raises ``error`` matching ``match`` and the file is as it was."""
    before = dump(kb.path)
    with pytest.raises(error, match=match):
        load_demo(kb)
    assert dump(kb.path) == before

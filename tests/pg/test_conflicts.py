"""Conflicts on both backends: rows a merge recorded (arriving on a server by ``migrate FILE
URL``) are listed with their row's label and current value, and resolved by mine, theirs or
a typed value, whatever the column's type."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.cli_process import run_cli
from vendortui.app.kb import KnowledgeBase
from vendortui.app.sync.conflicts import ConflictService, list_open, resolve
from vendortui.models import Conflict, Event

pytestmark = pytest.mark.both_backends
ME, THEM = "me@example.com", "them@example.com"


def record(kb: KnowledgeBase, table: str, row_id: str, field: str, ours: str, theirs: str) -> str:
    """A conflict row as a merge writes it (values as text, sides as the merging clone's)."""
    row = Conflict(
        table_name=table,
        row_id=row_id,
        field=field,
        ours_value=ours,
        theirs_value=theirs,
        ours_by=ME,
        theirs_by=THEM,
        provisional=theirs,
    )
    with kb.db.write() as session:
        session.add(row)
    return row.id


def test_conflicts_are_listed_and_resolved_on_either_backend(kb: KnowledgeBase) -> None:
    vendor = kb.add_vendor("Acme Paging", category="paging")
    event = kb.create(Event, vendor_id=vendor.id, kind="note", occurred_at="2026-01-01", title="x")
    category = record(kb, "vendor", vendor.id, "category", "paging", "alerting")
    scim = record(kb, "vendor", vendor.id, "scim", "0", "1")
    when = record(kb, "event", event.id, "occurred_at", "2026-01-01 00:00:00.000000", "")
    service = ConflictService(kb.db, me=ME)
    assert service.count_open() == 3
    listed = {view.id: view for view in service.list_open()}
    assert set(listed) == {category, scim, when}
    assert listed[category].row_label == "Acme Paging"
    assert (listed[category].mine, listed[category].theirs) == ("paging", "alerting")
    assert listed[category].current == "paging"
    assert listed[scim].current == "0"

    resolve(kb.db, category, "theirs", me=ME)
    resolve(kb.db, scim, "theirs", me=ME)
    resolve(kb.db, when, "value", "2026-03-04 05:06", me=ME)
    assert service.count_open() == 0 and list_open(kb.db, me=ME) == []
    card = kb.card(vendor.id)
    assert (card.vendor.category, card.vendor.scim) == ("alerting", True)
    assert card.events[0].occurred_at.isoformat() == "2026-03-04T05:06:00+00:00"
    assert kb.card(vendor.id).vendor.updated_by == ME


def test_conflicts_migrated_from_a_file_are_listed_on_the_server(
    pg_url: str, tmp_path: Path
) -> None:
    kb = KnowledgeBase.open(tmp_path / "merged.db")
    vendor = kb.add_vendor("Acme Paging", category="paging")
    conflict = record(kb, "vendor", vendor.id, "category", "paging", "alerting")
    in_file = list_open(kb.db, me=ME)
    out = run_cli("migrate", str(kb.path), pg_url)
    assert out.returncode == 0, out.stderr
    server = KnowledgeBase.open(pg_url)
    try:
        assert list_open(server.db, me=ME) == in_file and in_file[0].id == conflict
        resolve(server.db, conflict, "mine", me=ME)
        assert list_open(server.db, me=ME) == []
        assert server.card(vendor.id).vendor.category == "paging"
        assert server.card(vendor.id).vendor.updated_by == ME
        with server.db.read() as conn:
            resolved = conn.execute("SELECT resolution FROM conflict").fetchone()[0]
        assert resolved == "mine"
    finally:
        server.db.close()
        kb.db.close()

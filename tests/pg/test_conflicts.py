"""Conflicts on both backends: rows a merge recorded (arriving on a server by ``migrate FILE
URL``) are listed with their row's label and current value, and resolved by mine, theirs or
a typed value, whatever the column's type."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.cli_process import run_cli
from tests.sync.test_resolve_values import _conflict as record
from vendortui.app.kb import KnowledgeBase
from vendortui.app.sync.conflicts import ConflictService, list_open, resolve
from vendortui.models import Event

pytestmark = pytest.mark.both_backends
ME = "me@example.com"
"""The merging clone's user in ``record``'s rows (its side is "mine", "a"; theirs is "b")."""


def test_conflicts_are_listed_and_resolved_on_either_backend(kb: KnowledgeBase) -> None:
    vendor = kb.add_vendor("Acme Paging", category="paging")
    event = kb.create(Event, vendor_id=vendor.id, kind="note", occurred_at="2026-01-01", title="x")
    category = record(kb, "vendor", vendor.id, "category")
    scim = record(kb, "vendor", vendor.id, "scim")
    when = record(kb, "event", event.id, "occurred_at")
    service = ConflictService(kb.db, me=ME)
    assert service.count_open() == 3
    listed = {view.id: view for view in service.list_open()}
    assert set(listed) == {category, scim, when}
    assert listed[category].row_label == "Acme Paging"
    assert (listed[category].mine, listed[category].theirs) == ("a", "b")
    assert listed[category].current == "paging"
    assert listed[scim].current == "0"

    resolve(kb.db, category, "theirs", me=ME)
    resolve(kb.db, scim, "value", "true", me=ME)
    resolve(kb.db, when, "value", "2026-03-04 05:06", me=ME)
    assert service.count_open() == 0 and list_open(kb.db, me=ME) == []
    card = kb.card(vendor.id)
    assert (card.vendor.category, card.vendor.scim) == ("b", True)
    assert card.events[0].occurred_at.isoformat() == "2026-03-04T05:06:00+00:00"
    assert kb.card(vendor.id).vendor.updated_by == ME


def test_conflicts_migrated_from_a_file_are_listed_on_the_server(
    pg_url: str, tmp_path: Path
) -> None:
    kb = KnowledgeBase.open(tmp_path / "merged.db")
    vendor = kb.add_vendor("Acme Paging", category="paging")
    conflict = record(kb, "vendor", vendor.id, "category")
    in_file = list_open(kb.db, me=ME)
    out = run_cli("migrate", str(kb.path), pg_url)
    assert out.returncode == 0, out.stderr
    server = KnowledgeBase.open(pg_url)
    try:
        assert list_open(server.db, me=ME) == in_file and in_file[0].id == conflict
        resolve(server.db, conflict, "mine", me=ME)
        assert list_open(server.db, me=ME) == []
        assert server.card(vendor.id).vendor.category == "a"
        assert server.card(vendor.id).vendor.updated_by == ME
        with server.db.read() as conn:
            resolved = conn.execute("SELECT resolution FROM conflict").fetchone()[0]
        assert resolved == "mine"
    finally:
        server.db.close()
        kb.db.close()

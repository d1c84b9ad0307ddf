"""Resolving a conflict with a typed value goes through the same validation as a form."""

from __future__ import annotations

import pytest

from vendortui.app.errors import KbError
from vendortui.app.kb import KnowledgeBase
from vendortui.app.sync.conflicts import resolve
from vendortui.app.validation import FieldError
from vendortui.models import Conflict, Event


def _conflict(kb: KnowledgeBase, table: str, row_id: str, field: str) -> str:
    row = Conflict(
        table_name=table,
        row_id=row_id,
        field=field,
        ours_value="a",
        theirs_value="b",
        ours_by="me@example.com",
        theirs_by="them@example.com",
        provisional="b",
    )
    with kb.db.write() as session:
        session.add(row)
    return row.id


def test_bad_values_are_refused_and_change_nothing(kb: KnowledgeBase) -> None:
    vendor = kb.add_vendor("Acme", category="paging")
    event = kb.create(Event, vendor_id=vendor.id, kind="note", occurred_at="2026-01-01", title="x")
    cases = [
        ("vendor", vendor.id, "slug", "Not A Slug!!", FieldError),
        ("vendor", vendor.id, "category", "c" * 500, FieldError),
        ("vendor", vendor.id, "deleted_at", "xyz", KbError),
        ("event", event.id, "occurred_at", "xyz", FieldError),
    ]
    for table, row_id, field, value, error in cases:
        conflict_id = _conflict(kb, table, row_id, field)
        with pytest.raises(error):
            resolve(kb.db, conflict_id, "value", value)
    card = kb.card(vendor.id)
    assert (card.vendor.slug, card.vendor.category) == ("acme", "paging")
    assert [e.occurred_at.year for e in card.events] == [2026]


def test_a_valid_value_is_normalised_like_a_form_edit(kb: KnowledgeBase) -> None:
    vendor = kb.add_vendor("Acme")
    event = kb.create(Event, vendor_id=vendor.id, kind="note", occurred_at="2026-01-01", title="x")
    resolve(kb.db, _conflict(kb, "vendor", vendor.id, "status"), "value", "Rolling out")
    resolve(kb.db, _conflict(kb, "event", event.id, "occurred_at"), "value", "2026-03-04 05:06")
    card = kb.card(vendor.id)
    assert card.vendor.status == "rolling_out"
    assert card.events[0].occurred_at.isoformat() == "2026-03-04T05:06:00+00:00"

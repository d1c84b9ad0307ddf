"""``vendortui show`` reads the card with stdlib sqlite3; it must say what the ORM reading says.

Every demo vendor (people, data categories, runbooks, contract dates, flags) plus tombstoned
rows and an event, read both ways and rendered by the same ``app.card`` functions.
"""

from __future__ import annotations

from datetime import UTC, datetime

from vendortui.app.card import card_json, card_markdown
from vendortui.app.card_rows import read_card
from vendortui.app.demo import load_demo
from vendortui.app.kb import KnowledgeBase
from vendortui.models import DataCategory, Event, Role


def test_the_stdlib_card_equals_the_orm_card_for_every_vendor(kb: KnowledgeBase) -> None:
    load_demo(kb)
    rows = kb.vendor_rows()
    first = rows[0].id
    kb.create(
        Event,
        vendor_id=first,
        kind="note",
        occurred_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        title="On a whole second",
    )
    kb.delete(DataCategory, kb.card(first).data_categories[0].id)
    kb.delete(Role, kb.card(first).roles[0].role.id)
    for row in rows:
        orm = kb.card(row.id)
        with kb.db.read() as conn:
            plain = read_card(conn, row.id)
        assert card_json(plain) == card_json(orm), row.slug
        assert card_markdown(plain) == card_markdown(orm), row.slug

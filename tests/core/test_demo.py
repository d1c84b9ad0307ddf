"""The demo knowledge base: loads in one go, is idempotent, and exercises the attention list."""

from __future__ import annotations

from datetime import date

import pytest

from vendortui.app.demo import load_demo, seed_date
from vendortui.app.kb import KnowledgeBase


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

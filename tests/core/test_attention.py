"""The attention rules, with fixed dates (leap years and the edges of each window)."""

from __future__ import annotations

from datetime import date

import pytest

from vendortui.app.kb import KnowledgeBase
from vendortui.models import Event, Person, Role, Runbook, Vendor

pytestmark = pytest.mark.both_backends


def _kinds(
    kb: KnowledgeBase, today: date, ignore: tuple[str, ...] = ("runbook_unverified",)
) -> dict[str, set[str]]:
    """Vendor -> {kind:severity}; new vendors' never-verified runbooks are left out unless asked."""
    out: dict[str, set[str]] = {}
    for item in kb.attention(today):
        if item.kind not in ignore:
            out.setdefault(item.vendor, set()).add(f"{item.kind}:{item.severity}")
    return out


def test_production_vendor_without_lead_or_backup(kb: KnowledgeBase) -> None:
    vendor = kb.add_vendor("Acme", status="production")
    kb.add_vendor("Trial", status="evaluating")
    assert _kinds(kb, date(2026, 6, 1)) == {"Acme": {"no_lead:overdue", "no_backup:overdue"}}
    person = kb.create(Person, name="Priya", active="no")
    kb.create(Role, vendor_id=vendor.id, person_id=person.id, kind="lead")
    assert _kinds(kb, date(2026, 6, 1)) == {"Acme": {"no_backup:overdue", "inactive_lead:overdue"}}


def test_cancel_by_window_and_leap_day(kb: KnowledgeBase) -> None:
    # 2028 is a leap year: 2028-03-01 minus 30 days is 2028-01-31.
    kb.add_vendor("Acme", status="pilot", contract_end="2028-03-01", notice_days="30")
    assert _kinds(kb, date(2027, 12, 1)) == {}, "cancel-by 61 days away is not yet listed"
    assert _kinds(kb, date(2027, 12, 2)) == {"Acme": {"cancel_by:due"}}
    items = kb.attention(date(2028, 2, 29))
    assert items[0].severity == "overdue"
    assert items[0].when == date(2028, 1, 31)
    assert "passed 29 days ago" in items[0].why
    assert _kinds(kb, date(2028, 3, 2)) == {}, "an ended contract no longer has a cancel-by"


def test_stale_runbook_and_recent_events(kb: KnowledgeBase) -> None:
    vendor = kb.add_vendor("Acme", status="pilot")
    runbook = kb.card(vendor.id).runbook
    kb.add_vendor("Trial", status="evaluating")
    assert _kinds(kb, date(2026, 6, 1), ignore=()) == {"Acme": {"runbook_unverified:due"}}
    kb.verify_runbook(vendor.id)
    kb.update(Runbook, runbook.id, verify_interval_days="90")
    verified = kb.card(vendor.id).runbook.verified_at.date()
    from datetime import timedelta

    assert _kinds(kb, verified + timedelta(days=91)) == {"Acme": {"runbook_stale:overdue"}}
    assert _kinds(kb, verified + timedelta(days=89), ignore=()) == {"Acme": {"runbook_stale:due"}}
    assert _kinds(kb, verified + timedelta(days=30), ignore=()) == {}
    kb.create(Event, vendor_id=vendor.id, kind="breach", occurred_at="2026-05-20", title="x")
    kb.create(Event, vendor_id=vendor.id, kind="note", occurred_at="2026-05-20", title="y")
    kinds = _kinds(kb, date(2026, 6, 1))["Acme"]
    assert "event_breach:due" in kinds
    assert not any(k.startswith("event_note") for k in kinds)
    assert "event_breach:due" not in _kinds(kb, date(2026, 6, 20)).get("Acme", set())


def test_sunsetting_and_deleted_vendors(kb: KnowledgeBase) -> None:
    vendor = kb.add_vendor("Acme", status="sunsetting")
    kb.verify_runbook(vendor.id)
    assert _kinds(kb, date.today()) == {"Acme": {"sunsetting:info"}}
    kb.delete(Vendor, vendor.id)
    assert _kinds(kb, date.today()) == {}

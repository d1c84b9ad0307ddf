"""What needs attention: one list for the home screen and for ``vendortui due``.

Each rule is a small SQL query over live rows that yields ``AttentionItem``s saying why the
vendor is listed and what to do. Rules read through stdlib ``sqlite3`` so the home screen can
show them without SQLModel. ``today`` is passed in, never read from the clock here, so the
date arithmetic is testable.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from vendortui.app.attention_item import SEVERITY_ORDER, AttentionItem, Rule
from vendortui.app.queries import parse_date, parse_moment
from vendortui.models.rules import RECENT_EVENT_DAYS, cancel_by

VERIFY_RUNBOOK = "Walk through the runbook, fix what changed, mark it verified (v on its tab)."


def _day_start(day: date) -> str:
    return datetime.combine(day, time(), tzinfo=UTC).strftime("%Y-%m-%d %H:%M:%S")


def missing_leads(conn: sqlite3.Connection, today: date, within: int) -> Iterable[AttentionItem]:
    """Vendors in production (or rolling out) with no lead or no backup lead."""
    sql = """
    SELECT v.id, v.name, k.kind FROM vendor v
    CROSS JOIN (SELECT 'lead' AS kind UNION ALL SELECT 'backup') k
    WHERE v.deleted_at IS NULL AND v.status IN ('production', 'rolling_out')
      AND NOT EXISTS (
        SELECT 1 FROM role r JOIN person p ON p.id = r.person_id
        WHERE r.vendor_id = v.id AND r.kind = k.kind
          AND r.deleted_at IS NULL AND p.deleted_at IS NULL)
    """
    for vendor_id, name, kind in conn.execute(sql):
        label = "integration lead" if kind == "lead" else "backup lead"
        yield AttentionItem(
            vendor_id,
            name,
            f"no_{kind}",
            "overdue",
            f"In production with no {label}",
            f"Name a {label} on the vendor's People tab.",
        )


def inactive_leads(conn: sqlite3.Connection, today: date, within: int) -> Iterable[AttentionItem]:
    """Leads or backups whose person is marked inactive (left the team, on leave)."""
    sql = """
    SELECT v.id, v.name, r.kind, p.name FROM role r
    JOIN vendor v ON v.id = r.vendor_id JOIN person p ON p.id = r.person_id
    WHERE r.kind IN ('lead', 'backup') AND NOT p.active
      AND r.deleted_at IS NULL AND p.deleted_at IS NULL AND v.deleted_at IS NULL
      AND v.status NOT IN ('retired')
    """
    for vendor_id, name, kind, person in conn.execute(sql):
        yield AttentionItem(
            vendor_id,
            name,
            "inactive_lead",
            "overdue",
            f"{'Lead' if kind == 'lead' else 'Backup lead'} {person} is marked inactive",
            "Hand the relationship to an active person and update the role.",
        )


def cancel_by_dates(conn: sqlite3.Connection, today: date, within: int) -> Iterable[AttentionItem]:
    """Contracts whose last day to give notice is past or within the warning window (the
    config's ``due.cancel_by_warning_days``)."""
    from vendortui.app.config import current

    horizon = max(within, current().value("due.cancel_by_warning_days"))
    sql = """
    SELECT id, name, contract_end, notice_days FROM vendor
    WHERE deleted_at IS NULL AND contract_end IS NOT NULL AND status != 'retired'
    """
    for vendor_id, name, end, notice in conn.execute(sql):
        deadline = cancel_by(parse_date(end), notice)
        if deadline is None or deadline > today + timedelta(days=horizon):
            continue
        ended = parse_date(end)
        if ended is not None and ended < today:
            continue
        days = (deadline - today).days
        overdue = days < 0
        yield AttentionItem(
            vendor_id,
            name,
            "cancel_by",
            "overdue" if overdue else "due",
            (
                f"Cancel-by date {deadline} passed {-days} days ago"
                if overdue
                else f"Cancel-by date {deadline} is in {days} days"
            ),
            "Decide renew or cancel; give notice before the cancel-by date.",
            deadline,
        )


def sunsetting(conn: sqlite3.Connection, today: date, within: int) -> Iterable[AttentionItem]:
    """Vendors being sunset: something is being taken apart."""
    sql = "SELECT id, name FROM vendor WHERE deleted_at IS NULL AND status = 'sunsetting'"
    for vendor_id, name in conn.execute(sql):
        yield AttentionItem(
            vendor_id,
            name,
            "sunsetting",
            "info",
            "Being sunset",
            "Walk the sunset checklist until the vendor can be retired.",
        )


def stale_runbooks(conn: sqlite3.Connection, today: date, within: int) -> Iterable[AttentionItem]:
    """Runbooks never verified, or not verified within their interval.

    Only for vendors someone may be paged about (pilot onwards, not retired): a vendor under
    evaluation has a template runbook that nobody needs yet.
    """
    sql = """
    SELECT v.id, v.name, rb.verified_at, rb.verify_interval_days FROM runbook rb
    JOIN vendor v ON v.id = rb.vendor_id
    WHERE rb.deleted_at IS NULL AND v.deleted_at IS NULL
      AND v.status IN ('pilot', 'rolling_out', 'production', 'sunsetting')
    """
    for vendor_id, name, verified_at, interval in conn.execute(sql):
        verified = parse_moment(verified_at)
        if verified is None:
            yield AttentionItem(
                vendor_id,
                name,
                "runbook_unverified",
                "due",
                "Runbook never verified",
                VERIFY_RUNBOOK,
            )
            continue
        due = verified.date() + timedelta(days=interval or 90)
        if due <= today + timedelta(days=within):
            overdue = due < today
            yield AttentionItem(
                vendor_id,
                name,
                "runbook_stale",
                "overdue" if overdue else "due",
                f"Runbook last verified {verified.date()}, due {due}",
                VERIFY_RUNBOOK,
                due,
            )


def recent_events(conn: sqlite3.Connection, today: date, within: int) -> Iterable[AttentionItem]:
    """Events in the last 30 days: breaches, cloud moves, rollbacks, ..."""
    since = _day_start(today - timedelta(days=RECENT_EVENT_DAYS))
    sql = """
    SELECT v.id, v.name, e.kind, e.title, e.occurred_at FROM event e
    JOIN vendor v ON v.id = e.vendor_id
    WHERE e.deleted_at IS NULL AND v.deleted_at IS NULL AND e.occurred_at >= ?
      AND e.kind != 'note'
    ORDER BY e.occurred_at DESC
    """
    for vendor_id, name, kind, title, occurred in conn.execute(sql, (since,)):
        when = parse_moment(occurred)
        severity = "due" if kind in ("breach", "incident") else "info"
        yield AttentionItem(
            vendor_id,
            name,
            f"event_{kind}",
            severity,
            f"{kind.replace('_', ' ').capitalize()}: {title}",
            "Read the event and decide whether a checklist (breach response, review) is needed.",
            when.date() if when else None,
        )


def _probe_rules(conn: sqlite3.Connection, today: date, within: int) -> Iterable[AttentionItem]:
    """``app.probes.due``'s rules, imported on first use: they bring the probe store (and
    asyncio), which the first frame and ``vendortui vendors`` do not need."""
    from vendortui.app.probes.due import probe_rules

    return probe_rules(conn, today, within)


def _checklist_rules(conn: sqlite3.Connection, today: date, within: int) -> Iterable[AttentionItem]:
    """``app.checklists.due``'s rules, imported on first use: they bring the template catalog
    (and PyYAML), which the first frame and ``vendortui vendors`` do not need."""
    from vendortui.app.checklists.due import checklist_rules

    return checklist_rules(conn, today, within)


def _public_rules(conn: sqlite3.Connection, today: date, within: int) -> Iterable[AttentionItem]:
    """``app.public_data.attention``'s rule, imported on first use: it loads the public
    datasets, which the first frame and ``vendortui vendors`` do not need."""
    from vendortui.app.public_data.attention import public_rules

    return public_rules(conn, today, within)


RULES: list[Rule] = [
    missing_leads,
    inactive_leads,
    cancel_by_dates,
    stale_runbooks,
    sunsetting,
    recent_events,
    _probe_rules,
    _checklist_rules,
    _public_rules,
]
"""Every rule, in the order their items are listed within one severity."""


def attention(conn: sqlite3.Connection, today: date, within: int = 30) -> list[AttentionItem]:
    """Everything that needs attention, most urgent first.

    ``within`` widens "due soon" windows for rules that have one (reviews, runbooks); cancel-by
    dates always warn at least ``due.cancel_by_warning_days`` (60) ahead.
    """
    items = [item for rule in RULES for item in rule(conn, today, within)]
    items.sort(key=lambda item: (SEVERITY_ORDER[item.severity], item.when or date.max, item.vendor))
    return items

"""The checklist rules of the due list: annual reviews, blocked items, stalled rollouts, clocks.

Plain ``sqlite3`` like every attention rule, so the home screen and ``vendortui due`` never
wait for SQLModel. Which runs count as "an annual review" or "a breach response" is decided by
the template's kind, so a team's own annual-review template counts too; the catalog is built
once per call and shared by the rules.

``today`` is passed in and ``now``/``tz`` can be, so date arithmetic is testable; by default
"today" is the reader's local day and UTC moments are converted to it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, datetime, timedelta, tzinfo

from vendortui.app.attention_item import AttentionItem
from vendortui.app.checklists import clock
from vendortui.app.checklists.templates import Catalog, catalog_from_conn
from vendortui.app.queries import parse_moment
from vendortui.models.enums import RunStatus
from vendortui.models.rules import review_cadence

OPEN_RUN = (
    f"r.deleted_at IS NULL AND r.status IN ('{RunStatus.IN_PROGRESS}', '{RunStatus.BLOCKED}')"
)
REVIEWED_STATUSES = ("production", "rolling_out")
"""Vendors that owe annual reviews: the ones we depend on now."""


def checklist_rules(
    conn: sqlite3.Connection,
    today: date,
    within: int,
    *,
    now: datetime | None = None,
    tz: tzinfo | None = None,
) -> Iterator[AttentionItem]:
    """Every checklist entry of the due list (the ``app.attention`` rule)."""
    catalog = catalog_from_conn(conn)
    yield from annual_reviews(conn, today, within, catalog, tz)
    yield from blocked_items(conn)
    yield from stalled_rollouts(conn, today, tz)
    yield from deadlines(conn, catalog, now or datetime.now().astimezone(), tz)


def annual_reviews(
    conn: sqlite3.Connection, today: date, within: int, catalog: Catalog, tz: tzinfo | None
) -> Iterator[AttentionItem]:
    """Reviews due one cadence after the last completed one (or after the vendor was added).

    A vendor with no completed review counts from the day it was added, so a team adopting
    vendortui is not told on day one that every vendor is overdue.
    """
    keys = catalog.keys_of_kind("annual-review")
    if not keys:
        return
    marks = ",".join("?" * len(keys))
    sql = f"""
    SELECT v.id, v.name, v.slug, v.risk_tier, v.review_cadence_days, v.created_at,
      (SELECT max(r.completed_at) FROM checklist_run r
        WHERE r.vendor_id = v.id AND r.deleted_at IS NULL AND r.status = 'completed'
          AND r.template_key IN ({marks})),
      (SELECT min(r.created_at) FROM checklist_run r
        WHERE r.vendor_id = v.id AND {OPEN_RUN} AND r.template_key IN ({marks}))
    FROM vendor v
    WHERE v.deleted_at IS NULL AND v.status IN ({",".join("?" * len(REVIEWED_STATUSES))})
    """
    template = catalog.of_kind("annual-review")
    start_key = template.key if template else keys[0]
    horizon = today + timedelta(days=within)
    for vendor_id, name, slug, tier, override, added, last, open_since in conn.execute(
        sql, (*keys, *keys, *REVIEWED_STATUSES)
    ):
        cadence = review_cadence(tier, override)
        completed = parse_moment(last)
        since = completed or parse_moment(added)
        if since is None:
            continue
        due = clock.review_due(since, cadence, tz)
        if due > horizon:
            continue
        started = parse_moment(open_since)
        todo = (
            f"Finish the annual review started {clock.local_day(started, tz)}."
            if started
            else f"Start an annual review: `vendortui checklist start {slug} {start_key}`."
        )
        basis = (
            f"last completed {clock.local_day(since, tz)}"
            if completed
            else f"none completed since the vendor was added {clock.local_day(since, tz)}"
        )
        days = (due - today).days
        why = (
            f"Annual review overdue since {due} ({-days} days; every {cadence} days, {basis})"
            if days < 0
            else f"Annual review due {due} ({_in_days(days)}; every {cadence} days, {basis})"
        )
        yield AttentionItem(
            vendor_id, name, "review_due", "overdue" if days < 0 else "due", why, todo, due
        )


def blocked_items(conn: sqlite3.Connection) -> Iterator[AttentionItem]:
    """Every blocked item of an unfinished run, with its reason.

    ``CROSS JOIN`` keeps SQLite from scanning every item of every run ever walked: it goes
    from the few unfinished runs to their items through the ``run_id`` index.
    """
    sql = f"""
    SELECT v.id, v.name, r.id, r.title, i.text, i.blocked_reason, i.state_at
    FROM checklist_run r
    CROSS JOIN checklist_item i ON i.run_id = r.id
    JOIN vendor v ON v.id = r.vendor_id
    WHERE {OPEN_RUN} AND v.deleted_at IS NULL AND i.deleted_at IS NULL AND i.state = 'blocked'
    ORDER BY r.created_at, i.position
    """
    for vendor_id, name, run_id, title, text, reason, state_at in conn.execute(sql):
        since = parse_moment(state_at)
        yield AttentionItem(
            vendor_id,
            name,
            "checklist_blocked",
            "due",
            f'{title}: blocked on "{_short(text)}" ({reason or "no reason given"})',
            f"Clear the blocker, then mark the item again (`vendortui checklist show {run_id}`).",
            since.date() if since else None,
        )


def stalled_rollouts(
    conn: sqlite3.Connection, today: date, tz: tzinfo | None
) -> Iterator[AttentionItem]:
    """Rollouts sitting in one stage for longer than the user's ``due.rollout_stall_days``
    (config file or environment), else the knowledge base's ``rollout_stall_days`` team
    setting, else 14."""
    from vendortui.app.config import current

    config = current()
    if config.given("due.rollout_stall_days"):
        days = config.value("due.rollout_stall_days")
    else:
        days = clock.parse_stall_days(_setting(conn, clock.STALL_SETTING))
    sql = f"""
    SELECT v.id, v.name, r.title, r.stage_entered_at,
      (SELECT i.section_title FROM checklist_item i
        WHERE i.run_id = r.id AND i.section_key = r.current_stage LIMIT 1)
    FROM checklist_run r JOIN vendor v ON v.id = r.vendor_id
    WHERE {OPEN_RUN} AND v.deleted_at IS NULL AND r.current_stage != ''
      AND r.stage_entered_at IS NOT NULL
    """
    for vendor_id, name, title, entered_at, stage in conn.execute(sql):
        entered = parse_moment(entered_at)
        if entered is None:
            continue
        stalled = clock.stalled_since(entered, days, tz)
        if stalled > today:
            continue
        since = clock.local_day(entered, tz)
        yield AttentionItem(
            vendor_id,
            name,
            "rollout_stalled",
            "due",
            f'{title} has been in "{stage}" since {since} ({(today - since).days} days; '
            f"the limit is {days})",
            "Finish the stage's go/no-go, or roll back and record why.",
            stalled,
        )


def deadlines(
    conn: sqlite3.Connection, catalog: Catalog, now: datetime, tz: tzinfo | None
) -> Iterator[AttentionItem]:
    """Running clocks (the 72-hour breach notification) until their stop item is settled."""
    for deadline in clock.DEADLINES:
        keys = catalog.keys_of_kind(deadline.kind)
        if not keys:
            continue
        sql = f"""
        SELECT v.id, v.name, r.title, r.created_at FROM checklist_run r
        JOIN vendor v ON v.id = r.vendor_id
        WHERE {OPEN_RUN} AND v.deleted_at IS NULL
          AND r.template_key IN ({",".join("?" * len(keys))})
          AND NOT EXISTS (SELECT 1 FROM checklist_item i
            WHERE i.run_id = r.id AND i.deleted_at IS NULL AND i.item_key = ?
              AND i.state IN ('done', 'not_applicable'))
        """
        for vendor_id, name, title, created_at in conn.execute(sql, (*keys, deadline.stop_item)):
            started = parse_moment(created_at)
            if started is None:
                continue
            due_at = deadline.due_at(started)
            late = due_at < now
            yield AttentionItem(
                vendor_id,
                name,
                "checklist_deadline",
                "overdue" if late else "due",
                f"{title}: {deadline.what} due {clock.show_moment(due_at, tz)} "
                f"({clock.time_left(due_at, now)})",
                f"Walk the {title} checklist; record the notification or why none is needed.",
                clock.local_day(due_at, tz),
            )


def _setting(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute(
        "SELECT value FROM setting WHERE key = ? AND deleted_at IS NULL "
        "ORDER BY updated_at DESC LIMIT 1",
        (key,),
    ).fetchone()
    return row[0] if row else None


def _in_days(days: int) -> str:
    return "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

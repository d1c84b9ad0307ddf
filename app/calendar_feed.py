"""What is due, as an iCalendar file a calendar app can subscribe to or import again and again.

The items are the due list's own (``app.attention``: cancel-by dates, annual reviews, runbook
re-verification, stalled rollouts, running checklist clocks), so the calendar never disagrees
with ``vendortui due``; only items that carry a date become events. Each is an all-day event
with one reminder, built with the ``icalendar`` library, which folds lines and escapes commas,
semicolons and line breaks as RFC 5545 asks.

Re-importing must update events, not duplicate them, so a UID names what is due, not when:
the vendor's id and the kind of item (``<vendor id>.<kind>@vendortui``). An export holds no
state, so ``SEQUENCE`` counts minutes since ``SEQUENCE_EPOCH`` at the moment of export: every later
export supersedes an earlier one for the same UID, and ``DTSTAMP`` is that moment in UTC.
Vendor names and reasons are untrusted: control characters are shown escaped (``\\uXXXX``)
before the library writes them, since RFC 5545 allows none in text.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from vendortui.app.attention import attention
from vendortui.app.attention_item import AttentionItem
from vendortui.app.text import one_line, visible

PRODID = "-//vendortui//due dates//EN"
SEQUENCE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
"""Start of the ``SEQUENCE`` count: minutes since then fit in 32 bits for another 4,000 years."""

KINDS: dict[str, str] = {
    "cancel_by": "Cancel-by date",
    "review_due": "Annual review",
    "runbook_stale": "Runbook re-verification",
    "rollout_stalled": "Rollout stalled",
    "checklist_deadline": "Checklist deadline",
}
"""The due-list kinds that are dates to keep, with the event title's prefix."""

REMINDER_DAYS: dict[str, int] = {"cancel_by": 14, "review_due": 7}
"""Days before the event its reminder fires; a cancel-by date needs time to decide and give
notice. Kinds not named here remind one day ahead."""


def calendar_items(conn: sqlite3.Connection, today: date, within: int) -> list[AttentionItem]:
    """The due list's dated items of the calendar's kinds (``vendortui due``'s rules)."""
    return [item for item in attention(conn, today, within) if item.kind in KINDS and item.when]


def uid_for(vendor_id: str, kind: str, repeat: int = 1) -> str:
    """The stable UID of what is due; ``repeat`` counts a vendor's second stalled rollout etc."""
    suffix = "" if repeat == 1 else f".{repeat}"
    return f"{vendor_id}.{kind}{suffix}@vendortui"


def build_calendar(items: Iterable[AttentionItem], now: datetime) -> Calendar:
    """One VCALENDAR with an all-day VEVENT (and a VALARM) per item.

    Two items of one vendor and kind (two stalled rollouts) are told apart by their order of
    date, then text, so their UIDs stay stable while both exist.
    """
    stamp = now.astimezone(UTC).replace(microsecond=0)
    sequence = int((stamp - SEQUENCE_EPOCH).total_seconds() // 60)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "vendortui: what is due")
    seen: dict[tuple[str, str], int] = {}
    ordered = sorted(items, key=lambda i: (i.vendor_id, i.kind, i.when or date.min, i.why))
    for item in ordered:
        key = (item.vendor_id, item.kind)
        seen[key] = seen.get(key, 0) + 1
        cal.add_component(_event(item, uid_for(*key, seen[key]), stamp, sequence))
    return cal


def _event(item: AttentionItem, uid: str, stamp: datetime, sequence: int) -> Event:
    assert item.when is not None
    summary = f"{KINDS[item.kind]}: {one_line(item.vendor)}"
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    event.add("dtstart", item.when)
    event.add("dtend", item.when + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", visible(f"{item.why}\n\nTo do: {item.todo}"))
    event.add("transp", "TRANSPARENT")
    event.add("categories", ["vendortui", item.kind])
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", -timedelta(days=REMINDER_DAYS.get(item.kind, 1)))
    event.add_component(alarm)
    return event


def calendar_bytes(conn: sqlite3.Connection, today: date, within: int, now: datetime) -> bytes:
    """The ``.ics`` file's bytes (CRLF lines, UTF-8) for what falls due within ``within`` days."""
    return build_calendar(calendar_items(conn, today, within), now).to_ical()

"""Dates and deadlines for checklists, as pure functions so the arithmetic is testable.

Moments are stored in UTC; people think in local days. A review completed late on 29 February
in San Francisco is already 1 March in UTC, so every "which day was it" question converts the
UTC moment to the reader's time zone first, then adds whole days (a cadence is a number of
days, so leap years need no special case beyond counting 29 February as a day).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

DEFAULT_STALL_DAYS = 14
STALL_SETTING = "rollout_stall_days"


def local_day(moment: datetime, tz: tzinfo | None = None) -> date:
    """The calendar day ``moment`` fell on where the reader is (``tz``; default: this machine)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(tz).date()


def review_due(last_review: datetime, cadence_days: int, tz: tzinfo | None = None) -> date:
    """The day the next review is due: one cadence after the local day of the last one."""
    return local_day(last_review, tz) + timedelta(days=cadence_days)


def stalled_since(entered: datetime, stall_days: int, tz: tzinfo | None = None) -> date:
    """The first day a rollout that entered its stage at ``entered`` counts as stalled."""
    return local_day(entered, tz) + timedelta(days=stall_days + 1)


def parse_stall_days(value: str | None) -> int:
    """The ``rollout_stall_days`` setting as a number of days; unset or nonsense means 14."""
    try:
        days = int(str(value).strip())
    except (TypeError, ValueError):
        return DEFAULT_STALL_DAYS
    return days if days > 0 else DEFAULT_STALL_DAYS


@dataclass(frozen=True, slots=True)
class Deadline:
    """A clock that starts when a run of ``kind`` starts and stops when ``stop_item`` is done.

    Templates are plain text with a fixed set of fields, so the clocks live here, keyed by the
    template's kind and an item key. A team template of the same kind without that item keeps
    the clock running until the run is completed.
    """

    kind: str
    hours: int
    stop_item: str
    what: str

    def due_at(self, started: datetime) -> datetime:
        """When the clock runs out: elapsed hours, so computed in UTC (wall-clock arithmetic in
        a zone with daylight saving would be an hour off across the change)."""
        aware = started if started.tzinfo else started.replace(tzinfo=UTC)
        return aware.astimezone(UTC) + timedelta(hours=self.hours)


DEADLINES: tuple[Deadline, ...] = (
    Deadline(
        kind="breach-response",
        hours=72,
        stop_item="regulator-notified",
        what="72-hour regulator notification",
    ),
)


def deadlines_for(kind: str) -> tuple[Deadline, ...]:
    """The clocks that run for a checklist of this kind."""
    return tuple(deadline for deadline in DEADLINES if deadline.kind == kind)


def time_left(due_at: datetime, now: datetime) -> str:
    """``in 31 hours`` or ``5 hours ago``: how a person reads a short deadline."""
    seconds = int((due_at - now).total_seconds())
    hours, rest = divmod(abs(seconds), 3600)
    amount = f"{hours} hour{'s' if hours != 1 else ''}" if hours else f"{rest // 60} minutes"
    return f"in {amount}" if seconds >= 0 else f"{amount} ago"


def show_moment(moment: datetime, tz: tzinfo | None = None) -> str:
    """A moment in the reader's time zone, with the zone's name: ``2026-11-30 14:00 CET``."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z").strip()

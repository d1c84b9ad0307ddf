"""Attention rules for SSO probes: failing now, latency creeping up, not run for too long.

Plain ``sqlite3`` like the other rules, so the home screen shows them without SQLModel.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from vendortui.app.attention_item import AttentionItem
from vendortui.app.probes.store import INTERACTIVE_KINDS, latency_creeps
from vendortui.app.queries import parse_moment

STALE_SETTING = "probe_stale_hours"
DEFAULT_STALE_HOURS = 24

_LATEST = """
SELECT p.id, p.name, p.kind, v.id, v.name, r.outcome, r.started_at, r.duration_ms,
       row_number() OVER (PARTITION BY p.id ORDER BY r.started_at DESC, r.id DESC) AS n
FROM probe_config p
JOIN vendor v ON v.id = p.vendor_id
LEFT JOIN probe_result r ON r.probe_id = p.id AND r.deleted_at IS NULL
WHERE p.deleted_at IS NULL AND v.deleted_at IS NULL AND p.enabled
  AND v.status != 'retired'
"""


def _stale_hours(conn: sqlite3.Connection) -> int:
    row = conn.execute(
        "SELECT value FROM setting WHERE key = ? AND deleted_at IS NULL "
        "ORDER BY updated_at DESC LIMIT 1",
        (STALE_SETTING,),
    ).fetchone()
    try:
        return int(row[0]) if row else DEFAULT_STALE_HOURS
    except ValueError:
        return DEFAULT_STALE_HOURS


def probe_rules(conn: sqlite3.Connection, today: date, within: int) -> Iterable[AttentionItem]:
    """Failing probes (overdue), creeping latency (due), and machine probes gone stale (info)."""
    history: dict[str, list[tuple]] = {}
    for row in conn.execute(f"SELECT * FROM ({_LATEST}) AS latest WHERE n <= 30"):
        history.setdefault(row[0], []).append(row)
    now = datetime.combine(today, time(23, 59, 59), tzinfo=UTC)
    stale_after = timedelta(hours=_stale_hours(conn))
    for rows in history.values():
        _pid, probe, kind, vendor_id, vendor, outcome, started, _d, _n = rows[0]
        label = f"SSO probe {probe!r}"
        if outcome == "fail":
            yield AttentionItem(
                vendor_id,
                vendor,
                "probe_failing",
                "overdue",
                f"{label} fails",
                "Open the vendor's Auth tab for the findings; check the IdP app and certificates.",
            )
        durations = [r[7] for r in reversed(rows) if r[6] is not None]
        if latency_creeps(durations):
            yield AttentionItem(
                vendor_id,
                vendor,
                "probe_latency",
                "due",
                f"{label} is getting slower (recent runs well above its usual latency)",
                "Watch the vendor's status page; compare with the sparkline on the Auth tab.",
            )
        checked = parse_moment(started)
        if kind not in INTERACTIVE_KINDS and (checked is None or now - checked > stale_after):
            yield AttentionItem(
                vendor_id,
                vendor,
                "probe_stale",
                "info",
                f"{label} {'never ran' if checked is None else 'last ran ' + str(checked.date())}",
                "Run it (r on the Auth tab, or `vendortui probe --all` from cron).",
                checked.date() if checked else None,
            )

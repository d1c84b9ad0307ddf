"""Every configured probe with its latest result, read with stdlib ``sqlite3``.

``vendortui probe list`` prints this; reading it through SQLModel cost more than the whole
command may (the import alone is about twice ``vendortui --version``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from vendortui.app.probes.store import ProbeService, latency_creeps
from vendortui.app.queries import parse_moment

_HISTORY = f"""
SELECT vendor_id, vendor, probe, kind, outcome, started_at, duration_ms, n FROM (
  SELECT v.id AS vendor_id, v.name AS vendor, p.id AS probe_id, p.name AS probe, p.kind,
         r.outcome, r.started_at, r.duration_ms,
         row_number() OVER (PARTITION BY p.id ORDER BY r.started_at DESC, r.id DESC) AS n
  FROM probe_config p
  JOIN vendor v ON v.id = p.vendor_id
  LEFT JOIN probe_result r ON r.probe_id = p.id AND r.deleted_at IS NULL
  WHERE p.deleted_at IS NULL AND v.deleted_at IS NULL
) AS history
WHERE n <= {ProbeService.HISTORY}
ORDER BY vendor COLLATE NOCASE, vendor_id, probe, probe_id, n
"""


@dataclass(frozen=True)
class ProbeLine:
    """A probe, its latest outcome and when it ran, and its recent durations (oldest first)."""

    vendor_id: str
    vendor: str
    probe: str
    kind: str
    outcome: str | None
    checked: datetime | None
    durations_ms: list[int]

    @property
    def creeping(self) -> bool:
        """Whether latency is creeping up (``store.latency_creeps``, as on the Auth tab)."""
        return latency_creeps(self.durations_ms)


def probe_lines(conn: sqlite3.Connection, vendor_ids: set[str] | None = None) -> list[ProbeLine]:
    """Live probes of live vendors, by vendor name then probe name; only ``vendor_ids`` if given."""
    lines: list[ProbeLine] = []
    durations: list[int] = []
    for vendor_id, vendor, probe, kind, outcome, started, duration, n in conn.execute(_HISTORY):
        if vendor_ids is not None and vendor_id not in vendor_ids:
            continue
        if n == 1:
            durations = []
            lines.append(
                ProbeLine(vendor_id, vendor, probe, kind, outcome, parse_moment(started), durations)
            )
        if duration is not None:
            durations.insert(0, duration)
    return lines

"""The attention item: one reason a vendor needs someone, as every due rule produces it.

Its own module at the bottom of ``app``: the rules (``app.attention``, ``app.checklists.due``,
``app.probes.due``) import it, the home screen and ``vendortui due`` consume it, and it imports
nothing of vendortui, so no arrow points back up.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import date

SEVERITY_ORDER = {"overdue": 0, "due": 1, "info": 2}


@dataclass(frozen=True, slots=True)
class AttentionItem:
    """One reason a vendor needs someone's attention."""

    vendor_id: str
    vendor: str
    kind: str
    severity: str
    """``overdue`` (act now), ``due`` (act soon) or ``info`` (worth knowing)."""
    why: str
    todo: str
    when: date | None = None

    def as_json(self) -> dict[str, object]:
        """The ``vendortui due --json`` object."""
        out = asdict(self)
        out["when"] = self.when.isoformat() if self.when else None
        return out


Rule = Callable[[sqlite3.Connection, date, int], Iterable[AttentionItem]]
"""A due rule: (read connection, today, window in days) -> the items it finds."""

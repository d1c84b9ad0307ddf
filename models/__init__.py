"""SQLModel tables, enums and pure rules. No I/O and no Textual here.

Names are resolved lazily (PEP 562) so that ``models.enums`` and ``models.rules`` can be
imported by the start-up path without importing SQLModel (about 270 ms): only touching a table
class, or ``SYNCED_TABLES``, pulls SQLModel in.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vendortui.models.base import Synced

_HOMES = {
    "Synced": "vendortui.models.base",
    "new_id": "vendortui.models.ids",
    "utcnow": "vendortui.models.ids",
    "ChecklistItem": "vendortui.models.checklist",
    "ChecklistRun": "vendortui.models.checklist",
    "ChecklistTemplate": "vendortui.models.checklist",
    "ChecklistTick": "vendortui.models.checklist",
    "Conflict": "vendortui.models.conflict",
    "ProbeConfig": "vendortui.models.probe",
    "ProbeResult": "vendortui.models.probe",
    "DataCategory": "vendortui.models.vendor",
    "Event": "vendortui.models.vendor",
    "Person": "vendortui.models.vendor",
    "Role": "vendortui.models.vendor",
    "Runbook": "vendortui.models.vendor",
    "Setting": "vendortui.models.vendor",
    "Vendor": "vendortui.models.vendor",
}

_SYNCED_ORDER = (
    "Vendor",
    "Person",
    "Role",
    "DataCategory",
    "Event",
    "Runbook",
    "Setting",
    "ChecklistTemplate",
    "ChecklistRun",
    "ChecklistItem",
    "ChecklistTick",
    "ProbeConfig",
    "ProbeResult",
    "Conflict",
)

APPEND_ONLY_TABLES: frozenset[str] = frozenset({"checklist_tick", "probe_result"})
"""Tables whose rows are never edited after insert: a merge takes the union of both sides."""

SYNCED_TABLES: tuple[type[Synced], ...]
"""Every table that travels between clones, parents before children (foreign-key order)."""


def __getattr__(name: str) -> Any:
    if name == "SYNCED_TABLES":
        value: Any = tuple(__getattr__(n) for n in _SYNCED_ORDER)
    elif name in _HOMES:
        value = getattr(importlib.import_module(_HOMES[name]), name)
    else:
        raise AttributeError(f"module 'models' has no attribute {name!r}")
    globals()[name] = value
    return value


def load_all() -> None:
    """Import every table module so ``Synced.metadata`` knows all tables (for Alembic)."""
    for module in sorted(set(_HOMES.values())):
        importlib.import_module(module)


__all__ = ["APPEND_ONLY_TABLES", "SYNCED_TABLES", *_HOMES]

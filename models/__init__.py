"""SQLModel tables, enums and pure rules. No I/O and no Textual here."""

from models.base import Synced, new_id, utcnow
from models.checklist import ChecklistItem, ChecklistRun, ChecklistTemplate, ChecklistTick
from models.conflict import Conflict
from models.probe import ProbeConfig, ProbeResult
from models.vendor import DataCategory, Event, Person, Role, Runbook, Setting, Vendor

SYNCED_TABLES: tuple[type[Synced], ...] = (
    Vendor,
    Person,
    Role,
    DataCategory,
    Event,
    Runbook,
    Setting,
    ChecklistTemplate,
    ChecklistRun,
    ChecklistItem,
    ChecklistTick,
    ProbeConfig,
    ProbeResult,
    Conflict,
)
"""Every table that travels between clones, parents before children (foreign-key order)."""

APPEND_ONLY_TABLES: frozenset[str] = frozenset({"checklist_tick", "probe_result"})
"""Tables whose rows are never edited after insert: a merge takes the union of both sides."""

__all__ = [
    "APPEND_ONLY_TABLES",
    "SYNCED_TABLES",
    "ChecklistItem",
    "ChecklistRun",
    "ChecklistTemplate",
    "ChecklistTick",
    "Conflict",
    "DataCategory",
    "Event",
    "Person",
    "ProbeConfig",
    "ProbeResult",
    "Role",
    "Runbook",
    "Setting",
    "Synced",
    "Vendor",
    "new_id",
    "utcnow",
]

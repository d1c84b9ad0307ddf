"""Checklist templates, runs, their items and the append-only history of ticks.

A run copies its template's items when it starts, so editing a template never rewrites a run
that is under way or finished.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field

from vendortui.models.base import Synced


class ChecklistTemplate(Synced, table=True):
    """A team's own template, stored as the same YAML text as the shipped ones."""

    __tablename__ = "checklist_template"

    key: str = Field(index=True)
    version: int = 1
    title: str = ""
    source: str = ""


class ChecklistRun(Synced, table=True):
    """One walk of a template for one vendor."""

    __tablename__ = "checklist_run"

    vendor_id: str = Field(foreign_key="vendor.id", index=True)
    template_key: str
    template_version: int
    title: str
    status: str = "in_progress"
    started_by: str = ""
    completed_at: datetime | None = None
    completed_by: str = ""
    current_stage: str = ""
    stage_entered_at: datetime | None = None


class ChecklistItem(Synced, table=True):
    """One step of a run, copied from the template, with its current state."""

    __tablename__ = "checklist_item"

    run_id: str = Field(foreign_key="checklist_run.id", index=True)
    position: int
    section_key: str = ""
    section_title: str = ""
    item_key: str
    text: str
    help: str = ""
    required: bool = True
    needs_note: bool = False
    needs_evidence: bool = False
    state: str = "open"
    note: str = ""
    evidence_url: str = ""
    blocked_reason: str = ""
    state_by: str = ""
    state_at: datetime | None = None


class ChecklistTick(Synced, table=True):
    """Append-only: one change of an item's state, kept forever for the audit trail."""

    __tablename__ = "checklist_tick"

    run_id: str = Field(foreign_key="checklist_run.id", index=True)
    item_id: str = Field(foreign_key="checklist_item.id", index=True)
    state: str
    note: str = ""
    evidence_url: str = ""
    blocked_reason: str = ""

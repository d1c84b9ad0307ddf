"""What screens and commands get back from the checklist service: plain, immutable records.

Read with stdlib ``sqlite3`` and handed out as frozen dataclasses, so the walker can open a
500-item run without building ORM objects, and a screen never holds a database session.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from vendortui.app.checklists.clock import Deadline
from vendortui.app.queries import parse_moment
from vendortui.models.enums import ItemState, RunStatus

STATE_ORDER = (ItemState.DONE, ItemState.NOT_APPLICABLE, ItemState.BLOCKED, ItemState.OPEN)
SETTLED = frozenset({ItemState.DONE, ItemState.NOT_APPLICABLE})
"""States that count as finished for completion and for moving on to the next stage."""


@dataclass(frozen=True, slots=True)
class ItemView:
    """One item of a run, as it stands."""

    id: str
    position: int
    section_key: str
    section_title: str
    item_key: str
    text: str
    help: str
    required: bool
    needs_note: bool
    needs_evidence: bool
    state: str
    note: str
    evidence_url: str
    blocked_reason: str
    state_by: str
    state_at: datetime | None

    @property
    def missing(self) -> str:
        """``note`` or ``evidence`` when this required item cannot be done yet, else ``""``."""
        if not self.required:
            return ""
        if self.needs_note and not self.note.strip():
            return "note"
        if self.needs_evidence and not self.evidence_url.strip():
            return "evidence"
        return ""

    def as_json(self) -> dict[str, object]:
        """The item in ``checklist show --json``."""
        return {
            "id": self.id,
            "section": self.section_key,
            "key": self.item_key,
            "text": self.text,
            "required": self.required,
            "needs": "note" if self.needs_note else "evidence" if self.needs_evidence else None,
            "state": self.state,
            "note": self.note or None,
            "evidence_url": self.evidence_url or None,
            "blocked_reason": self.blocked_reason or None,
            "by": self.state_by or None,
            "at": self.state_at.isoformat() if self.state_at else None,
        }


@dataclass(frozen=True, slots=True)
class RunSummary:
    """One run for a list: which template and version, where it stands, how far along."""

    id: str
    vendor_id: str
    vendor: str
    vendor_slug: str
    template_key: str
    template_version: int
    title: str
    status: str
    started_by: str
    started_at: datetime
    completed_by: str
    completed_at: datetime | None
    current_stage: str
    stage_entered_at: datetime | None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """How many items the run has."""
        return sum(self.counts.values())

    @property
    def read_only(self) -> bool:
        """Completed (or abandoned) runs are history and are never edited."""
        return self.status in (RunStatus.COMPLETED, RunStatus.ABANDONED)

    def progress(self) -> str:
        """``12/40 done, 2 n/a, 1 blocked``: the short form lists and commands print."""
        done = self.counts.get(ItemState.DONE, 0)
        parts = [f"{done}/{self.total} done"]
        if n_a := self.counts.get(ItemState.NOT_APPLICABLE, 0):
            parts.append(f"{n_a} n/a")
        if blocked := self.counts.get(ItemState.BLOCKED, 0):
            parts.append(f"{blocked} blocked")
        return ", ".join(parts)

    def as_json(self) -> dict[str, object]:
        """The run in ``checklist list --json`` and ``checklist show --json``."""
        return {
            "id": self.id,
            "vendor": self.vendor,
            "vendor_slug": self.vendor_slug,
            "template": self.template_key,
            "template_version": self.template_version,
            "title": self.title,
            "status": self.status,
            "started_by": self.started_by or None,
            "started_at": self.started_at.isoformat(),
            "completed_by": self.completed_by or None,
            "completed_at": self.completed_at.isoformat() if self.completed_at else None,
            "current_stage": self.current_stage or None,
            "counts": {state.value: self.counts.get(state, 0) for state in STATE_ORDER},
        }


@dataclass(frozen=True, slots=True)
class Stage:
    """A rollout stage of a run: a section key and its title."""

    key: str
    title: str


@dataclass(frozen=True, slots=True)
class DeadlineView:
    """A running or stopped clock on a run (for example the 72-hour notification)."""

    what: str
    due_at: datetime
    met: bool


@dataclass(frozen=True)
class RunDetail:
    """A run with every item, its rollout stages and its clocks: what the walker draws."""

    run: RunSummary
    items: list[ItemView]
    stages: list[Stage] = field(default_factory=list)
    deadlines: list[DeadlineView] = field(default_factory=list)

    def resume_position(self) -> int:
        """Where a walk resumes: the first open item, else the first blocked one, else 0."""
        for wanted in (ItemState.OPEN, ItemState.BLOCKED):
            for index, item in enumerate(self.items):
                if item.state == wanted:
                    return index
        return 0


def counts_of(states: Iterable[str]) -> dict[str, int]:
    """Items per state, every state present (zero when none)."""
    counter = Counter(states)
    return {state.value: counter.get(state, 0) for state in STATE_ORDER}


def current_stage(items: Iterable[tuple[str, bool, str]], stage_keys: Sequence[str]) -> str:
    """The first rollout stage with a required item not yet done or n/a; ``""`` when none.

    ``items`` are (section key, required, state). A stage is entered when every required item
    of the stages before it is settled, which is how "stalled in a stage" is measured.
    """
    unsettled = {section for section, required, state in items if required and state not in SETTLED}
    for key in stage_keys:
        if key in unsettled:
            return key
    return ""


def run_status(states: Iterable[str]) -> str:
    """``blocked`` while any item is blocked, else ``in_progress`` (completion is explicit)."""
    return RunStatus.BLOCKED if ItemState.BLOCKED in set(states) else RunStatus.IN_PROGRESS


def deadline_views(
    deadlines: Iterable[Deadline], started: datetime, items: Iterable[ItemView], completed: bool
) -> list[DeadlineView]:
    """Each clock with whether it was met (its stop item settled, or the run completed)."""
    settled = {item.item_key for item in items if item.state in SETTLED}
    return [
        DeadlineView(d.what, d.due_at(started), completed or d.stop_item in settled)
        for d in deadlines
    ]


# Reading ------------------------------------------------------------------------------------

RUN_COLUMNS = """
r.id, r.vendor_id, v.name, v.slug, r.template_key, r.template_version, r.title, r.status,
r.started_by, r.created_at, r.completed_by, r.completed_at, r.current_stage, r.stage_entered_at
"""

ITEM_COLUMNS = """
id, position, section_key, section_title, item_key, text, help, required, needs_note,
needs_evidence, state, note, evidence_url, blocked_reason, state_by, state_at
"""


def read_runs(conn: sqlite3.Connection, where: str, params: Sequence[object]) -> list[RunSummary]:
    """Runs matching ``where`` (over ``r`` = run, ``v`` = vendor) with their item counts."""
    rows = conn.execute(
        f"SELECT {RUN_COLUMNS} FROM checklist_run r JOIN vendor v ON v.id = r.vendor_id "
        f"WHERE r.deleted_at IS NULL AND {where} "
        "ORDER BY r.completed_at IS NOT NULL, r.completed_at DESC, r.created_at DESC, r.id",
        params,
    ).fetchall()
    if not rows:
        return []
    ids = [row[0] for row in rows]
    counts: dict[str, dict[str, int]] = {run_id: counts_of(()) for run_id in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for run_id, state, number in conn.execute(
            f"SELECT run_id, state, count(*) FROM checklist_item WHERE deleted_at IS NULL "
            f"AND run_id IN ({marks}) GROUP BY run_id, state",
            chunk,
        ):
            counts[run_id][state] = number
    return [_summary(row, counts[row[0]]) for row in rows]


def _summary(row: Sequence[object], counts: dict[str, int]) -> RunSummary:
    return RunSummary(
        id=str(row[0]),
        vendor_id=str(row[1]),
        vendor=str(row[2]),
        vendor_slug=str(row[3]),
        template_key=str(row[4]),
        template_version=int(str(row[5])),
        title=str(row[6]),
        status=str(row[7]),
        started_by=str(row[8]),
        started_at=datetime.fromisoformat(str(row[9])).replace(tzinfo=UTC),
        completed_by=str(row[10]),
        completed_at=_moment(row[11]),
        current_stage=str(row[12]),
        stage_entered_at=_moment(row[13]),
        counts=counts,
    )


def read_items(conn: sqlite3.Connection, run_id: str) -> list[ItemView]:
    """Every live item of a run in walking order."""
    rows = conn.execute(
        f"SELECT {ITEM_COLUMNS} FROM checklist_item WHERE run_id = ? AND deleted_at IS NULL "
        "ORDER BY position, id",
        (run_id,),
    )
    return [item_from_row(row) for row in rows]


def item_from_row(row: Sequence[object]) -> ItemView:
    """An ``ItemView`` from the ``ITEM_COLUMNS`` of one row."""
    return ItemView(
        id=str(row[0]),
        position=int(str(row[1])),
        section_key=str(row[2]),
        section_title=str(row[3]),
        item_key=str(row[4]),
        text=str(row[5]),
        help=str(row[6]),
        required=bool(row[7]),
        needs_note=bool(row[8]),
        needs_evidence=bool(row[9]),
        state=str(row[10]),
        note=str(row[11]),
        evidence_url=str(row[12]),
        blocked_reason=str(row[13]),
        state_by=str(row[14]),
        state_at=_moment(row[15]),
    )


def _moment(value: object) -> datetime | None:
    return parse_moment(str(value)) if value else None

"""The checklist service: start runs, tick items, complete, record rollbacks, export.

Every user action is one short ``BEGIN IMMEDIATE`` transaction that also appends a
``ChecklistTick`` (who, when, what), so closing the terminal mid-walk loses nothing and two
people ticking the same run from two processes simply take turns on the write lock. Reads go
through stdlib ``sqlite3`` and return the frozen records of ``app.checklists.records``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.checklists import clock
from app.checklists.export import run_json, run_markdown
from app.checklists.records import (
    SETTLED,
    DeadlineView,
    ItemView,
    RunDetail,
    RunSummary,
    Stage,
    current_stage,
    deadline_views,
    read_items,
    read_runs,
    run_status,
)
from app.checklists.templates import (
    USER,
    Catalog,
    Template,
    TemplateError,
    catalog_from_conn,
    read_template_file,
)
from app.db import Database
from app.errors import KbError
from app.identity import current_user
from app.validation import FieldError
from models.enums import EventKind, ItemState, PiiLevel, RunStatus, Status
from models.ids import utcnow

if TYPE_CHECKING:
    from sqlmodel import Session

    from models import ChecklistItem, ChecklistRun

NOTE_MAX = 4000
REASON_MAX = 500
DEMO_NOTE = "Recorded when the demo knowledge base was loaded."


class ItemRefused(FieldError):
    """A refusal about one field of an item, worded as a whole sentence for the walker."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field, message)
        self.args = (message,)


@dataclass(frozen=True, slots=True)
class TickResult:
    """An item after a tick, with where its run now stands."""

    item: ItemView
    run_status: str
    current_stage: str


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What ``import_template`` did: ``added``, ``updated`` or ``unchanged``."""

    template: Template
    action: str


class ChecklistService:
    """Checklist runs over one knowledge base; screens reach it as ``app.kb.checklists``."""

    def __init__(self, db: Database, *, templates_dir: Path | None = None) -> None:
        self.db = db
        self.templates_dir = templates_dir
        """Where shipped templates are read from (tests point it elsewhere)."""
        self._catalog: Catalog | None = None

    # Templates ----------------------------------------------------------------------------

    def catalog(self, *, refresh: bool = False) -> Catalog:
        """Shipped and team templates, with the refusals of broken ones (never raised)."""
        if self._catalog is None or refresh:
            with self.db.read() as conn:
                self._catalog = catalog_from_conn(conn, self.templates_dir)
        return self._catalog

    def import_template(self, path: Path) -> ImportResult:
        """Add a team template from a file (or a newer version of one) to the knowledge base.

        Runs copy their items, so replacing a template with a new version never changes a run
        that already started; the version must go up so exports say which text was walked.
        """
        from sqlmodel import col, select

        from models import ChecklistTemplate

        template = read_template_file(path, origin=USER)
        catalog = self.catalog(refresh=True)
        existing = catalog.templates.get(template.key)
        if existing is not None and existing.origin != USER:
            raise TemplateError(
                str(path), None, f"{template.key!r} is a shipped template; use another key"
            )
        now, who = utcnow(), current_user()
        with self.db.write() as session:
            rows = session.exec(
                select(ChecklistTemplate)
                .where(ChecklistTemplate.key == template.key)
                .where(col(ChecklistTemplate.deleted_at).is_(None))
                .order_by(col(ChecklistTemplate.version).desc())
            ).all()
            row = rows[0] if rows else None
            if row is None:
                action = "added"
                row = ChecklistTemplate(key=template.key, created_at=now)
            elif row.source == template.source:
                return ImportResult(template, "unchanged")
            elif template.version <= row.version:
                raise TemplateError(
                    str(path),
                    None,
                    f"version {row.version} of {template.key!r} is already in the knowledge "
                    f"base; raise 'version' above {row.version} to replace it",
                )
            else:
                action = "updated"
            row.version, row.title, row.source = template.version, template.title, template.source
            row.updated_at, row.updated_by = now, who
            session.add(row)
        self.catalog(refresh=True)
        return ImportResult(template, action)

    def offer_for_status(self, vendor_id: str, status: str) -> Template | None:
        """The checklist to offer when a vendor moves to ``status`` (sunsetting: the sunset).

        ``None`` when there is nothing to offer or such a run is already under way.
        """
        if status != Status.SUNSETTING:
            return None
        return self._offer(vendor_id, "sunset")

    def offer_for_data_category(self, vendor_id: str, pii_level: str) -> Template | None:
        """The checklist to offer when a data category with PII is added to a vendor."""
        if pii_level in ("", PiiLevel.NONE):
            return None
        return self._offer(vendor_id, "new-data-category")

    def _offer(self, vendor_id: str, kind: str) -> Template | None:
        template = self.catalog().of_kind(kind)
        if template is None:
            return None
        open_runs = [run for run in self.runs(vendor_id) if not run.read_only]
        if any(run.template_key == template.key for run in open_runs):
            return None
        return template

    def _stage_keys(self, template_key: str) -> list[str]:
        """A run's stages come from its template's sections marked ``stage``, looked up by key."""
        template = self.catalog().templates.get(template_key)
        return [section.key for section in template.stages] if template else []

    # Reads --------------------------------------------------------------------------------

    def runs(self, vendor_id: str | None = None) -> list[RunSummary]:
        """Runs of one vendor (or of every live vendor): unfinished first, newest first."""
        with self.db.read() as conn:
            if vendor_id is None:
                return read_runs(conn, "v.deleted_at IS NULL", ())
            return read_runs(conn, "r.vendor_id = ?", (vendor_id,))

    def run(self, run_id: str) -> RunSummary:
        """One run, by its id or a unique prefix of it (what a person types from a list)."""
        with self.db.read() as conn:
            found = read_runs(conn, "r.id = ?", (run_id,))
            if not found and len(run_id) >= 4:
                found = read_runs(conn, "r.id LIKE ? ESCAPE '\\'", (_prefix(run_id),))
        if len(found) > 1:
            raise KbError(f"{run_id!r} matches {len(found)} checklist runs; give more of the id.")
        if not found:
            raise KbError(
                f"There is no checklist run {run_id!r}; `vendortui checklist list` shows them."
            )
        return found[0]

    def detail(self, run_id: str) -> RunDetail:
        """A run with all its items, stages and clocks, read in one snapshot."""
        run = self.run(run_id)
        with self.db.read() as conn:
            items = read_items(conn, run.id)
        template = self.catalog().templates.get(run.template_key)
        stages: list[Stage] = []
        deadlines: list[DeadlineView] = []
        if template is not None:
            present = {item.section_key for item in items}
            stages = [Stage(s.key, s.title) for s in template.stages if s.key in present]
            deadlines = deadline_views(
                clock.deadlines_for(template.kind),
                run.started_at,
                items,
                run.status == RunStatus.COMPLETED,
            )
        return RunDetail(run=run, items=items, stages=stages, deadlines=deadlines)

    def export_markdown(self, run_id: str) -> str:
        """The run as Markdown, every item with state, note, evidence, who and when."""
        return run_markdown(self.detail(run_id))

    def export_json(self, run_id: str) -> dict[str, object]:
        """The run as a JSON-ready object."""
        return run_json(self.detail(run_id))

    # Writes -------------------------------------------------------------------------------

    def start_run(self, vendor_id: str, template_key: str) -> RunSummary:
        """Start a run of a template for a vendor: the template's items are copied into it."""
        template = self.catalog(refresh=True).get(template_key)
        now = utcnow()
        with self.db.write() as session:
            _live_vendor(session, vendor_id)
            run_id = _add_run(session, vendor_id, template, now, current_user())
        return self.run(run_id)

    def mark(
        self,
        item_id: str,
        state: str | None = None,
        *,
        note: str | None = None,
        evidence_url: str | None = None,
        reason: str | None = None,
    ) -> TickResult:
        """Change one item (its state, note, evidence link or blocked reason): one tick.

        ``state=None`` keeps the state and only records the note, link or reason. A required
        item that needs a note or evidence link is refused ``done`` without it.
        """
        from models import ChecklistItem, ChecklistRun, ChecklistTick

        target = _state(state) if state is not None else None
        note = _text(note, NOTE_MAX, "note") if note is not None else None
        evidence_url = _link(evidence_url) if evidence_url is not None else None
        reason = _text(reason, REASON_MAX, "reason") if reason is not None else None
        now, who = utcnow(), current_user()
        with self.db.write() as session:
            item = session.get(ChecklistItem, item_id)
            if item is None or item.deleted_at is not None:
                raise KbError("That checklist item no longer exists (perhaps removed by a sync).")
            run = session.get(ChecklistRun, item.run_id)
            if run is None or run.deleted_at is not None:
                raise KbError("That checklist run no longer exists (perhaps removed by a sync).")
            _check_writable(run)
            new_state = target or item.state
            if note is not None:
                item.note = note
            if evidence_url is not None:
                item.evidence_url = evidence_url
            if new_state == ItemState.BLOCKED:
                item.blocked_reason = reason or (
                    item.blocked_reason if item.state == ItemState.BLOCKED else ""
                )
                if not item.blocked_reason:
                    raise FieldError("reason", "say why the item is blocked")
            else:
                item.blocked_reason = ""
            if new_state == ItemState.DONE:
                _check_proof(item)
            if new_state != item.state:
                item.state_by, item.state_at = who, now
            item.state = new_state
            item.updated_at, item.updated_by = now, who
            session.add(item)
            session.add(
                ChecklistTick(
                    run_id=run.id,
                    item_id=item.id,
                    state=item.state,
                    note=item.note,
                    evidence_url=item.evidence_url,
                    blocked_reason=item.blocked_reason,
                    created_at=now,
                    updated_at=now,
                    updated_by=who,
                )
            )
            session.flush()
            _restate_run(session, run, self._stage_keys(run.template_key), now, who)
            result = TickResult(_item_view(item), run.status, run.current_stage)
        return result

    def complete(self, run_id: str) -> RunSummary:
        """Finish a run; from then on it is read-only history.

        Refused while a required item is open, or any item is blocked.
        """
        from sqlmodel import col, select

        from models import ChecklistItem, ChecklistRun

        now, who = utcnow(), current_user()
        run_id = self.run(run_id).id
        with self.db.write() as session:
            run = session.get(ChecklistRun, run_id)
            if run is None or run.deleted_at is not None:
                raise KbError("That checklist run no longer exists (perhaps removed by a sync).")
            _check_writable(run)
            rows = session.exec(
                select(ChecklistItem.required, ChecklistItem.state)
                .where(ChecklistItem.run_id == run_id)
                .where(col(ChecklistItem.deleted_at).is_(None))
            ).all()
            blocked = sum(1 for _, state in rows if state == ItemState.BLOCKED)
            unsettled = sum(1 for required, state in rows if required and state not in SETTLED)
            if blocked:
                raise KbError(
                    f"{_count(blocked, 'item is', 'items are')} blocked; unblock "
                    f"{'it' if blocked == 1 else 'them'} before completing the run."
                )
            if unsettled:
                raise KbError(
                    f"{_count(unsettled, 'required item is', 'required items are')} still "
                    "open; do them or mark them not applicable before completing the run."
                )
            run.status = RunStatus.COMPLETED
            run.completed_at, run.completed_by = now, who
            run.current_stage = ""
            run.updated_at, run.updated_by = now, who
            session.add(run)
        return self.run(run_id)

    def record_rollback(self, run_id: str, *, why: str, stage: str, incident: str = "") -> str:
        """Record a rollback of a rollout stage as a ``rollback`` event on the vendor.

        Who is the current user; the event's body names the stage, the reason, the incident it
        was suspected of and the run. Returns the event's id.
        """
        from models import Event

        detail = self.detail(run_id)
        why = _text(why, REASON_MAX, "why")
        if not why:
            raise FieldError("why", "say why it was rolled back")
        incident = _text(incident, REASON_MAX, "incident")
        titles = {s.key: s.title for s in detail.stages} or {
            item.section_key: item.section_title for item in detail.items
        }
        if stage not in titles:
            raise FieldError("stage", f"must be one of {', '.join(titles)}")
        now, who = utcnow(), current_user()
        body = "\n".join(
            [
                f"- Who: {who}",
                f"- Why: {why}",
                f"- Stage: {titles[stage]}",
                f"- Suspected incident: {incident or 'none named'}",
                f"- Checklist run: {detail.run.title} ({detail.run.id})",
            ]
        )
        event = Event(
            vendor_id=detail.run.vendor_id,
            kind=EventKind.ROLLBACK,
            occurred_at=now,
            title=f"Rolled back from {titles[stage]}: {why}"[:300],
            body=body,
            source_url=incident if incident.startswith(("https://", "http://")) else "",
            created_at=now,
            updated_at=now,
            updated_by=who,
        )
        with self.db.write() as session:
            _live_vendor(session, detail.run.vendor_id)
            session.add(event)
        return event.id

    def start_demo_run(
        self,
        vendor_id: str,
        template_key: str,
        started: datetime,
        completed: datetime | None,
        done_items: list[str],
    ) -> str:
        """A run as if walked in the past, for the demo knowledge base; returns its id.

        ``done_items`` are item keys ticked done (a completed run has every item done). Items
        that need a note or link get a demo one, so the demo obeys the same rules as a walk.
        """
        from sqlmodel import select

        from models import ChecklistItem, ChecklistRun, ChecklistTick

        template = self.catalog().get(template_key)
        known = {item.key for _, item in template.items()}
        unknown = sorted(set(done_items) - known)
        if unknown:
            raise KbError(f"The demo names items {unknown} that {template_key!r} does not have.")
        who = current_user()
        with self.db.write() as session:
            _live_vendor(session, vendor_id)
            run_id = _add_run(session, vendor_id, template, started, who)
            items = session.exec(
                select(ChecklistItem).where(ChecklistItem.run_id == run_id)
            ).all()
            when = completed or started
            for item in items:
                if completed is None and item.item_key not in done_items:
                    continue
                item.state, item.state_by, item.state_at = ItemState.DONE, who, when
                if item.needs_note:
                    item.note = DEMO_NOTE
                if item.needs_evidence:
                    item.evidence_url = f"https://example.com/evidence/{item.item_key}"
                item.updated_at = when
                session.add(item)
                session.add(
                    ChecklistTick(
                        run_id=run_id,
                        item_id=item.id,
                        state=item.state,
                        note=item.note,
                        evidence_url=item.evidence_url,
                        created_at=when,
                        updated_at=when,
                        updated_by=who,
                    )
                )
            session.flush()
            run = session.get(ChecklistRun, run_id)
            assert run is not None, "the run was inserted in this transaction"
            _restate_run(session, run, [s.key for s in template.stages], when, who)
            if completed is not None:
                run.status, run.completed_at, run.completed_by = RunStatus.COMPLETED, completed, who
                run.current_stage = ""
                session.add(run)
        return run_id


# Helpers ------------------------------------------------------------------------------------


def _add_run(
    session: Session, vendor_id: str, template: Template, started: datetime, who: str
) -> str:
    """Insert a run and a copy of every template item; the run keeps the template version."""
    from models import ChecklistItem, ChecklistRun

    stages = template.stages
    run = ChecklistRun(
        vendor_id=vendor_id,
        template_key=template.key,
        template_version=template.version,
        title=template.title,
        status=RunStatus.IN_PROGRESS,
        started_by=who,
        current_stage=stages[0].key if stages else "",
        stage_entered_at=started if stages else None,
        created_at=started,
        updated_at=started,
        updated_by=who,
    )
    session.add(run)
    session.flush()
    session.add_all(
        [
            ChecklistItem(
                run_id=run.id,
                position=position,
                section_key=section.key,
                section_title=section.title,
                item_key=item.key,
                text=item.text,
                help=item.help,
                required=item.required,
                needs_note=item.needs == "note",
                needs_evidence=item.needs == "evidence",
                created_at=started,
                updated_at=started,
                updated_by=who,
            )
            for position, (section, item) in enumerate(template.items())
        ]
    )
    return run.id


def _restate_run(
    session: Session, run: ChecklistRun, stage_keys: list[str], now: datetime, who: str
) -> None:
    """Recompute the run's status and rollout stage from its items; stamp only real changes.

    Touching the run row only when something changed keeps two people's ticks on different
    items from both editing the run, which a later sync would otherwise see as a conflict.
    """
    from sqlmodel import col, select

    from models import ChecklistItem

    rows = session.exec(
        select(ChecklistItem.section_key, ChecklistItem.required, ChecklistItem.state)
        .where(ChecklistItem.run_id == run.id)
        .where(col(ChecklistItem.deleted_at).is_(None))
    ).all()
    status = run_status(state for _, _, state in rows)
    stage = current_stage(rows, stage_keys) if stage_keys else run.current_stage
    if status == run.status and stage == run.current_stage:
        return
    if stage != run.current_stage:
        run.current_stage, run.stage_entered_at = stage, now if stage else None
    run.status = status
    run.updated_at, run.updated_by = now, who
    session.add(run)


def _item_view(item: ChecklistItem) -> ItemView:
    return ItemView(
        id=item.id,
        position=item.position,
        section_key=item.section_key,
        section_title=item.section_title,
        item_key=item.item_key,
        text=item.text,
        help=item.help,
        required=item.required,
        needs_note=item.needs_note,
        needs_evidence=item.needs_evidence,
        state=item.state,
        note=item.note,
        evidence_url=item.evidence_url,
        blocked_reason=item.blocked_reason,
        state_by=item.state_by,
        state_at=item.state_at,
    )


def _live_vendor(session: Session, vendor_id: str) -> None:
    from models import Vendor

    vendor = session.get(Vendor, vendor_id)
    if vendor is None or vendor.deleted_at is not None:
        raise KbError("That vendor was deleted (perhaps by a teammate's sync).")


def _check_writable(run: ChecklistRun) -> None:
    if run.status == RunStatus.COMPLETED:
        when = run.completed_at.strftime("%Y-%m-%d") if run.completed_at else "earlier"
        raise KbError(
            f"This checklist run was completed on {when} by {run.completed_by or 'someone'}; "
            "it is read-only. Start a new run to walk it again."
        )
    if run.status == RunStatus.ABANDONED:
        raise KbError("This checklist run was abandoned; it is read-only.")


def _check_proof(item: ChecklistItem) -> None:
    if not item.required:
        return
    if item.needs_note and not item.note.strip():
        raise ItemRefused("note", "This item needs a note before it can be marked done.")
    if item.needs_evidence and not item.evidence_url.strip():
        raise ItemRefused(
            "evidence_url", "This item needs an evidence link before it can be marked done."
        )


def _state(value: str) -> str:
    try:
        return ItemState(value).value
    except ValueError:
        allowed = ", ".join(state.value for state in ItemState)
        raise FieldError("state", f"must be one of {allowed}") from None


def _text(value: Any, limit: int, name: str) -> str:
    out = str(value or "").strip()
    if len(out) > limit:
        raise FieldError(name, f"is longer than {limit} characters")
    return out


def _link(value: str) -> str:
    out = value.strip()
    if out and (not out.startswith(("https://", "http://")) or any(c.isspace() for c in out)):
        raise ItemRefused("evidence_url", "An evidence link must be a web address (https://...).")
    return out


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%"

"""The checklist service: start runs, tick items, complete, record rollbacks, export.

Every user action is one short ``BEGIN IMMEDIATE`` transaction that also appends a
``ChecklistTick`` (who, when, what), so closing the terminal mid-walk loses nothing and two
people ticking the same run from two processes simply take turns on the write lock. Reads go
through stdlib ``sqlite3`` and return the frozen records of ``app.checklists.records``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from vendortui.app.checklists import clock
from vendortui.app.checklists.export import check_target, open_new, run_json, run_markdown
from vendortui.app.checklists.records import (
    ITEM_COLUMNS,
    SETTLED,
    DeadlineView,
    ItemView,
    RunDetail,
    RunSummary,
    Stage,
    current_stage,
    deadline_views,
    item_from_row,
    read_items,
    read_runs,
    run_status,
)
from vendortui.app.checklists.templates import (
    USER,
    Catalog,
    Template,
    TemplateError,
    catalog_from_conn,
    read_template_file,
)
from vendortui.app.db import Database
from vendortui.app.errors import KbError
from vendortui.app.identity import current_user
from vendortui.app.queries import parse_moment
from vendortui.app.validation import FieldError
from vendortui.models.enums import EventKind, ItemState, PiiLevel, RunStatus, Status
from vendortui.models.ids import db_time, new_id, utcnow

if TYPE_CHECKING:
    from sqlmodel import Session

    from vendortui.models import ChecklistItem, ChecklistRun

NOTE_MAX = 4000
REASON_MAX = 500


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

    def __init__(self, db: Database) -> None:
        self.db = db
        self._catalog: Catalog | None = None

    def warm_up(self) -> None:
        """Import the ORM and every table now (a thread in the walker calls this on open), so
        the first tick does not pay the ~300 ms SQLModel import."""
        load_tables()

    # Templates ----------------------------------------------------------------------------

    def catalog(self, *, refresh: bool = False) -> Catalog:
        """Shipped and team templates, with the refusals of broken ones (never raised)."""
        if self._catalog is None or refresh:
            with self.db.read() as conn:
                self._catalog = catalog_from_conn(conn)
        return self._catalog

    def import_template(self, path: Path) -> ImportResult:
        """Add a team template from a file (or a newer version of one) to the knowledge base.

        Runs copy their items, so replacing a template with a new version never changes a run
        that already started; the version must go up so exports say which text was walked.
        """
        load_tables()
        from sqlmodel import col, select

        from vendortui.models import ChecklistTemplate

        template = self.importable(path)
        now, who = utcnow(), current_user()
        with self.db.write() as session:
            rows = session.exec(
                select(ChecklistTemplate)
                .where(ChecklistTemplate.key == template.key)
                .where(col(ChecklistTemplate.deleted_at).is_(None))
                .order_by(col(ChecklistTemplate.version).desc())
            ).all()
            row = rows[0] if rows else None
            stored = None if row is None else (row.version, row.source)
            action = import_action(path, template, stored)
            if action == "unchanged":
                return ImportResult(template, action)
            if row is None:
                row = ChecklistTemplate(key=template.key, created_at=now)
            row.version, row.title, row.source = template.version, template.title, template.source
            row.updated_at, row.updated_by = now, who
            session.add(row)
        self.catalog(refresh=True)
        return ImportResult(template, action)

    def importable(self, path: Path) -> Template:
        """The template in ``path``, refused (``TemplateError``) if it cannot be read or
        would replace a shipped one: checked before either write path takes the lock."""
        template = read_template_file(path, origin=USER)
        existing = self.catalog(refresh=True).templates.get(template.key)
        if existing is not None and existing.origin != USER:
            raise TemplateError(
                str(path), None, f"{template.key!r} is a shipped template; use another key"
            )
        return template

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

    def save_markdown(self, run_id: str, path: Path) -> Path:
        """Write the run's Markdown export to a new file at ``path`` (the user chose it; an
        existing file is never overwritten). Returns the absolute path written."""
        text = self.export_markdown(run_id)
        target = check_target(str(path))
        with open_new(target) as out:
            out.write(text)
        return target

    # Writes -------------------------------------------------------------------------------

    def start_run(self, vendor_id: str, template_key: str) -> RunSummary:
        """Start a run of a template for a vendor: the template's items are copied into it."""
        load_tables()
        template = self.catalog(refresh=True).get(template_key)
        now = utcnow()
        with self.db.write() as session:
            live_vendor(session, vendor_id)
            run, _ = add_run(session, vendor_id, template, now, current_user())
        return self.run(run.id)

    def preview(
        self,
        item: ItemView,
        state: str | None = None,
        *,
        note: str | None = None,
        evidence_url: str | None = None,
        reason: str | None = None,
    ) -> ItemView:
        """``item`` as ``mark`` would leave it, or the same refusal, without the database.

        The walker calls this on the UI thread to draw a tick at once (as saving) and to refuse
        a note or link inside its prompt; ``mark`` applies the same rules again to the stored
        row inside its transaction, which may have changed since ``item`` was read.
        """
        change = _change(state, note, evidence_url, reason)
        return _next(item, change, current_user(), utcnow())

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

        This is the walker's hot path (a repaint must follow within 16 ms), so it speaks SQL
        on the write transaction's own connection instead of building ORM objects.
        """
        change = _change(state, note, evidence_url, reason)
        now, who = utcnow(), current_user()
        stamp = db_time(now)
        with self.db.write() as session:
            conn = cast("sqlite3.Connection", self.db.raw(session))
            row = conn.execute(
                f"SELECT {ITEM_COLUMNS}, run_id FROM checklist_item "
                "WHERE id = ? AND deleted_at IS NULL",
                (item_id,),
            ).fetchone()
            if row is None:
                raise KbError("That checklist item no longer exists (perhaps removed by a sync).")
            run_id = row[-1]
            run = conn.execute(
                "SELECT status, completed_at, completed_by, template_key, current_stage "
                "FROM checklist_run WHERE id = ? AND deleted_at IS NULL",
                (run_id,),
            ).fetchone()
            if run is None:
                raise KbError("That checklist run no longer exists (perhaps removed by a sync).")
            _check_writable(run[0], parse_moment(run[1]), run[2])
            item = _next(item_from_row(row), change, who, now)
            conn.execute(
                "UPDATE checklist_item SET state = ?, note = ?, evidence_url = ?,"
                " blocked_reason = ?, state_by = ?, state_at = ?, updated_at = ?, updated_by = ?"
                " WHERE id = ?",
                (
                    item.state,
                    item.note,
                    item.evidence_url,
                    item.blocked_reason,
                    item.state_by,
                    db_time(item.state_at) if item.state_at else None,
                    stamp,
                    who,
                    item.id,
                ),
            )
            conn.execute(
                "INSERT INTO checklist_tick (id, created_at, updated_at, updated_by, run_id,"
                " item_id, state, note, evidence_url, blocked_reason)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    new_id(),
                    stamp,
                    stamp,
                    who,
                    run_id,
                    item.id,
                    item.state,
                    item.note,
                    item.evidence_url,
                    item.blocked_reason,
                ),
            )
            status, stage = _restate_run(
                conn, run_id, run[0], run[4], self._stage_keys(run[3]), stamp, who
            )
        return TickResult(item, status, stage)

    def complete(self, run_id: str) -> RunSummary:
        """Finish a run; from then on it is read-only history.

        Refused while a required item is open, or any item is blocked.
        """
        load_tables()
        from sqlmodel import col, select

        from vendortui.models import ChecklistItem, ChecklistRun

        now, who = utcnow(), current_user()
        run_id = self.run(run_id).id
        with self.db.write() as session:
            run = session.get(ChecklistRun, run_id)
            if run is None or run.deleted_at is not None:
                raise KbError("That checklist run no longer exists (perhaps removed by a sync).")
            _check_writable(run.status, run.completed_at, run.completed_by)
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
        load_tables()
        from vendortui.models import Event

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
            live_vendor(session, detail.run.vendor_id)
            session.add(event)
        return event.id


# Helpers ------------------------------------------------------------------------------------


def load_tables() -> None:
    """Import every table module before an ORM write.

    ``models`` resolves its classes lazily; a run's foreign key names ``vendor``, and SQLAlchemy
    can only order a flush that touches a run once the vendor table is known to the metadata.
    """
    from vendortui import models

    models.load_all()


def add_run(
    session: Session, vendor_id: str, template: Template, started: datetime, who: str
) -> tuple[ChecklistRun, list[ChecklistItem]]:
    """Add a run and a copy of every template item (the items are flushed with the caller's
    transaction); the run keeps the template's version."""
    from vendortui.models import ChecklistItem, ChecklistRun

    run_values, item_values = run_rows(vendor_id, template, started, who)
    stamp = {"created_at": started, "updated_at": started, "updated_by": who}
    run = ChecklistRun(**run_values, **stamp)
    items = [ChecklistItem(run_id=run.id, **values, **stamp) for values in item_values]
    session.add(run)
    session.flush()
    session.add_all(items)
    return run, items


def import_action(path: Path, template: Template, stored: tuple[int, str] | None) -> str:
    """What importing ``template`` does given the newest live stored version and source
    (``None`` when there is none): ``added``, ``updated`` or ``unchanged``; a version that
    does not go up is refused (``TemplateError``). For both write paths."""
    if stored is None:
        return "added"
    version, source = stored
    if source == template.source:
        return "unchanged"
    if template.version <= version:
        raise TemplateError(
            str(path),
            None,
            f"version {version} of {template.key!r} is already in the knowledge "
            f"base; raise 'version' above {version} to replace it",
        )
    return "updated"


def run_rows(
    vendor_id: str, template: Template, started: datetime, who: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The column values of a new run and of each of its items (without ``run_id`` and the
    stamps): one definition for the ORM's ``add_run`` and ``app.sql_writes.start_run``."""
    stages = template.stages
    run = {
        "vendor_id": vendor_id,
        "template_key": template.key,
        "template_version": template.version,
        "title": template.title,
        "status": RunStatus.IN_PROGRESS,
        "started_by": who,
        "current_stage": stages[0].key if stages else "",
        "stage_entered_at": started if stages else None,
    }
    items = [
        {
            "position": position,
            "section_key": section.key,
            "section_title": section.title,
            "item_key": item.key,
            "text": item.text,
            "help": item.help,
            "required": item.required,
            "needs_note": item.needs == "note",
            "needs_evidence": item.needs == "evidence",
        }
        for position, (section, item) in enumerate(template.items())
    ]
    return run, items


def _restate_run(
    conn: sqlite3.Connection,
    run_id: str,
    status: str,
    stage: str,
    stage_keys: list[str],
    stamp: str,
    who: str,
) -> tuple[str, str]:
    """Recompute a run's status and rollout stage from its items; returns (status, stage).

    The run row is written only when one of them changed, so two people ticking different
    items do not both edit the run, which a later sync would otherwise see as a conflict.
    """
    rows = conn.execute(
        "SELECT section_key, required, state FROM checklist_item"
        " WHERE run_id = ? AND deleted_at IS NULL",
        (run_id,),
    ).fetchall()
    new_status = run_status(state for _, _, state in rows)
    new_stage = current_stage(rows, stage_keys) if stage_keys else stage
    if new_status == status and new_stage == stage:
        return status, stage
    if new_stage != stage:
        conn.execute(
            "UPDATE checklist_run SET current_stage = ?, stage_entered_at = ? WHERE id = ?",
            (new_stage, stamp if new_stage else None, run_id),
        )
    conn.execute(
        "UPDATE checklist_run SET status = ?, updated_at = ?, updated_by = ? WHERE id = ?",
        (new_status, stamp, who, run_id),
    )
    return new_status, new_stage


@dataclass(frozen=True, slots=True)
class _Change:
    """What one tick asks for, checked; ``None`` keeps the item's value."""

    state: str | None
    note: str | None
    evidence_url: str | None
    reason: str | None


def _change(
    state: str | None, note: str | None, evidence_url: str | None, reason: str | None
) -> _Change:
    """The values of a tick checked one by one (state known, lengths, a web link)."""
    return _Change(
        _state(state) if state is not None else None,
        _text(note, NOTE_MAX, "note") if note is not None else None,
        _link(evidence_url) if evidence_url is not None else None,
        _text(reason, REASON_MAX, "reason") if reason is not None else None,
    )


def _next(item: ItemView, change: _Change, who: str, now: datetime) -> ItemView:
    """The item after a tick, or a refusal: blocked needs a reason, done needs its proof."""
    state = change.state or item.state
    note = item.note if change.note is None else change.note
    evidence_url = item.evidence_url if change.evidence_url is None else change.evidence_url
    blocked_reason = ""
    if state == ItemState.BLOCKED:
        blocked_reason = change.reason or (
            item.blocked_reason if item.state == ItemState.BLOCKED else ""
        )
        if not blocked_reason:
            raise FieldError("reason", "say why the item is blocked")
    changed = state != item.state
    after = replace(
        item,
        state=state,
        note=note,
        evidence_url=evidence_url,
        blocked_reason=blocked_reason,
        state_by=who if changed else item.state_by,
        state_at=now if changed else item.state_at,
    )
    if state == ItemState.DONE and after.missing == "note":
        raise ItemRefused("note", "This item needs a note before it can be marked done.")
    if state == ItemState.DONE and after.missing == "evidence":
        raise ItemRefused(
            "evidence_url", "This item needs an evidence link before it can be marked done."
        )
    return after


def live_vendor(session: Session, vendor_id: str) -> None:
    """Refuse to add to a vendor that is gone (a teammate may have deleted it and synced)."""
    from vendortui.models import Vendor

    vendor = session.get(Vendor, vendor_id)
    if vendor is None or vendor.deleted_at is not None:
        raise KbError(VENDOR_GONE)


VENDOR_GONE = "That vendor was deleted (perhaps by a teammate's sync)."
"""Refusing to add to a vendor that is gone, on either write path."""


def _check_writable(status: str, completed_at: datetime | None, completed_by: str) -> None:
    if status == RunStatus.COMPLETED:
        when = completed_at.strftime("%Y-%m-%d") if completed_at else "earlier"
        raise KbError(
            f"This checklist run was completed on {when} by {completed_by or 'someone'}; "
            "it is read-only. Start a new run to walk it again."
        )
    if status == RunStatus.ABANDONED:
        raise KbError("This checklist run was abandoned; it is read-only.")


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

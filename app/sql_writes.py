"""The headless write commands over stdlib ``sqlite3``: the ORM's invariants without SQLModel.

Importing SQLAlchemy alone costs more than twice a whole ``vendortui --version`` run, so a
command that adds one row through the ORM can never come within 3x of it (issue 11,
``bench/commands.py``). On a SQLite file the write commands therefore insert through
``Database.write_sql()`` (``BEGIN IMMEDIATE``, swapped-file reopen, ``quick_check`` before the
first write: the same guards as ``write()``), and every row goes through ``insert``, which
keeps what the ORM keeps: a UUIDv7 text id, ``created_at``/``updated_at``/``updated_by``
stamps, the column defaults of the SQLModel table, the one-line rule of ``models.base`` (the
same ``models.one_line.check``) and the values stored in SQLModel's forms. Validation is not
repeated here: callers pass what ``app.validation.clean`` returned, as the ORM path does.
A team server (PostgreSQL) keeps the ORM path; ``supported`` says which one a database takes.
"""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from vendortui.app.db import Database
from vendortui.app.errors import KbError
from vendortui.app.identity import current_user
from vendortui.app.validation import clean
from vendortui.models.ids import db_time, new_id, utcnow
from vendortui.models.one_line import check, one_line_fields

if TYPE_CHECKING:
    from pathlib import Path

    from vendortui.app.checklists.service import ChecklistService, ImportResult
    from vendortui.app.checklists.templates import Template

COLUMN_DEFAULTS: dict[str, dict[str, Any]] = {
    "vendor": {
        "category": "",
        "status": "evaluating",
        "rollout_stage": "",
        "rollout_percent": None,
        "risk_tier": "medium",
        "website": "",
        "extra_domains": "",
        "description": "",
        "sso_protocol": "none",
        "scim": False,
        "mfa_methods": "",
        "webauthn_enforced": False,
        "sso_requires_upgrade": False,
        "contract_start": None,
        "contract_end": None,
        "notice_days": None,
        "termination_data": "",
        "review_cadence_days": None,
    },
    "person": {
        "email": "",
        "phone": "",
        "chat": "",
        "team": "",
        "organisation": "",
        "active": True,
    },
    "role": {"team": "", "note": ""},
    "data_category": {"pii_level": "none", "encrypted": False, "description": ""},
    "event": {"body": "", "source_url": ""},
    "runbook": {"body": "", "verified_at": None, "verified_by": "", "verify_interval_days": 90},
    "probe_config": {
        "issuer": "",
        "metadata_url": "",
        "client_id": "",
        "scopes": "",
        "audience": "",
        "expected_claims": "",
        "api_url": "",
        "secret_ref": "",
        "ca_file": "",
        "enabled": True,
    },
    "checklist_template": {"version": 1, "title": "", "source": ""},
    "checklist_run": {
        "status": "in_progress",
        "started_by": "",
        "completed_at": None,
        "completed_by": "",
        "current_stage": "",
        "stage_entered_at": None,
    },
    "checklist_item": {
        "section_key": "",
        "section_title": "",
        "help": "",
        "required": True,
        "needs_note": False,
        "needs_evidence": False,
        "state": "open",
        "note": "",
        "evidence_url": "",
        "blocked_reason": "",
        "state_by": "",
        "state_at": None,
    },
    "checklist_tick": {"note": "", "evidence_url": "", "blocked_reason": ""},
}
"""Per table, the defaults of the SQLModel class's columns (``tests/core/test_sql_writes.py``
holds them equal to ``model_fields``): what the ORM fills in for a column not given."""


def supported(db: Any) -> bool:
    """Whether ``db`` takes the stdlib write path: a SQLite file, not a team server."""
    return isinstance(db, Database) and db.kind == "sqlite"


def db_value(value: Any) -> Any:
    """A Python value in the form SQLModel stores it in SQLite: moments as UTC text without
    an offset and with microseconds (text order is time order), dates ISO, flags 0/1."""
    if isinstance(value, datetime):
        return db_time(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def insert(
    conn: sqlite3.Connection, table: str, values: Mapping[str, Any], *, now: datetime, who: str
) -> str:
    """Insert one row of ``table`` (defaults, stamps, one-line rule) and return its id.

    ``OneLineError`` from the rule becomes a ``FieldError`` in ``write_sql()``, as it does
    in the ORM's ``write()``.
    """
    row: dict[str, Any] = {**COLUMN_DEFAULTS.get(table, {}), **values}
    row.update(id=new_id(), created_at=now, updated_at=now, updated_by=who, deleted_at=None)
    for field in one_line_fields(table):
        if isinstance(row.get(field), str):
            row[field] = check(field, row[field])
    names = ", ".join(f'"{name}"' for name in row)
    marks = ", ".join("?" for _ in row)
    conn.execute(
        f'INSERT INTO "{table}" ({names}) VALUES ({marks})', [db_value(v) for v in row.values()]
    )
    return str(row["id"])


def update(
    conn: sqlite3.Connection,
    table: str,
    row_id: str,
    values: Mapping[str, Any],
    *,
    now: datetime,
    who: str,
) -> None:
    """Change ``values`` of one row with fresh ``updated_at``/``updated_by`` stamps; the
    one-line rule applies to the fields written, as the ORM checks the changed ones."""
    row: dict[str, Any] = {**values, "updated_at": now, "updated_by": who}
    fields = one_line_fields(table)
    for field, value in row.items():
        if field in fields and isinstance(value, str):
            row[field] = check(field, value)
    assignments = ", ".join(f'"{name}" = ?' for name in row)
    conn.execute(
        f'UPDATE "{table}" SET {assignments} WHERE id = ?',
        [*(db_value(v) for v in row.values()), row_id],
    )


def live_vendor(conn: sqlite3.Connection, vendor_id: str) -> None:
    """Refuse to add to a vendor that is gone, as ``checklists.service.live_vendor`` does."""
    from vendortui.app.checklists.service import VENDOR_GONE

    live = conn.execute(
        "SELECT 1 FROM vendor WHERE id = ? AND deleted_at IS NULL", (vendor_id,)
    ).fetchone()
    if live is None:
        raise KbError(VENDOR_GONE)


class RowWriter(ABC):
    """Inserts rows of any table inside one write transaction of either backend.

    For loaders that write many tables (the demo): values are what ``clean`` returned (or
    built from shipped data), ``moment`` is the stamp each row carries, ``who`` the author.
    """

    def __init__(self, who: str) -> None:
        self.who = who

    @abstractmethod
    def insert(self, table: str, values: Mapping[str, Any], moment: datetime) -> str:
        """Insert one row of ``table`` stamped ``moment``; returns its new id."""


class _SqlRows(RowWriter):
    """On a file: ``insert`` inside ``write_sql()`` (no SQLAlchemy imported)."""

    def __init__(self, conn: sqlite3.Connection, who: str) -> None:
        super().__init__(who)
        self.conn = conn

    def insert(self, table: str, values: Mapping[str, Any], moment: datetime) -> str:
        return insert(self.conn, table, values, now=moment, who=self.who)


class _OrmRows(RowWriter):
    """On a team server: SQLModel objects inside ``write()``, where the file path's stdlib
    ``sqlite3`` cannot go."""

    def __init__(self, session: Any, who: str) -> None:
        from vendortui import models

        super().__init__(who)
        self.session = session
        self.classes = {str(cls.__tablename__): cls for cls in models.SYNCED_TABLES}

    def insert(self, table: str, values: Mapping[str, Any], moment: datetime) -> str:
        row = self.classes[table](
            **values, created_at=moment, updated_at=moment, updated_by=self.who
        )
        self.session.add(row)
        # Each row at once: a flush orders tables by relationships, and these have none, so
        # a later flush could send a child before the parent its foreign key names.
        self.session.flush()
        return str(row.id)


@contextmanager
def rows_writer(db: Any) -> Iterator[RowWriter]:
    """One write transaction that inserts rows of any table: stdlib ``sqlite3`` on a file
    (``write_sql()``), the ORM on a team server (``write()``). Commits on success; an
    exception rolls every row back."""
    who = current_user()
    if supported(db):
        with db.write_sql() as conn:
            yield _SqlRows(conn, who)
    else:
        with db.write() as session:
            yield _OrmRows(session, who)


def create(db: Database, table: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """``KnowledgeBase.create`` without SQLModel: validate ``values`` and insert one row;
    returns the cleaned values with the new ``id``."""
    cleaned = clean(table, values)
    with db.write_sql() as conn:
        row_id = insert(conn, table, cleaned, now=utcnow(), who=current_user())
    return {**cleaned, "id": row_id}


def add_vendor(db: Database, name: str, *, allow_similar: bool = False, **values: Any) -> str:
    """``KnowledgeBase.add_vendor`` without SQLModel: the vendor and its runbook from the
    template, the slug and look-alike refusal from the same ``vendor_slug``; returns the slug."""
    from vendortui.app.kb import runbook_template, vendor_slug

    cleaned = clean("vendor", {"name": name, **values})
    now, who = utcnow(), current_user()
    with db.write_sql() as conn:
        slug = vendor_slug(conn.execute, cleaned, allow_similar=allow_similar)
        vendor_id = insert(conn, "vendor", {"slug": slug, **cleaned}, now=now, who=who)
        insert(
            conn, "runbook", {"vendor_id": vendor_id, "body": runbook_template()}, now=now, who=who
        )
    return slug


def start_run(db: Database, vendor_id: str, template: Template) -> str:
    """``ChecklistService.start_run`` without SQLModel: the run and a copy of every template
    item, from the same ``run_rows``; refuses a vendor that is gone. Returns the run's id."""
    from vendortui.app.checklists.service import run_rows

    now, who = utcnow(), current_user()
    with db.write_sql() as conn:
        live_vendor(conn, vendor_id)
        run, items = run_rows(vendor_id, template, now, who)
        run_id = insert(conn, "checklist_run", run, now=now, who=who)
        for item in items:
            insert(conn, "checklist_item", {"run_id": run_id, **item}, now=now, who=who)
    return run_id


def import_template(db: Database, service: ChecklistService, path: Path) -> ImportResult:
    """``ChecklistService.import_template`` without SQLModel: the same checks before the
    lock (``importable``) and the same decision under it (``import_action``)."""
    from vendortui.app.checklists.service import ImportResult, import_action

    template = service.importable(path)
    now, who = utcnow(), current_user()
    with db.write_sql() as conn:
        row = conn.execute(
            "SELECT id, version, source FROM checklist_template"
            " WHERE key = ? AND deleted_at IS NULL ORDER BY version DESC LIMIT 1",
            (template.key,),
        ).fetchone()
        action = import_action(path, template, None if row is None else (row[1], row[2]))
        values = {"version": template.version, "title": template.title, "source": template.source}
        if action == "added":
            insert(conn, "checklist_template", {"key": template.key, **values}, now=now, who=who)
        elif action == "updated":
            update(conn, "checklist_template", row[0], values, now=now, who=who)
    return ImportResult(template, action)

"""Listing and resolving the conflicts a merge recorded; used by the CLI and the TUI.

"Mine" and "theirs" are stored from the point of view of the clone that merged. A teammate
who receives the merge sees it from the other side, so the sides are swapped for the reader
when the stored *theirs* was written by the current user and *ours* was not.

Resolving is an ordinary edit (one write transaction: the field gets the chosen value with a
fresh ``updated_at``, the conflict row is marked resolved), so it syncs like any edit. The
merge counts a resolution as a change of its field even when it keeps the value shown, so a
teammate's concurrent edit, or a different resolution of the same conflict, comes back as a
new conflict rather than silently winning. A conflict on ``deleted_at`` may also mean that a
teammate added something under a row another deleted: the side shown empty keeps the row.
Table and field names in a conflict row came from data, possibly a teammate's commit: they
are checked against the SQLModel metadata before they reach any SQL.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from vendortui.app.db import Database
from vendortui.app.errors import KbError
from vendortui.app.sync.summary import LABELS
from vendortui.app.validation import FieldError
from vendortui.models.ids import db_time

Choice = Literal["mine", "theirs", "value"]
MIN_PREFIX = 4


@dataclass(frozen=True)
class ConflictView:
    """One open conflict as a person sees it (sides oriented to the reader)."""

    id: str
    table: str
    row_id: str
    row_label: str
    field: str
    base: str | None
    mine: str | None
    theirs: str | None
    mine_by: str
    mine_at: str | None
    theirs_by: str
    theirs_at: str | None
    provisional: str
    current: str | None
    """The value in the row now (the provisional one, unless edited since)."""
    recorded_at: str

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


_SELECT = (
    "SELECT id, table_name, row_id, field, base_value, ours_value, theirs_value, ours_by, "
    "ours_at, theirs_by, theirs_at, provisional, created_at FROM conflict "
    "WHERE resolved_at IS NULL AND deleted_at IS NULL"
)


def _me() -> str:
    from vendortui.app.identity import current_user

    return current_user()


def _columns(table: str) -> dict[str, Any]:
    """The SQLAlchemy columns of a synced table, or ``{}`` for an unknown name."""
    from vendortui import models

    for model in models.SYNCED_TABLES:
        sql_table = model.__table__  # type: ignore[attr-defined]
        if sql_table.name == table:
            return {column.name: column for column in sql_table.columns}
    return {}


def _known(table: str, field: str) -> bool:
    return field in _columns(table) and field != "id"


def _view(conn: Any, row: Any, me: str) -> ConflictView:
    (
        cid,
        table,
        row_id,
        field,
        base,
        ours,
        theirs,
        ours_by,
        ours_at,
        theirs_by,
        theirs_at,
        provisional,
        created_at,
    ) = tuple(row)
    swapped = theirs_by == me and ours_by != me
    label, current = row_id[:8], None
    if _known(table, field):
        expression = LABELS.get(table, "t.id")
        found = conn.execute(
            f'SELECT {expression}, t."{field}" FROM "{table}" t WHERE t.id = ?', (row_id,)
        ).fetchone()
        if found is not None:
            label = found[0] or label
            current = None if found[1] is None else str(found[1])
    if swapped:
        ours, theirs, ours_by, theirs_by, ours_at, theirs_at = (
            theirs,
            ours,
            theirs_by,
            ours_by,
            theirs_at,
            ours_at,
        )
    return ConflictView(
        id=cid,
        table=table,
        row_id=row_id,
        row_label=str(label),
        field=field,
        base=base,
        mine=ours,
        theirs=theirs,
        mine_by=ours_by,
        mine_at=ours_at,
        theirs_by=theirs_by,
        theirs_at=theirs_at,
        provisional=provisional,
        current=current,
        recorded_at=created_at,
    )


def list_open(db: Database, *, me: str | None = None) -> list[ConflictView]:
    """Open conflicts, oldest first (plain ``sqlite3``: no SQLModel import for a list)."""
    who = me or _me()
    with db.read() as conn:
        rows = conn.execute(_SELECT + " ORDER BY created_at, table_name, row_id, field").fetchall()
        return [_view(conn, row, who) for row in rows]


def count_open(db: Database) -> int:
    """How many conflicts wait for a person (for a badge)."""
    with db.read() as conn:
        return conn.execute(
            "SELECT count(*) FROM conflict WHERE resolved_at IS NULL AND deleted_at IS NULL"
        ).fetchone()[0]


def _convert(column: Any, text: str | None) -> object:
    """A stored or typed text value back to what the column holds, or a ``KbError``."""
    from sqlalchemy import Boolean, Date, DateTime, Integer

    kind = getattr(column.type, "impl", column.type)
    if isinstance(kind, type):
        kind = kind()
    if text is None or (text == "" and column.nullable and not _is_text(kind)):
        if not column.nullable:
            raise KbError(f"{column.name} cannot be empty; give a value with --value.")
        return None
    try:
        if isinstance(kind, Boolean):
            lowered = text.strip().lower()
            if lowered not in {"0", "1", "true", "false", "yes", "no"}:
                raise ValueError(text)
            return lowered in {"1", "true", "yes"}  # stored as 1/0 in a file
        if isinstance(kind, Integer):
            return int(text)
        if isinstance(kind, DateTime):
            moment = datetime.fromisoformat(text.strip())
            return db_time(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
        if isinstance(kind, Date):
            return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise KbError(f"{text!r} is not a valid value for {column.name}.") from None
    return text


BOOKKEEPING = {"id", "created_at", "updated_at", "updated_by", "deleted_at"}


def _checked_edit(table: str, field: str, value: str) -> str:
    """A typed value goes through the same validation as a form edit, as text again.

    Bookkeeping columns (tombstones, stamps) can only take one side's value: typing one would
    let a resolve hide a row or forge who changed it.
    """
    from vendortui.app.validation import RULES, clean

    if field in BOOKKEEPING:
        raise KbError(f"{field} can only be resolved with --mine or --theirs.")
    if field not in RULES.get(table, {}):
        return value
    cleaned = clean(table, {field: value})[field]
    if cleaned is None:
        return ""
    if isinstance(cleaned, bool):
        return "1" if cleaned else "0"
    if isinstance(cleaned, datetime | date):
        return cleaned.isoformat()
    return str(cleaned)


def _is_text(kind: Any) -> bool:
    from sqlalchemy import String

    return isinstance(kind, String)


def resolve(
    db: Database,
    conflict_id: str,
    choice: Choice,
    value: str | None = None,
    *,
    me: str | None = None,
) -> ConflictView:
    """Settle one open conflict: keep mine, keep theirs, or set ``value`` (an edit).

    ``conflict_id`` may be a unique prefix (at least 4 characters) of the id.
    """
    who = me or _me()
    prefix = conflict_id.strip().lower()
    if len(prefix) < MIN_PREFIX:
        raise KbError(f"Give at least {MIN_PREFIX} characters of the conflict id.")
    matches = [c for c in list_open(db, me=who) if c.id.startswith(prefix)]
    if not matches:
        raise KbError(f"No open conflict has id {prefix}; list them with vendortui conflicts.")
    if len(matches) > 1:
        raise KbError(f"{prefix} matches {len(matches)} conflicts; give more of the id.")
    conflict = matches[0]
    columns = _columns(conflict.table)
    if not _known(conflict.table, conflict.field):
        raise KbError(
            f"Conflict {conflict.id[:8]} names {conflict.table}.{conflict.field}, which this "
            "vendortui does not know; resolve it with a newer version."
        )
    if choice == "mine":
        text, label = conflict.mine, "mine"
    elif choice == "theirs":
        text, label = conflict.theirs, "theirs"
    else:
        if value is None:
            raise KbError("Give the value to keep with --value.")
        text, label = _checked_edit(conflict.table, conflict.field, value), "edit"
    typed = _convert(columns[conflict.field], text)
    now = db_time(datetime.now(UTC))
    try:
        with db.write() as session:
            conn = db.raw(session)  # the read path's SQL (``?``) on either backend
            updated = conn.execute(
                f'UPDATE "{conflict.table}" SET "{conflict.field}" = ?, updated_at = ?, '
                "updated_by = ? WHERE id = ?",
                (typed, now, who, conflict.row_id),
            ).rowcount
            if not updated:
                raise KbError(
                    f"The {conflict.table} row of conflict {conflict.id[:8]} no longer exists."
                )
            conn.execute(
                "UPDATE conflict SET resolved_at = ?, resolved_by = ?, resolution = ?, "
                "updated_at = ?, updated_by = ? WHERE id = ?",
                (now, who, label, now, who, conflict.id),
            )
    except FieldError:  # the database's UNIQUE refusal, translated by Database.write
        raise KbError(
            f"{text!r} cannot be used for {conflict.table}.{conflict.field}: another row "
            "already has it (a vendor slug must be unique); choose another with --value."
        ) from None
    return conflict


class ConflictService:
    """The conflicts of one knowledge base, for a screen: no database handle leaks out."""

    def __init__(self, db: Database, *, me: str | None = None) -> None:
        self.db = db
        self.me = me

    def list_open(self) -> list[ConflictView]:
        """Open conflicts, sides oriented to the current user."""
        return list_open(self.db, me=self.me)

    def count_open(self) -> int:
        """For a badge."""
        return count_open(self.db)

    def resolve(self, conflict_id: str, choice: str, value: str | None = None) -> ConflictView:
        """Keep ``mine``, ``theirs``, or ``value`` (choice ``value``)."""
        if choice not in ("mine", "theirs", "value"):
            raise KbError(f"Unknown choice {choice!r}; use mine, theirs or value.")
        return resolve(self.db, conflict_id, choice, value, me=self.me)  # type: ignore[arg-type]

"""The knowledge-base service: the one object screens and commands talk to.

Reads that the first frame needs go through stdlib ``sqlite3`` (``app.queries``,
``app.attention``); everything else uses SQLModel sessions from ``app.db``. Every write stamps
``updated_at``/``updated_by`` and is one transaction; deletes are tombstones.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from vendortui.app import queries
from vendortui.app.attention import AttentionItem, attention
from vendortui.app.db import Database, open_database
from vendortui.app.dburl import Location
from vendortui.app.errors import KbError
from vendortui.app.identity import current_user
from vendortui.app.text import one_line
from vendortui.app.validation import FieldError, LookAlikeError, clean
from vendortui.models.ids import utcnow
from vendortui.models.rules import cancel_by, look_alike_key, review_cadence, slugify

if TYPE_CHECKING:
    from vendortui.app.checklists.service import ChecklistService
    from vendortui.app.probes.store import ProbeService
    from vendortui.app.public_data.check import VendorPublic
    from vendortui.models import DataCategory, Event, Person, Role, Runbook, Synced, Vendor

T = TypeVar("T", bound="Synced")


@dataclass
class RoleLine:
    """A role on a vendor with the person who holds it."""

    role: Role
    person: Person


@dataclass
class VendorCard:
    """Everything the vendor screen and ``vendortui show`` display about one vendor."""

    vendor: Vendor
    roles: list[RoleLine] = field(default_factory=list)
    data_categories: list[DataCategory] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    runbook: Runbook | None = None

    def holders(self, kind: str) -> list[RoleLine]:
        """The roles of one kind (``lead``, ``backup``, ...), oldest first."""
        return [line for line in self.roles if line.role.kind == kind]

    @property
    def cancel_by(self) -> date | None:
        """Contract end minus the notice period."""
        return cancel_by(self.vendor.contract_end, self.vendor.notice_days)

    @property
    def review_cadence_days(self) -> int:
        """Days between annual reviews for this vendor."""
        return review_cadence(self.vendor.risk_tier, self.vendor.review_cadence_days)


class KnowledgeBase:
    """Services over one knowledge-base file."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @classmethod
    def open(cls, path: Location, *, for_writing: bool = True) -> KnowledgeBase:
        """Open (validate, create or migrate) the knowledge base at ``path`` (a file or a
        PostgreSQL URL), first finishing what plain git or a killed sync left half done."""
        from vendortui.app.sync import pending

        pending.install()
        return cls(open_database(path, for_writing=for_writing))

    @property
    def path(self) -> Path:
        """The database file (a team server has none: ``KbError`` saying so)."""
        return self.db.path

    @property
    def label(self) -> str:
        """What to call the knowledge base on screen: its path, or its URL without password."""
        return self.db.label

    def watch(self, changed: Callable[[], object]) -> Callable[[], None] | None:
        """On a team server, call ``changed()`` (from a thread) after each teammate's write;
        returns the function that stops watching. ``None`` for a file (git sync is explicit)."""
        listen = getattr(self.db, "listen", None)
        return None if listen is None or self.db.banner else listen(changed)

    def refresh_offline_copy(self) -> None:
        """On a team server, refresh the local offline copy (``app.offline``); a file has none.

        Seconds on a big knowledge base, so it runs in a child process; the TUI waits for
        it in a worker after the first frame. Nothing to do when the copy already holds the
        server's change mark.
        """
        change_mark = getattr(self.db, "change_mark", None)
        if change_mark is not None and not self.db.banner:
            from vendortui.app.offline import copy_path, is_current, refresh_in_child

            url = self.db.url  # type: ignore[attr-defined]
            if not is_current(copy_path(url), change_mark()):
                refresh_in_child(url)

    def stop_refreshing_offline_copy(self) -> None:
        """Stop a refresh ``refresh_offline_copy`` is waiting for (the TUI is closing, and
        quitting must not wait for a copy); nothing to do for a file or when none runs."""
        if getattr(self.db, "change_mark", None) is not None:
            from vendortui.app.offline import stop_refreshing

            stop_refreshing()

    @property
    def short_label(self) -> str:
        """The title bar's name: the file's name, or ``database@host`` for a server."""
        return self.db.short_label

    @functools.cached_property
    def probes(self) -> ProbeService:
        """SSO probe configurations and results."""
        from vendortui.app.probes.store import ProbeService

        return ProbeService(self.db)

    @property
    def readonly(self) -> bool:
        """True when edits are refused (newer schema, or opened for reading)."""
        return self.db.readonly

    @functools.cached_property
    def checklists(self) -> ChecklistService:
        """Checklist templates and runs; imported on first use so start-up stays light."""
        from vendortui.app.checklists.service import ChecklistService

        return ChecklistService(self.db)

    # Fast reads -------------------------------------------------------------------------

    def vendor_rows(self) -> list[queries.VendorRow]:
        """Every live vendor for the list, sorted by name."""
        with self.db.read() as conn:
            return queries.vendor_rows(conn)

    def public_data(self, vendor_id: str, today: date | None = None) -> VendorPublic:
        """A vendor's public facts and findings (the datasets load on first use)."""
        from vendortui.app.public_data.records import public_for_vendor

        with self.db.read() as conn:
            return public_for_vendor(conn, vendor_id, today or date.today())

    def attention(self, today: date | None = None, within: int = 30) -> list[AttentionItem]:
        """What needs attention, most urgent first."""
        with self.db.read() as conn:
            return attention(conn, today or date.today(), within)

    def find_vendor_id(self, name_or_slug: str) -> str:
        """The id of a live vendor by slug, id or name; a readable error if there is none."""
        with self.db.read() as conn:
            vendor_id = queries.find_vendor_id(conn, name_or_slug)
        if vendor_id is None:
            raise KbError(
                f"There is no vendor called {name_or_slug!r}; `vendortui vendors` lists them."
            )
        return vendor_id

    def card_view(self, vendor_id: str) -> VendorCard:
        """The vendor card to display, read with stdlib ``sqlite3`` as typed ``Record``s
        (``app.card_rows``): what the vendor screen and ``vendortui show`` draw, so opening a
        vendor right after launch never waits for SQLModel. Edits name the row by its id
        (``update``), so they need no ORM object; ``card`` reads the same as SQLModel rows."""
        from vendortui.app.card_rows import read_card

        with self.db.read() as conn:
            return read_card(conn, vendor_id)

    # ORM reads ----------------------------------------------------------------------------

    def card(self, vendor_id: str) -> VendorCard:
        """The whole vendor card; raises ``KbError`` if the vendor is gone."""
        from sqlmodel import col, select

        from vendortui.models import DataCategory, Event, Person, Role, Runbook, Vendor

        with self.db.session() as session:
            vendor = session.get(Vendor, vendor_id)
            if vendor is None or vendor.deleted_at is not None:
                raise KbError("That vendor was deleted (perhaps by a teammate's sync).")
            roles = session.exec(
                select(Role, Person)
                .join(Person, col(Person.id) == Role.person_id)
                .where(Role.vendor_id == vendor_id, col(Role.deleted_at).is_(None))
                .where(col(Person.deleted_at).is_(None))
                .order_by(col(Role.created_at), col(Role.id))
            ).all()
            categories = session.exec(
                select(DataCategory)
                .where(DataCategory.vendor_id == vendor_id, col(DataCategory.deleted_at).is_(None))
                .order_by(col(DataCategory.name))
            ).all()
            events = session.exec(
                select(Event)
                .where(Event.vendor_id == vendor_id, col(Event.deleted_at).is_(None))
                .order_by(col(Event.occurred_at).desc(), col(Event.id))
            ).all()
            runbook = session.exec(
                select(Runbook)
                .where(Runbook.vendor_id == vendor_id, col(Runbook.deleted_at).is_(None))
                .order_by(col(Runbook.created_at))
            ).first()
        return VendorCard(
            vendor=vendor,
            roles=[RoleLine(role, person) for role, person in roles],
            data_categories=list(categories),
            events=list(events),
            runbook=runbook,
        )

    def people(self) -> list[Person]:
        """Every live person, by name: the choices when assigning a role."""
        from sqlmodel import col, select

        from vendortui.models import Person

        with self.db.session() as session:
            return list(
                session.exec(
                    select(Person)
                    .where(col(Person.deleted_at).is_(None))
                    .order_by(col(Person.name), col(Person.id))
                ).all()
            )

    # Writes -------------------------------------------------------------------------------

    def create(self, table: type[T], **values: Any) -> T:
        """Validate ``values`` and insert one row of ``table``."""
        cleaned = clean(_table_name(table), values)
        now = utcnow()
        row = table(**cleaned, created_at=now, updated_at=now, updated_by=current_user())
        with self.db.write() as session:
            session.add(row)
        return row

    def update(
        self, table: type[T], row_id: str, *, expected: dict[str, Any] | None = None, **values: Any
    ) -> T:
        """Validate ``values`` and change those fields of one live row.

        ``expected`` holds the values the editor loaded for the fields it changes: a
        compare-and-set under the write lock (``BEGIN IMMEDIATE`` on a file, the row locked
        ``FOR UPDATE`` on a server). A field a teammate changed meanwhile to something else
        refuses the whole save with ``ChangedMeanwhile``; fields nobody else touched land,
        and a teammate's edits of other fields are kept (only changed fields are written).
        """
        cleaned = clean(_table_name(table), values)
        with self.db.write() as session:
            row = self._live(session, table, row_id, lock=True)
            for name, loaded in (expected or {}).items():
                current = getattr(row, name)
                if current != loaded and current != cleaned.get(name, loaded):
                    raise ChangedMeanwhile(name, current, row.updated_by)
            for name, value in cleaned.items():
                setattr(row, name, value)
            row.updated_at = utcnow()
            row.updated_by = current_user()
            session.add(row)
        return row

    def delete(self, table: type[T], row_id: str) -> None:
        """Tombstone one row: it disappears everywhere but stays for sync and history."""
        with self.db.write() as session:
            row = self._live(session, table, row_id)
            row.deleted_at = row.updated_at = utcnow()
            row.updated_by = current_user()
            session.add(row)

    @staticmethod
    def _live(session: Any, table: type[T], row_id: str, *, lock: bool = False) -> T:
        row = session.get(table, row_id, with_for_update=lock)
        if row is None or row.deleted_at is not None:
            raise KbError(f"That {_table_name(table).replace('_', ' ')} no longer exists.")
        return row

    def add_vendor(self, name: str, *, allow_similar: bool = False, **values: Any) -> Vendor:
        """Create a vendor with a slug unique among live vendors, and its runbook from the
        template. A name that looks like a live vendor's is refused (``LookAlikeError``)
        unless ``allow_similar``: the person confirms it is another vendor."""
        from sqlalchemy import text

        from vendortui.models import Runbook, Vendor

        cleaned = clean("vendor", {"name": name, **values})
        now, who = utcnow(), current_user()
        with self.db.write() as session:
            # Checked inside the write lock, so two processes adding the same name cannot race.
            slug = vendor_slug(
                lambda sql, params: session.connection().execute(text(sql), params),
                cleaned,
                allow_similar=allow_similar,
            )
            vendor = Vendor(slug=slug, **cleaned, created_at=now, updated_at=now, updated_by=who)
            session.add(vendor)
            session.flush()
            session.add(
                Runbook(
                    vendor_id=vendor.id,
                    body=runbook_template(),
                    created_at=now,
                    updated_at=now,
                    updated_by=who,
                )
            )
        return vendor

    def save_runbook(self, vendor_id: str, body: str) -> Runbook:
        """Store a new runbook text (creating the runbook row if the vendor has none)."""
        from vendortui.models import Runbook

        card = self.card(vendor_id)
        if card.runbook is None:
            return self.create(Runbook, vendor_id=vendor_id, body=body)
        return self.update(Runbook, card.runbook.id, body=body)

    def verify_runbook(self, vendor_id: str) -> Runbook:
        """Record that the runbook was walked through and is correct, now, by the current user."""
        from vendortui.models import Runbook

        card = self.card(vendor_id)
        runbook = card.runbook or self.create(Runbook, vendor_id=vendor_id, body=runbook_template())
        with self.db.write() as session:
            row = self._live(session, Runbook, runbook.id)
            row.verified_at = row.updated_at = utcnow()
            row.verified_by = row.updated_by = current_user()
            session.add(row)
        return row


LIVE_VENDOR_NAMES = "SELECT name, slug FROM vendor WHERE deleted_at IS NULL ORDER BY name"
SLUGS_TAKEN = (
    "SELECT slug FROM vendor WHERE deleted_at IS NULL AND (slug = :base OR slug LIKE :pattern)"
)

Query = Callable[[str, dict[str, Any]], Any]
"""Runs SQL text with ``:name`` parameters and returns the rows: the ORM session's
connection or a stdlib ``sqlite3`` connection (``app.sql_writes``) speak it alike."""


def vendor_slug(query: Query, cleaned: dict[str, Any], *, allow_similar: bool) -> str:
    """The slug for a new vendor (``cleaned`` loses any typed ``slug``), unique among live
    vendors; refuses a look-alike name (``LookAlikeError``) unless ``allow_similar``.

    Run inside the write transaction, by both write paths, so two processes adding the same
    name cannot race.
    """
    typed = "slug" in cleaned
    base = cleaned.pop("slug", None) or slugify(cleaned["name"])
    if not allow_similar:
        key = look_alike_key(cleaned["name"])
        similar = [
            (row[0], row[1])
            for row in query(LIVE_VENDOR_NAMES, {})
            if look_alike_key(row[0]) == key
        ]
        if similar:
            raise LookAlikeError(cleaned["name"], similar)
    taken = {row[0] for row in query(SLUGS_TAKEN, {"base": base, "pattern": f"{base}-%"})}
    if typed and base in taken:
        raise FieldError("slug", f"{base!r} is already used by another vendor")
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


class ChangedMeanwhile(FieldError):
    """Someone saved another value in this field after the form loaded it: no silent
    last-writer-wins. ``current`` is what is stored now, shown next to the field."""

    def __init__(self, field: str, current: Any, by: str) -> None:
        shown = "(empty)" if current in (None, "") else one_line(str(current))
        super().__init__(
            field,
            f"{by} changed it to {shown} while you were editing; nothing was saved. "
            "Save again to replace it with yours",
        )
        self.current = current


def _table_name(table: type[Synced]) -> str:
    """SQLModel types ``__tablename__`` as a string or a function; every table here sets text."""
    return cast(str, table.__tablename__)


def runbook_template() -> str:
    """The Markdown a new vendor's runbook starts from (``seed_data/runbook_template.md``)."""
    from importlib.resources import files

    return files("vendortui.seed_data").joinpath("runbook_template.md").read_text(encoding="utf-8")


def age(moment: datetime | None, now: datetime | None = None) -> str:
    """How long ago, in words a person reads at a glance: ``3 days ago``, ``never``."""
    if moment is None:
        return "never"
    seconds = int(((now or utcnow()) - moment).total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"

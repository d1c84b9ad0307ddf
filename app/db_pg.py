"""The knowledge base on a PostgreSQL team server, behind the same interface as a file.

``PgDatabase`` offers what ``app.db.Database`` offers (``read``, ``session``, ``write``,
``readonly``, ``notice``), so services never ask which backend they run on:

* ``read()`` is a plain psycopg connection dressed as the stdlib ``sqlite3`` one the fast
  read paths were written for (``PgReadConnection``): ``?`` parameters, ``COLLATE NOCASE``,
  ``PRAGMA table_info`` and SQLite's value forms (timestamps as naive-UTC text, booleans as
  0/1, dates as ISO text). The first frame and the read commands never import SQLModel.
* ``write()`` takes one transaction-scoped advisory lock first, the server's equivalent of
  SQLite's ``BEGIN IMMEDIATE``: writers queue instead of interleaving, so every
  check-then-write in the services stays atomic on both backends.
* Every connection runs with ``TimeZone=UTC``: timestamps are ``timestamptz`` and a text
  parameter such as ``2026-01-01 00:00:00`` means UTC, as in the file.
"""

from __future__ import annotations

import functools
import re
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

import psycopg
from psycopg import errors as pg_errors
from psycopg.adapt import Loader

from vendortui.app import dbfile, queries
from vendortui.app.db import Database, _as_kb_error
from vendortui.app.dburl import (
    keyring_ref,
    libpq_url,
    redact,
    secrets_of,
    sqlalchemy_url,
    with_password,
)
from vendortui.app.errors import KbError, ReadOnlyError
from vendortui.app.paths import files_only

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

CONNECT_TIMEOUT_S = 5
LISTEN_POLL_S = 0.2
"""The longest one wait for a notification lasts (one that arrives ends it at once): it
bounds how late ``stop`` is noticed."""
LISTEN_RETRY_S = 2
WRITE_LOCK = 0x76656E646F72
"""Advisory lock key every write transaction takes first (``vendor`` in ASCII)."""
SESSION_OPTIONS = "-c TimeZone=UTC -c jit=off"
"""UTC timestamps; no JIT: compiling the vendor list's plan cost ~57 ms of its ~300 ms, and
nothing vendortui asks is big enough to win it back."""
CHANNEL = "vendortui"
"""The triggers of revision 0003 NOTIFY here on every write (delivered on commit), whoever
the writer; open TUIs LISTEN and re-read."""
CHANGE_TABLE = "vendortui_change"
"""The server's change counter (revision 0003): one row, bumped by every write statement."""
WRITER_SETTING = "vendortui.writer"
"""Set per write transaction to the process's token; the triggers send it as the payload."""
WRITE_PRIVILEGES = ("vendor", "INSERT, UPDATE")
NO_PASSWORD = "no password supplied"
"""libpq's words when the server wants a password and libpq found none to send."""
LOGIN_REFUSED = (
    NO_PASSWORD,
    "authentication failed",
    "does not exist",
    "permission denied for database",
    "no pg_hba.conf entry",
    "pg_hba.conf rejects connection",
)
"""libpq's words for a login the server refused (its errors carry no SQLSTATE at connect)."""


class _Timestamp(Loader):
    """``timestamptz`` as SQLite stores ``UTCDateTime``: ``YYYY-MM-DD HH:MM:SS.ffffff``."""

    def load(self, data: Any) -> str:
        text = bytes(data).decode()
        text = text[: -len("+00")] if text.endswith("+00") else text
        stamp, _, fraction = text.partition(".")
        return f"{stamp}.{fraction.ljust(6, '0')}"


class _Text(Loader):
    def load(self, data: Any) -> str:
        return bytes(data).decode()


class _Bool(Loader):
    def load(self, data: Any) -> int:
        return 1 if bytes(data) == b"t" else 0


class PgRow(tuple):
    """A row addressed by position or column name, like ``sqlite3.Row``."""

    names: dict[str, int]

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self.names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self.names)


def _row_factory(cursor: Any) -> Any:
    names = {column.name: i for i, column in enumerate(cursor.description or ())}
    row_type = type("Row", (PgRow,), {"names": names})
    return lambda values: row_type(values)


_PRAGMA = re.compile(
    r'^\s*PRAGMA\s+(table_info|foreign_key_list)\(\s*"?(\w+)"?\s*\)\s*$', re.IGNORECASE
)
_NOCASE = re.compile(r"([\w.]+)\s+COLLATE\s+NOCASE", re.IGNORECASE)
_CROSS_ON = re.compile(r"\bCROSS\s+JOIN(\s+\w+(?:\s+(?:AS\s+)?\w+)?\s+ON)\b", re.IGNORECASE)
_TABLE_INFO_SQL = """
SELECT ordinal_position - 1, column_name,
       CASE data_type WHEN 'timestamp with time zone' THEN 'DATETIME' WHEN 'date' THEN 'DATE'
                      WHEN 'boolean' THEN 'BOOLEAN' WHEN 'integer' THEN 'INTEGER'
                      ELSE 'VARCHAR' END,
       is_nullable = 'NO', column_default, 0
FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name = %s
ORDER BY ordinal_position
"""
_FOREIGN_KEY_LIST_SQL = """
SELECT 0, 0, parent.relname, own.attname, theirs.attname
FROM pg_constraint c
JOIN pg_class child ON child.oid = c.conrelid
JOIN pg_class parent ON parent.oid = c.confrelid
JOIN pg_attribute own ON own.attrelid = c.conrelid AND own.attnum = c.conkey[1]
JOIN pg_attribute theirs ON theirs.attrelid = c.confrelid AND theirs.attnum = c.confkey[1]
WHERE c.contype = 'f' AND child.relnamespace = current_schema()::regnamespace
  AND child.relname = %s
ORDER BY own.attname
"""
_PRAGMAS = {"table_info": _TABLE_INFO_SQL, "foreign_key_list": _FOREIGN_KEY_LIST_SQL}
"""SQLite's schema pragmas as catalog queries, answering in the columns vendortui reads:
``table_info`` (cid, name, type, notnull, default, pk) and ``foreign_key_list`` (id, seq,
parent table, column, parent column)."""


_FIRST_ROLE = """(
    SELECT DISTINCT ON (r.vendor_id COLLATE "C") r.vendor_id, p.name
    FROM role r JOIN person p ON p.id = r.person_id
    WHERE r.kind = '{kind}' AND r.deleted_at IS NULL AND p.deleted_at IS NULL
    ORDER BY r.vendor_id COLLATE "C", r.created_at, r.id)"""

SERVER_FORMS = {
    queries.TABLE_NAMES_SQL: f"""
SELECT tablename FROM pg_tables
WHERE schemaname = current_schema() AND tablename <> '{CHANGE_TABLE}'
ORDER BY tablename COLLATE "C"
""",
    queries.VENDOR_ROWS_SQL: f"""
SELECT v.id, v.slug, v.name, v.category, v.status, v.rollout_stage, v.rollout_percent,
       v.risk_tier, coalesce(l.name, '') AS lead, coalesce(b.name, '') AS backup
FROM vendor v
LEFT JOIN {_FIRST_ROLE.format(kind="lead")} l ON l.vendor_id = v.id
LEFT JOIN {_FIRST_ROLE.format(kind="backup")} b ON b.vendor_id = v.id
WHERE v.deleted_at IS NULL
ORDER BY v.name COLLATE NOCASE, v.id
""",
}
"""Read SQL that PostgreSQL plans badly in its SQLite form, in a set-based form with the same
rows: the vendor list's two per-vendor subqueries ran 20,000 times (~200 ms at 10,000
vendors); one pass per role kind takes ~60 ms. SQLite is the other way round (its
window-function form is slower), so each backend keeps the form it runs best."""


@functools.lru_cache(maxsize=256)
def translate(sql: str) -> tuple[str, tuple[str, str] | None]:
    """SQLite-flavoured read SQL as PostgreSQL runs it: ``(sql, (pragma, table))``.

    Only what the fast paths, export and import use: ``?`` placeholders, ``X COLLATE NOCASE``
    (case-blind, byte-ordered like SQLite: ``lower(X) COLLATE "C"``), ``PRAGMA table_info``
    and ``foreign_key_list``, the table list (``SERVER_FORMS``) and ``CROSS JOIN t ON``
    (SQLite's join-order hint; plain ``JOIN`` here).
    """
    pragma = _PRAGMA.match(sql)
    if pragma:
        kind = pragma.group(1).lower()
        return _PRAGMAS[kind], (kind, pragma.group(2))
    sql = SERVER_FORMS.get(sql, sql)
    sql = _CROSS_ON.sub(r"JOIN\1", _NOCASE.sub(r'lower(\1) COLLATE "C"', sql))
    return sql.replace("%", "%%").replace("?", "%s"), None


class PgReadConnection:
    """A psycopg connection inside one read-only snapshot, used like ``sqlite3.Connection``."""

    row_factory: Any = None
    """Accepted and ignored: rows are always addressable by name and position."""

    def __init__(
        self, conn: psycopg.Connection[Any], columns: dict[tuple[str, str], list[Any]]
    ) -> None:
        self.raw = conn
        self.columns = columns
        """Schema pragma answers by (pragma, table), shared by the database's connections:
        the schema does not change while it is open, and each answer costs a catalog query
        (six of them made the card's read take three times as long as its data)."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        statement, pragma = translate(sql)
        if pragma is not None:
            if pragma not in self.columns:
                answer = self._cursor().execute(statement, (pragma[1],)).fetchall()
                self.columns[pragma] = answer
            return _Rows(self.columns[pragma])
        return self._cursor().execute(statement, tuple(params))

    def _cursor(self) -> psycopg.Cursor[Any]:
        cursor = self.raw.cursor(row_factory=_row_factory)
        _register_loaders(cursor)
        return cursor

    def close(self) -> None:
        self.raw.close()


class _Rows(list):
    """Rows already fetched, answering like a cursor."""

    def fetchone(self) -> Any:
        return self[0] if self else None

    def fetchall(self) -> list[Any]:
        return list(self)


def _register_loaders(cursor: psycopg.Cursor[Any]) -> None:
    """SQLite's value forms, on this cursor only (SQLAlchemy shares the write connection)."""
    for name in ("timestamptz", "timestamp"):
        cursor.adapters.register_loader(name, _Timestamp)
    cursor.adapters.register_loader("date", _Text)
    cursor.adapters.register_loader("bool", _Bool)


INSPECT_SQL = f"""
SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema()),
       to_regclass('alembic_version') IS NOT NULL,
       to_regclass('{CHANGE_TABLE}') IS NOT NULL,
       coalesce(has_table_privilege(to_regclass('{WRITE_PRIVILEGES[0]}'), '{WRITE_PRIVILEGES[1]}'),
                has_schema_privilege(current_schema(), 'CREATE'))
"""
"""What opening needs to know, in one round trip: any tables, a revision table, the change
counter (revision 0003), and whether this user may write (``vendor`` rights, or creating
the schema in an empty database)."""
MARK_SQL = "epoch || ':' || serial"


def current_mark(conn: Any) -> str | None:
    """The change mark read through ``conn`` (in its snapshot), ``None`` before 0003."""
    found = conn.execute(f"SELECT to_regclass('{CHANGE_TABLE}') IS NOT NULL").fetchone()
    if not (found and found[0]):
        return None
    row = conn.execute(f"SELECT {MARK_SQL} FROM {CHANGE_TABLE}").fetchone()
    return row[0] if row else None


class ServerUnreachable(KbError):
    """The server did not answer (or refused the login); ``reason`` is libpq's, scrubbed."""

    def __init__(self, label: str, reason: str) -> None:
        super().__init__(
            f"Cannot reach the team server {label} ({reason}); nothing was changed. "
            "Check the network and the URL, then try again."
        )
        self.reason = reason

    @property
    def login_refused(self) -> bool:
        """The server answered but refused this login (password, role, database): a matter
        of credentials or the URL that the offline copy must not hide, unlike an outage."""
        return any(words in self.reason for words in LOGIN_REFUSED)


class PgDatabase(Database):
    """One knowledge base on a PostgreSQL server, migrated, with the file's three ways in."""

    kind = "postgresql"

    def __init__(self, url: str, *, readonly: bool = False, notice: str = "") -> None:
        super().__init__(Path(), readonly=readonly, notice=notice)
        self.url = url
        self._idle: list[psycopg.Connection[Any]] = []
        self._columns: dict[tuple[str, str], list[Any]] = {}
        self._lock = threading.Lock()
        self.token = uuid.uuid4().hex
        """Our writes' notification payload (``WRITER_SETTING``), so our listener skips them."""
        self.mark_at_open: str | None = None
        """The change mark when opened (``change_mark``)."""

    @property
    def label(self) -> str:
        """The URL with its password hidden: the only form ever shown or logged."""
        return redact(self.url)

    @property
    def short_label(self) -> str:
        """``database@host`` for the title bar."""
        parts = urlsplit(self.url)
        database = parts.path.lstrip("/") or parts.username or "postgres"
        return f"{database}@{parts.hostname or 'local'}"

    @property
    def path(self) -> Path:
        """A server has no file: file-only callers (git sync) get one sentence saying so."""
        raise KbError(files_only(self.url))

    @path.setter
    def path(self, value: Path) -> None:
        """``Database.__init__`` sets a path; a server has none, so it is dropped."""

    @classmethod
    def open_url(cls, url: str, *, for_writing: bool = True) -> PgDatabase:
        """Connect, create or upgrade the schema, or open read-only with a notice."""
        db = cls(url)
        with db._translated():
            revision, can_write = db._inspect()
            if revision is not None and revision not in dbfile.known_revisions():
                db.readonly = True
                db.notice = (
                    f"{db.label} was written by a newer vendortui (schema {revision}); "
                    "it is open read-only. Upgrade vendortui to edit it."
                )
                return db
            if revision != dbfile.known_revisions()[-1]:
                if not can_write:
                    raise KbError(
                        f"{db.label} needs its schema created or upgraded, and your database "
                        "user may not change it; ask its owner to open it once with vendortui."
                    )
                from vendortui.app.migrate import upgrade_server

                upgrade_server(db.url)
            if not can_write:
                db.readonly = True
                db.notice = (
                    f"Your database user may only read {db.label}; it is open read-only "
                    "(ask its owner for write rights to edit)."
                )
            elif not for_writing:
                db.readonly = True
        return db

    def _inspect(self) -> tuple[str | None, bool]:
        """The stored revision (``None`` for an empty database) and whether we may write;
        notes the change mark. Two round trips on a connection then kept for the first read
        (a connect is the dearest step of opening)."""
        conn = self._connect()
        try:
            found = conn.execute(INSPECT_SQL).fetchone()
            has_tables, has_revision, has_mark, writable = found or (False, False, False, False)
            if has_tables and not has_revision:
                raise KbError(
                    f"{self.label} holds tables but is not a vendortui knowledge base (it has "
                    "no schema revision); it was left untouched. Pass --db with an empty "
                    "database."
                )
            revision = None
            if has_revision:
                mark = f", (SELECT {MARK_SQL} FROM {CHANGE_TABLE})" if has_mark else ""
                row = conn.execute(f"SELECT version_num{mark} FROM alembic_version").fetchone()
                revision = row[0] if row else None
                self.mark_at_open = row[1] if row and has_mark else None
            conn.rollback()
        except BaseException:
            conn.close()
            raise
        with self._lock:
            self._idle.append(conn)
        return revision, bool(writable)

    def change_mark(self) -> str | None:
        """``epoch:serial`` of the server's change counter now (``None`` before revision
        0003): equal marks mean no table was written in between, by anyone."""
        with self.read() as conn:
            return current_mark(conn)

    def _connect(self, **options: Any) -> psycopg.Connection[Any]:
        """A new connection; the first that the server refuses for want of a password (none
        in the URL, ``PGPASSWORD`` or the password file) retries with the OS keyring's."""
        try:
            return self._connect_once(**options)
        except psycopg.OperationalError as error:
            if not self._password_from_keyring(error):
                raise
            return self._connect_once(**options)

    def _connect_once(self, **options: Any) -> psycopg.Connection[Any]:
        return psycopg.connect(
            libpq_url(self.url),
            connect_timeout=CONNECT_TIMEOUT_S,
            options=SESSION_OPTIONS,
            **options,
        )

    def _password_from_keyring(self, error: psycopg.OperationalError) -> bool:
        """Put the keyring's password for this URL into ``self.url`` (from then on it is
        handled as a password typed into the URL: used by every connection, never shown).
        False when libpq did not lack a password, or the keyring holds none for this URL."""
        if NO_PASSWORD not in str(error) or urlsplit(self.url).password is not None:
            return False
        from vendortui.app.secrets import SecretStoreUnavailable, get_secret

        try:
            password = get_secret(keyring_ref(self.url))
        except SecretStoreUnavailable:
            return False
        if not password:
            return False
        self.url = with_password(self.url, password)
        return True

    @contextmanager
    def read(self) -> Iterator[Any]:
        """A psycopg connection in one read-only snapshot, dressed as ``sqlite3``.

        Connections are kept between reads (a connect costs a round trip and
        authentication); each read gets one to itself, so threads never share one.
        """
        with self._translated():
            with self._lock:
                conn = self._idle.pop() if self._idle else None
            if conn is None or conn.closed:
                conn = self._connect()
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield PgReadConnection(conn, self._columns)
            finally:
                if conn.closed or conn.broken:
                    conn.close()
                else:
                    conn.rollback()
                    with self._lock:
                        self._idle.append(conn)

    @property
    def engine(self) -> Engine:
        """The writing engine: each transaction takes the write lock first."""
        if self._engine is None:
            self._engine = _make_engine(self.url, write=True, token=self.token)
        return self._engine

    def _make_read_engine(self) -> Engine:
        """Sessions in one snapshot: REPEATABLE READ, READ ONLY."""
        return _make_engine(self.url, write=False)

    def _write_session(self) -> Session:
        """A session queued behind other writers by the advisory lock (taken at begin)."""
        from sqlmodel import Session

        session = Session(self.engine, expire_on_commit=False)
        session.connection()
        return session

    def _check_before_first_write(self, session: Session) -> None:
        """The server checksums and recovers its own pages; there is no file to check."""

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """PostgreSQL's errors as one sentence each, never echoing the URL's password."""
        try:
            yield
        except Exception as exc:
            error = _as_kb_error(Path(), exc) if not _is_pg(exc) else self._as_error(exc)
            if error is None:
                raise
            raise error from None

    def _as_error(self, exc: BaseException) -> KbError | None:
        original = getattr(exc, "orig", None) or exc
        message = self.scrub(str(original).strip().splitlines()[0] if str(original) else "")
        if isinstance(original, pg_errors.UniqueViolation):
            from vendortui.app.validation import FieldError

            detail = getattr(original.diag, "message_detail", "") or ""
            match = re.search(r"Key \((?:lower\()?(\w+)", detail)
            field = match.group(1) if match else "value"
            return FieldError(field, "is already used by another row; choose another")
        if isinstance(original, pg_errors.InsufficientPrivilege | pg_errors.ReadOnlySqlTransaction):
            return ReadOnlyError(
                f"Your database user may not change {self.label} ({message}); nothing was changed."
            )
        if isinstance(original, psycopg.OperationalError):
            if NO_PASSWORD in message:
                message += (
                    f"; put it in ~/.pgpass or PGPASSWORD, or in the OS keyring with "
                    f"`vendortui secret set --db-url {redact(self.url)}`"
                )
            return ServerUnreachable(self.label, message)
        if isinstance(original, psycopg.Error):
            return KbError(f"The team server {self.label} refused: {message}; nothing was changed.")
        return None

    def scrub(self, text: str) -> str:
        """``text`` with the URL's password (if any) replaced by ``***``."""
        for secret in secrets_of(self.url):
            text = text.replace(secret, "***")
        return text.replace(self.url, self.label)

    def bulk_insert(
        self, session: Session, table: str, columns: list[str], rows: Iterable[Sequence[Any]]
    ) -> None:
        """``COPY`` the rows in (``read()``'s forms parse as the columns' types: naive-UTC
        timestamps under ``TimeZone=UTC``, booleans from 0/1, ISO dates)."""
        conn = self.raw(session).raw
        names = ", ".join(f'"{name}"' for name in columns)
        with conn.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)

    def analyze(self) -> None:
        """After a bulk load, gather the planner's statistics (a fresh table has none, and
        the vendor list's per-vendor subqueries are then planned badly)."""
        with self._translated(), self._connect() as conn:
            conn.autocommit = True
            conn.execute("ANALYZE")

    def listen(self, changed: Callable[[], object]) -> Callable[[], None]:
        """Call ``changed()`` (from a thread) soon after a teammate's write commits.

        LISTEN on a connection of its own (re-opened if it drops); the screens' reads run
        in exclusive workers, so a burst of notifications does not pile up re-reads. Once
        listening again after a drop it calls ``changed()`` at once: the notices of writes
        committed while it was away went to nobody.
        Returns the function that stops listening.
        """
        stop = threading.Event()

        def run() -> None:
            dropped = False
            while not stop.is_set():
                try:
                    with self._connect(autocommit=True) as conn:
                        conn.execute(f"LISTEN {CHANNEL}")
                        if dropped:
                            dropped = False
                            changed()
                        while not stop.is_set():
                            notes = conn.notifies(timeout=LISTEN_POLL_S, stop_after=1)
                            if any(note.payload != self.token for note in notes):
                                changed()
                except psycopg.Error:
                    dropped = True
                    stop.wait(LISTEN_RETRY_S)

        threading.Thread(target=run, name="vendortui-listen", daemon=True).start()
        return stop.set

    def raw(self, session: Session) -> PgReadConnection:
        """The write transaction's psycopg connection, spoken to like ``read()``'s."""
        connection = cast("psycopg.Connection[Any]", super().raw(session))
        return PgReadConnection(connection, self._columns)

    def close(self) -> None:
        """Release engines and idle read connections."""
        super().close()
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


def _is_pg(exc: BaseException) -> bool:
    return isinstance(getattr(exc, "orig", None) or exc, psycopg.Error)


def _make_engine(url: str, *, write: bool, token: str = "") -> Engine:
    """A pooled engine (a server has no file to swap); UTC sessions; writers take the lock
    and name themselves (``token``) to the change triggers, in the same round trip."""
    from sqlalchemy import event
    from sqlmodel import create_engine

    engine = create_engine(
        sqlalchemy_url(url),
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "options": SESSION_OPTIONS},
        pool_pre_ping=True,
        isolation_level="READ COMMITTED" if write else "REPEATABLE READ",
    )

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        if write:
            conn.exec_driver_sql(
                f"SELECT pg_advisory_xact_lock({WRITE_LOCK}), "
                f"set_config('{WRITER_SETTING}', '{token}', true)"
            )
        else:
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")

    return engine

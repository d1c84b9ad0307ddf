"""Opening the knowledge base: pragmas, migrations, the fast read path and the write path.

Two ways in, on purpose:

* ``read()`` is a plain ``sqlite3`` connection. The home screen's first paint and the headless
  list commands use it so they never wait for SQLModel (about 270 ms to import).
* ``write()`` is a SQLModel session inside ``BEGIN IMMEDIATE``. Right after the write lock is
  taken it checks that the file on disk is still the one the connection opened (same inode);
  ``vendortui sync`` replaces the file with a rename, and a write must never land in the
  replaced copy, so on a mismatch the transaction is dropped and reopened on the new file.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vendortui.app import dbfile
from vendortui.app.dburl import Location
from vendortui.app.errors import KbError, ReadOnlyError
from vendortui.models.one_line import OneLineError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

BUSY_TIMEOUT_MS = 5000
PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA synchronous=FULL",
)
REOPEN_ATTEMPTS = 5

OpenHook = Callable[[Path], None]
_open_hooks: list[OpenHook] = []


def add_open_hook(hook: OpenHook) -> None:
    """Run ``hook(path)`` at the start of every writing ``Database.open`` (once per hook).

    Layers above register here (sync finishes a merge that plain git left unmerged), so
    this module imports nothing from them.
    """
    if hook not in _open_hooks:
        _open_hooks.append(hook)


class FileConnection(sqlite3.Connection):
    """A stdlib connection that remembers the inode of the file it opened."""

    inode: int = -1

    def holds(self, path: Path) -> bool:
        """Whether this connection's file is still the one at ``path`` (sync swaps files by
        rename: checked under the write lock, a write never lands in a replaced copy)."""
        return self.inode == _inode(path)


def connect_raw(path: Path, *, foreign_keys: bool = True, create: bool = True) -> FileConnection:
    """A stdlib connection with the house pragmas, in autocommit mode (we issue BEGIN).

    The inode is read before and after opening; if they differ the file was swapped under us
    and we open again, so ``conn.inode`` is always the file the connection really holds.
    ``create=False`` (reads) never makes a missing file.
    """
    target = path if create else f"{Path(os.path.abspath(path)).as_uri()}?mode=rw"
    while True:
        before = _inode(path)
        conn = sqlite3.connect(
            target,
            isolation_level=None,
            check_same_thread=False,
            timeout=BUSY_TIMEOUT_MS / 1000,
            factory=FileConnection,
            uri=not create,
        )
        if _inode(path) == before:
            break
        conn.close()
    conn.inode = before
    for pragma in PRAGMAS:
        if foreign_keys or "foreign_keys" not in pragma:
            conn.execute(pragma)
    if not foreign_keys:
        conn.execute("PRAGMA foreign_keys=OFF")
    return conn


def _inode(path: Path) -> int:
    try:
        return os.stat(path).st_ino
    except FileNotFoundError:
        return -1


def open_database(
    location: Location, *, for_writing: bool = True, create_folder: bool = False
) -> Database:
    """The knowledge base at ``location``: a file (``Path``) or a team server (URL text).

    The one door for both backends; the server's module (and psycopg) loads only for a URL.
    A server that cannot be reached opens its offline copy read-only (``app.offline``); one
    that refuses the login does not (credentials are to be fixed, not worked around).
    """
    if isinstance(location, str):
        from vendortui.app.db_pg import PgDatabase, ServerUnreachable

        try:
            return PgDatabase.open_url(location, for_writing=for_writing)
        except ServerUnreachable as error:
            if error.login_refused:
                raise
            from vendortui.app.offline import open_offline

            offline = open_offline(location, error.reason)
            if offline is None:
                raise
            return offline
    return Database.open(location, for_writing=for_writing, create_folder=create_folder)


class Database:
    """One knowledge-base file, validated and migrated, with its read and write paths.

    ``app.db_pg.PgDatabase`` is the same for a PostgreSQL server; ``open_database`` picks.
    """

    kind = "sqlite"

    def __init__(self, path: Path, *, readonly: bool = False, notice: str = "") -> None:
        self.path = path
        self.readonly = readonly
        self.notice = notice
        """A sentence for the user about how the file was opened (for example read-only)."""
        self.banner = ""
        """A few words the title bar keeps showing (``offline copy from <time>``)."""
        self._engine: Engine | None = None
        self._read_engine: Engine | None = None
        self._checked = False
        """Whether this session's first write passed ``PRAGMA quick_check``."""

    @property
    def label(self) -> str:
        """How the knowledge base is named to the user: the file's path."""
        return str(self.path)

    @property
    def short_label(self) -> str:
        """The file's name, for the title bar."""
        return self.path.name

    @classmethod
    def open(cls, path: Path, *, for_writing: bool = True, create_folder: bool = False) -> Database:
        """Validate, create or migrate ``path`` and return it ready to use.

        A read never writes: opened for reading, a missing, empty or older file is refused
        with a sentence, never created or migrated. A new file is made only in an existing
        folder unless ``create_folder`` (``init``, the default location). A file from a newer
        vendortui opens read-only with a notice, never written. The open hooks
        (``add_open_hook``) run first, once the path itself has been checked.
        """
        if for_writing:
            dbfile.check_path(path, for_writing=True, create_folder=create_folder)
            for hook in _open_hooks:
                hook(path)
        state = dbfile.inspect(path, for_writing=for_writing, create_folder=create_folder)
        if state.is_newer:
            return cls(
                path,
                readonly=True,
                notice=(
                    f"{path} was written by a newer vendortui (schema {state.revision}); "
                    "it is open read-only. Upgrade vendortui to edit it."
                ),
            )
        if state.needs_upgrade and not for_writing:
            raise KbError(
                f"There is no knowledge base at {path} yet"
                + (" (the file is empty)" if state.exists else "")
                + "; `vendortui demo` creates one with demo data, `vendortui` an empty one "
                "(or pass --db)."
                if state.revision is None
                else f"{path} has an older schema ({state.revision}); open it once with "
                "`vendortui` to upgrade it, then run this again (it was left untouched)."
            )
        if state.needs_upgrade:
            if create_folder:
                path.parent.mkdir(parents=True, exist_ok=True)
            if state.revision is not None:
                with closing(connect_raw(path, create=False)) as conn:
                    dbfile.quick_check(conn, path)
            from vendortui.app.migrate import create, upgrade

            # A new or empty file is made from the schema script (no Alembic: most of a new
            # `demo`'s cost); a file with tables, or one another process just made, migrates.
            with _translated_for(path):
                if state.revision is not None or not create(path):
                    upgrade(path)
        return cls(path, readonly=not for_writing)

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A fresh read-only stdlib connection holding one consistent snapshot.

        Opened per use, so a file replaced by sync is always read at its new inode.
        """
        with self._translated():
            conn = connect_raw(self.path, create=False)
            conn.execute("PRAGMA query_only=ON")
            conn.row_factory = sqlite3.Row
            try:
                conn.execute("BEGIN")
                yield conn
            finally:
                conn.close()

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, built on first use so start-up never imports SQLModel."""
        if self._engine is None:
            self._engine = _make_engine(self.path)
        return self._engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read-only SQLModel session in one deferred transaction: ORM reads, no lock held."""
        from sqlmodel import Session

        if self._read_engine is None:
            self._read_engine = self._make_read_engine()
        with self._translated(), Session(self._read_engine, expire_on_commit=False) as session:
            yield session

    def _make_read_engine(self) -> Engine:
        return _make_engine(self.path, begin="BEGIN", query_only=True)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction under the backend's write lock; commits on success."""
        from vendortui import models

        self._refuse_if_readonly()
        # A flush resolves a foreign key only to a table the metadata knows: a write of one
        # class (a probe of a vendor) must not depend on some read having imported the rest.
        models.load_all()
        with self._translated():
            session = self._write_session()
            try:
                if not self._checked:
                    self._check_before_first_write(session)
                    self._checked = True
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()

    def _refuse_if_readonly(self) -> None:
        """A file from a newer vendortui (or opened for reading) is never written."""
        if self.readonly:
            raise ReadOnlyError(self.notice or f"{self.label} is open read-only.")

    def _write_session(self) -> Session:
        """A session under ``BEGIN IMMEDIATE`` on the live file (reopened if sync swapped it)."""
        from sqlmodel import Session

        for _ in range(REOPEN_ATTEMPTS):
            session = Session(self.engine, expire_on_commit=False)
            connection = session.connection()
            if self._is_live(connection.connection.driver_connection):
                return session
            session.rollback()
            session.close()
        raise KbError(f"{self.path} kept being replaced while opening it; try again.")

    @contextmanager
    def write_sql(self) -> Iterator[sqlite3.Connection]:
        """``write()`` without SQLModel: one stdlib transaction under ``BEGIN IMMEDIATE`` on
        the live file, with the same guards (read-only refusal, swapped-file reopen,
        ``quick_check`` before the session's first write, errors as sentences).

        For the headless write commands (``app.sql_writes``): importing SQLAlchemy alone
        costs more than twice ``vendortui --version``. SQLite only; a server uses ``write()``.
        """
        self._refuse_if_readonly()
        # ``with conn``: COMMIT on success, ROLLBACK on any exception (the transaction is ours).
        with self._translated(), closing(self._locked_connection()) as conn, conn:
            if not self._checked:
                dbfile.quick_check(conn, self.path)
                self._checked = True
            yield conn

    def _locked_connection(self) -> FileConnection:
        """A stdlib connection inside ``BEGIN IMMEDIATE`` on the live file (reopened if sync
        swapped it), as ``_write_session`` gives the ORM."""
        for _ in range(REOPEN_ATTEMPTS):
            conn = connect_raw(self.path)
            conn.execute("BEGIN IMMEDIATE")
            if self._is_live(conn):
                return conn
            conn.execute("ROLLBACK")
            conn.close()
        raise KbError(f"{self.path} kept being replaced while opening it; try again.")

    def _is_live(self, opened: Any) -> bool:
        """Whether a connection holding the write lock holds the file now at ``self.path``:
        a write must never land in a copy that sync has already replaced."""
        return isinstance(opened, FileConnection) and opened.holds(self.path)

    def _check_before_first_write(self, session: Session) -> None:
        """A damaged page is refused before this session writes anything near it."""
        dbfile.quick_check(self.raw(session), self.path)

    def raw(self, session: Session) -> Any:
        """The write transaction's own driver connection, spoken to like ``read()``'s.

        For hot paths that write plain SQL (a checklist tick) inside ``write()``.
        """
        return session.connection().connection.driver_connection

    def bulk_insert(
        self, session: Session, table: str, columns: list[str], rows: Iterable[Sequence[Any]]
    ) -> None:
        """Insert ``rows`` (in ``read()``'s value forms) into ``table`` inside ``write()``.

        For whole-table copies (``app.transfer``): plain SQL, no ORM objects. Foreign keys
        are checked at commit, since a tombstoned parent may still have children.
        """
        conn = self.raw(session)
        conn.execute("PRAGMA defer_foreign_keys=ON")
        names = ", ".join(f'"{name}"' for name in columns)
        marks = ", ".join("?" for _ in columns)
        conn.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)

    def analyze(self) -> None:
        """After a bulk load: SQLite plans these queries well without statistics."""

    def _translated(self) -> AbstractContextManager[None]:
        """Turn SQLite's errors into sentences a person can act on (``KbError``)."""
        return _translated_for(self.path)

    def close(self) -> None:
        """Release the engine, so no handle outlives the process's use of the file."""
        for engine in (self._engine, self._read_engine):
            if engine is not None:
                engine.dispose()
        self._engine = self._read_engine = None


@contextmanager
def _translated_for(path: Path) -> Iterator[None]:
    """Turn SQLite's errors on ``path`` into sentences a person can act on (``KbError``).

    A file damaged after it was opened, a lock held too long, or a unique value already
    taken must never reach the user as a traceback.
    """
    try:
        yield
    except Exception as exc:
        error = _as_kb_error(path, exc)
        if error is None:
            raise
        raise error from None


def _as_kb_error(path: Path, exc: BaseException) -> KbError | None:
    """The ``KbError`` for a database-level failure, or ``None`` if it is not one."""
    if isinstance(exc, KbError):
        return None
    if isinstance(exc, OneLineError):
        from vendortui.app.validation import FieldError

        return FieldError(exc.field, exc.reason)
    original = getattr(exc, "orig", exc)
    if not isinstance(original, sqlite3.Error):
        return None
    refusal = dbfile.sqlite_refusal(path, original)
    if refusal is not None:
        return refusal
    message = str(original)
    if message.startswith("UNIQUE constraint failed:"):
        from vendortui.app.validation import FieldError

        field = message.split(":", 1)[1].split(",")[0].strip().split(".")[-1]
        return FieldError(field, "is already used by another row; choose another")
    if "readonly database" in message:
        return KbError(f"{path} was replaced or made read-only while saving; try again.")
    return None


def _make_engine(path: Path, *, begin: str = "BEGIN IMMEDIATE", query_only: bool = False) -> Engine:
    """An engine with no pool: each transaction opens the file anew, at its current inode."""
    from sqlalchemy import event
    from sqlalchemy.pool import NullPool
    from sqlmodel import create_engine

    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)

    @event.listens_for(engine, "do_connect")
    def _connect(dialect: Any, record: Any, cargs: Any, cparams: Any) -> FileConnection:
        conn = connect_raw(path, create=not query_only)
        if query_only:
            conn.execute("PRAGMA query_only=ON")
        return conn

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql(begin)

    return engine

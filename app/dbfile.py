"""Checks on a knowledge-base file made before anything opens it, and SQLite's failures
turned into sentences.

A path that cannot be a file (a symlink loop, a folder, a missing folder, no permission), a
file that is not SQLite, is truncated, is damaged or cannot be written must produce one
readable sentence naming the path and the reason, and leave the file byte-for-byte unchanged,
so these checks use ``os.stat``, read the header with plain file I/O and query only through a
read-only SQLite connection. A file locked by another program is busy, not damaged: the
sentence names the holder and says to retry, and only a failed integrity check (SQLite's own
corruption errors, ``PRAGMA quick_check``) ever suggests a restore.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

from vendortui.app.errors import KbError

SQLITE_MAGIC = b"SQLite format 3\x00"
VERSIONS_DIR = Path(__file__).parent / "migrations" / "versions"


def known_revisions() -> list[str]:
    """Revision ids this build knows, oldest first: the ``NNNN`` prefix of each version file.

    Read from file names so the start-up check needs no Alembic import (about 200 ms).
    """
    names = sorted(p.name for p in VERSIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.py"))
    return [name[:4] for name in names]


@dataclass(frozen=True)
class FileState:
    """What the pre-open inspection found."""

    exists: bool
    revision: str | None
    """The schema revision stored in the file, ``None`` for a new or empty file."""

    @property
    def is_newer(self) -> bool:
        """The file was written by a newer vendortui whose schema we do not know."""
        return self.revision is not None and self.revision not in known_revisions()

    @property
    def needs_upgrade(self) -> bool:
        """The file is older than this build (or new) and must be migrated before use."""
        revisions = known_revisions()
        return not self.is_newer and self.revision != revisions[-1]


def _first_non_folder(path: Path) -> Path:
    """The first part of ``path`` that exists but is not a folder (for ``ENOTDIR``)."""
    for part in reversed(path.parents):
        if part.exists() and not part.is_dir():
            return part
    return path.parent


def path_refusal(path: Path, exc: OSError, doing: str = "opened") -> KbError:
    """One sentence naming ``path`` and why the operating system refused it.

    ``doing`` completes "cannot be ...": ``"read"``, ``"written"``, ``"opened"``.
    """
    code = exc.errno
    if code == errno.ELOOP:
        return KbError(
            f"{path} is a symbolic link loop (following it leads back to itself), so it "
            f"cannot be {doing}; point the link at a real file or folder, or give another path."
        )
    if code == errno.ENOTDIR:
        return KbError(
            f"{path} cannot be {doing}: {_first_non_folder(path)} is a file, not a folder; "
            "give another path."
        )
    if code in (errno.EACCES, errno.EPERM):
        return KbError(
            f"{path} cannot be {doing}: you have no permission ({exc.strerror}); "
            "ask its owner for access or give another path."
        )
    if code == errno.ENOENT:
        return KbError(
            f"{path} cannot be {doing}: the folder {path.parent} does not exist; create it "
            "first or give another path."
        )
    if code == errno.EISDIR:
        return KbError(f"{path} is a folder, so it cannot be {doing}; give a file name inside it.")
    return KbError(f"{path} cannot be {doing} ({exc.strerror or exc}); give another path.")


def check_path(
    path: Path, *, for_writing: bool, create_folder: bool = False, what: str = "knowledge base"
) -> bool:
    """Refuse, with one sentence, a path that cannot be a knowledge-base file; True if the
    file exists.

    A missing file is fine to create only in an existing folder (``create_folder`` for
    ``init`` and the default location, whose folders are ours to make); a dangling link,
    a folder, a FIFO or device, a loop, a file used as a folder and a path denied to us are
    refused for reading and writing alike, before SQLite or git ever sees them.
    """
    doing = "written" if for_writing else "read"
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise path_refusal(path, exc, doing) from None
    if st is None:
        if os.path.islink(path):
            raise KbError(
                f"{path} is a symbolic link to {os.readlink(path)}, which does not exist; "
                f"point it at a {what} file or give another path."
            )
        if not path.parent.is_dir() and not (for_writing and create_folder):
            try:
                os.stat(path.parent)
            except FileNotFoundError:
                raise KbError(
                    f"There is no {what} at {path}: the folder {path.parent} does not exist. "
                    "Create the folder first (or run vendortui init DIR), or give another path."
                ) from None
            except OSError as exc:
                raise path_refusal(path, exc, doing) from None
            raise path_refusal(path, OSError(errno.ENOTDIR, "Not a directory"), doing)
        if for_writing and path.parent.is_dir():
            _check_writable(path)
        return False
    if stat.S_ISDIR(st.st_mode):
        raise KbError(f"{path} is a folder; give the path of a {what} file inside it.")
    if not stat.S_ISREG(st.st_mode):
        raise KbError(
            f"{path} is not a regular file (a pipe, socket or device), so it cannot be a "
            f"{what}; give the path of a {what} file."
        )
    if not os.access(path, os.R_OK):
        raise path_refusal(path, PermissionError(errno.EACCES, "Permission denied"), doing)
    if for_writing:
        _check_writable(path)
    return True


def check_folder(folder: Path) -> None:
    """Refuse, with one sentence, a folder for ``init`` or ``clone`` that cannot be one: a
    file, a loop, a path through a file, no permission (a missing one is created)."""
    try:
        st = os.stat(folder)
    except FileNotFoundError:
        if os.path.islink(folder):
            raise KbError(
                f"{folder} is a symbolic link to {os.readlink(folder)}, which does not exist; "
                "give another folder."
            ) from None
        return
    except OSError as exc:
        raise path_refusal(folder, exc, "used as a folder") from None
    if not stat.S_ISDIR(st.st_mode):
        raise KbError(f"{folder} is a file, not a folder; give a folder for the knowledge base.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise path_refusal(folder, PermissionError(errno.EACCES, "Permission denied"), "written")


def sqlite_refusal(path: Path, exc: sqlite3.Error) -> KbError | None:
    """The sentence for a lock or damage error from SQLite, or ``None`` for other errors.

    Locked means busy: say who holds the file and to retry. Only SQLite's corruption errors
    (an integrity check failing inside SQLite) say damaged and suggest a restore.
    """
    message = str(exc)
    if "is locked" in message:
        from vendortui.app.lock_holder import describe_holder

        return KbError(
            f"{path} is busy: {describe_holder(path)} holds its lock (a long write or a "
            "sync); nothing was changed, try again when it has finished."
        )
    if any(mark in message.lower() for mark in _DAMAGED):
        return KbError(
            f"{path} is damaged ({message}); nothing was changed. Restore it from git "
            "(git checkout -- FILE) or a backup."
        )
    return None


_DAMAGED = ("malformed", "not a database", "could not decode", "disk image")
"""Words of SQLite's corruption errors (``SQLITE_CORRUPT``, ``SQLITE_NOTADB``)."""


def quick_check(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse to write into a damaged file: ``PRAGMA quick_check`` (b-tree structure, page
    use, record formats; no index cross-check, so a fraction of ``integrity_check``'s cost).

    Run inside the first write transaction of a session, before anything is written.
    """
    try:
        found = "\n".join(row[0] for row in conn.execute("PRAGMA quick_check(1)"))
    except sqlite3.DatabaseError as exc:
        found = str(exc)
    if found != "ok":
        first = next(line for line in found.splitlines() if not line.startswith("***"))
        raise KbError(
            f"{path} is damaged (the integrity check found: {first}); nothing was "
            "written. Restore it from git (git checkout -- FILE) or a backup."
        )


def _check_header(path: Path) -> None:
    size = path.stat().st_size
    if size == 0:
        return
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise path_refusal(path, exc, "read") from None
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise KbError(
            f"{path} is not a SQLite database, so it is not a vendortui knowledge base; "
            "it was left untouched. Pass --db with a knowledge base file, or a new file name."
        )
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    page_count = int.from_bytes(header[28:32], "big")
    counter_valid = header[24:28] == header[92:96]
    expected = page_size * page_count if counter_valid and page_count else None
    if size % page_size or (expected is not None and size < expected):
        raise KbError(
            f"{path} is truncated ({size} bytes where the header promises "
            f"{expected or 'a whole number of pages'}); it was left untouched. "
            "Restore it from git (git checkout -- FILE) or a backup."
        )


def _check_writable(path: Path) -> None:
    parent = path.parent
    if path.exists() and not os.access(path, os.W_OK):
        raise KbError(
            f"{path} is read-only for you; it was left untouched. "
            "Make it writable (chmod u+w) or pass --db with another file."
        )
    if not os.access(parent, os.W_OK):
        raise KbError(
            f"{path} cannot be written: its folder {parent} is read-only for you, and SQLite "
            "needs to write its journal there; pass --db with a file in a writable folder."
        )


def read_revision(path: Path) -> str | None:
    """The ``alembic_version`` stored in the file, through a read-only connection."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise KbError(f"{path} could not be opened ({exc}); it was left untouched.") from None
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if not tables:
            return None
        if "alembic_version" not in tables:
            raise KbError(
                f"{path} is a SQLite database but not a vendortui knowledge base "
                "(it has no schema revision); it was left untouched. Pass --db with another file."
            )
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    except sqlite3.DatabaseError as exc:
        refusal = sqlite_refusal(path, exc)
        raise refusal or KbError(
            f"{path} could not be read ({exc}); it was left untouched."
        ) from None
    finally:
        conn.close()


def inspect(path: Path, *, for_writing: bool, create_folder: bool = False) -> FileState:
    """Validate ``path`` without changing it; raise ``KbError`` with the reason if unusable."""
    if not check_path(path, for_writing=for_writing, create_folder=create_folder):
        return FileState(exists=False, revision=None)
    _check_header(path)
    revision = read_revision(path) if path.stat().st_size else None
    return FileState(exists=True, revision=revision)

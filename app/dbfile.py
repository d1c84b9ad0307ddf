"""Checks on a knowledge-base file made before anything opens it for writing.

A file that is not SQLite, is truncated, is damaged or cannot be written must produce one
readable sentence and leave the file byte-for-byte unchanged, so these checks read the header
with plain file I/O and query only through a read-only SQLite connection.
"""

from __future__ import annotations

import os
import sqlite3
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


def _check_header(path: Path) -> None:
    size = path.stat().st_size
    if size == 0:
        return
    with path.open("rb") as fh:
        header = fh.read(100)
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
            f"The folder {parent} is read-only, and SQLite needs to write its journal there; "
            "pass --db with a file in a writable folder."
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
        raise KbError(
            f"{path} is damaged ({exc}); it was left untouched. "
            "Restore it from git (git checkout -- FILE) or a backup."
        ) from None
    finally:
        conn.close()


def inspect(path: Path, *, for_writing: bool) -> FileState:
    """Validate ``path`` without changing it; raise ``KbError`` with the reason if unusable."""
    if path.is_dir():
        raise KbError(f"{path} is a folder; pass --db with a knowledge base file inside it.")
    if not path.exists():
        if for_writing and path.parent.exists():
            _check_writable(path)
        return FileState(exists=False, revision=None)
    _check_header(path)
    if for_writing:
        _check_writable(path)
    revision = read_revision(path) if path.stat().st_size else None
    return FileState(exists=True, revision=revision)

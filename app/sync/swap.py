"""Holding SQLite's exclusive lock on the live file, reading it, and replacing it by rename.

Two traps shape this module:

* POSIX advisory locks belong to the process and vanish when *any* descriptor on the file is
  closed. Reading the live file with an ordinary ``open()``/``close()`` while SQLite holds its
  lock would silently drop the lock. So the bytes are read through one descriptor opened
  after the lock and closed only after the SQLite connection has let go.
* A writer in another process may already hold a descriptor on the old file and be waiting
  for the lock. After the rename it gets the lock on the old, unlinked inode;
  ``Database.write()`` notices the inode changed and reopens on the new file.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from types import TracebackType

from vendortui.app.db import FileConnection, connect_raw
from vendortui.app.errors import KbError

CHUNK = 1 << 20
ATTEMPTS = 5


def fsync_file(path: Path) -> None:
    """Flush a file's bytes to disk before it is renamed into place."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries, so a rename survives a power cut."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class LiveLock:
    """``with LiveLock(path) as live:`` holds SQLite's EXCLUSIVE lock on ``path``.

    Other vendortui processes wait (their ``busy_timeout``) until the block ends.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: FileConnection | None = None
        self._fd = -1

    def __enter__(self) -> LiveLock:
        for _ in range(ATTEMPTS):
            conn = connect_raw(self.path)
            try:
                conn.execute("BEGIN EXCLUSIVE")
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.OperationalError:
                conn.close()
                raise KbError(
                    f"{self.path} stayed busy (another program is writing to it); "
                    "nothing was changed, try again in a moment."
                ) from None
            fd = os.open(self.path, os.O_RDONLY)
            if os.fstat(fd).st_ino == conn.inode:
                self._conn, self._fd = conn, fd
                return self
            conn.rollback()
            conn.close()
            os.close(fd)
        raise KbError(f"{self.path} kept being replaced while syncing; try again.")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._conn is not None:
            self._conn.rollback()
            self._conn.close()
        if self._fd >= 0:
            os.close(self._fd)
        self._conn, self._fd = None, -1

    def read(self) -> bytes:
        """The live file's bytes, consistent because the lock is held."""
        size = os.fstat(self._fd).st_size
        parts = []
        offset = 0
        while offset < size:
            part = os.pread(self._fd, min(CHUNK, size - offset), offset)
            if not part:
                break
            parts.append(part)
            offset += len(part)
        return b"".join(parts)

    def copy_to(self, dest: Path) -> None:
        """Write the live file's exact bytes to ``dest`` (a scratch copy for the merge)."""
        dest.write_bytes(self.read())

    def replace_with(self, new: Path) -> None:
        """Put ``new`` in place of the live file with one rename, while the lock is held."""
        fsync_file(new)
        os.replace(new, self.path)
        fsync_dir(self.path.parent)

"""The offline copy of a team server: a SQLite file in the user data folder for outages.

The TUI refreshes it after every successful open of a server (in a worker, after the first
frame): the whole knowledge base is copied into a temporary file beside the copy and put in
place with one rename, so a refresh that fails or is killed leaves the previous copy. When the
server cannot be reached, ``open_offline`` opens that copy read-only with a banner saying how
old it is; secrets were never in it (only keyring entry names), so nothing changes there.
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from vendortui.app.db import Database
from vendortui.app.dburl import redact
from vendortui.app.errors import KbError

CHILD_TIMEOUT_S = 600


def copy_path(url: str) -> Path:
    """Where the copy of ``url`` lives: one file per server, user and database.

    Named by a hash of the URL without its password, so no secret reaches a file name.
    """
    from platformdirs import user_data_path

    parts = urlsplit(url)
    who = f"{parts.username}@{parts.hostname}:{parts.port}/{parts.path.lstrip('/')}"
    digest = hashlib.sha256(who.encode()).hexdigest()[:16]
    return user_data_path("vendortui", appauthor=False) / "offline" / f"{digest}.db"


def refresh(db: Database, url: str) -> Path:
    """Copy the server's knowledge base over the offline copy, atomically."""
    from vendortui.app.sync.swap import fsync_dir
    from vendortui.app.transfer import copy_all

    target = copy_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = target.with_name(f".{target.stem}.{os.getpid()}.tmp")
    scratch.unlink(missing_ok=True)
    try:
        copy = Database.open(scratch)
        try:
            copy_all(db, copy)
        finally:
            copy.close()
        os.replace(scratch, target)
        fsync_dir(target.parent)
    finally:
        scratch.unlink(missing_ok=True)
    return target


def refresh_in_child(url: str) -> None:
    """``refresh`` in a child process, so the copy (seconds for 10,000 vendors) never holds
    the TUI's interpreter lock; the URL goes on stdin, never on a command line."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-I", "-m", "vendortui.app.offline"],
        input=url,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
        check=False,
    )
    if done.returncode:
        lines = done.stderr.strip().splitlines()
        raise KbError(lines[-1] if lines else "The offline copy could not be refreshed.")


def open_offline(url: str, reason: str) -> Database | None:
    """The offline copy of ``url``, read-only with its banner, or None if there is none."""
    path = copy_path(url)
    if not path.exists():
        return None
    db = Database.open(path, for_writing=False)
    taken = datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y-%m-%d %H:%M UTC")
    db.banner = f"offline copy from {taken}"
    db.notice = (
        f"The team server {redact(url)} cannot be reached ({reason}), so this is its offline "
        f"copy from {taken}, read-only: edits are refused until the server is back."
    )
    return db


def main() -> int:
    """``python -m vendortui.app.offline`` with the URL on stdin: refresh its copy."""
    import sys

    from vendortui.app.db_pg import PgDatabase

    url = sys.stdin.read().strip()
    try:
        db = PgDatabase.open_url(url, for_writing=False)
        try:
            with db._translated():
                refresh(db, url)
        finally:
            db.close()
    except KbError as error:
        print(error, file=sys.stderr)
        return 2
    except OSError as error:
        print(
            f"The offline copy could not be refreshed ({error.strerror or error}); "
            "the previous copy is kept.",
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

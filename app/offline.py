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

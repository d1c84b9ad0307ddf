"""The offline copy of a team server: a SQLite file in the user data folder for outages.

Every successful open of a server brings the copy up to date, unless it already is: the
server's change counter (revision 0003: ``epoch:serial``, bumped by a trigger on every write
statement of any client) is read in the same snapshot as the copied rows and written beside
the copy (``<copy>.mark``); a copy whose mark equals the server's holds exactly the server's
data, so it is not copied again. An age limit would either leave a change out of the copy
for its whole length or recopy an unchanged database; the counter costs one column in the
query opening already makes.

The copy is made in a child process (``python -I -m vendortui.app.offline``, URL on stdin),
at the lowest CPU priority, so it never holds the caller's interpreter lock nor competes with
its keystrokes: the TUI starts one after the first frame (and waits for it in a worker), and
every command (the TUI's launch too) starts one as it exits, so the copy includes what the
command wrote and the command is not slowed.
Children never queue: one holds the copy's lock and copies; any other leaves a "wanted"
marker and exits, and the holder copies again while that marker reappears, so a burst of
commands makes a copy or two, not one per command. A child ends itself after
``CHILD_TIMEOUT_S`` (a server that stops answering mid-copy), and the TUI stops the child it
waits for when it closes: quitting never waits for a copy (the exit child takes over).
The whole knowledge base goes into a temporary file beside the copy, put in place with one
rename: a refresh that fails or is killed leaves the previous copy.

When the server cannot be reached, ``open_offline`` opens that copy read-only with a banner
saying how old it is; secrets were never in it (only keyring entry names).
"""

from __future__ import annotations

import atexit
import hashlib
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from vendortui.app.dburl import redact
from vendortui.app.errors import KbError

if TYPE_CHECKING:
    from vendortui.app.db import Database
    from vendortui.app.db_pg import PgDatabase

CHILD_TIMEOUT_S = 600
"""The longest a refreshing child runs (a 10,000-vendor copy takes seconds)."""
STOPPED = (-signal.SIGTERM, 128 + signal.SIGTERM)
"""A child's exit status when ``stop_refreshing`` ended it (before or after its handler)."""
_waited_for: set[subprocess.Popen[str]] = set()
"""The refreshing children this process is waiting for (``refresh_in_child``)."""


def copy_path(url: str) -> Path:
    """Where the copy of ``url`` lives: one file per server, user and database.

    Named by a hash of the URL without its password, so no secret reaches a file name.
    """
    from platformdirs import user_data_path

    parts = urlsplit(url)
    who = f"{parts.username}@{parts.hostname}:{parts.port}/{parts.path.lstrip('/')}"
    digest = hashlib.sha256(who.encode()).hexdigest()[:16]
    return user_data_path("vendortui", appauthor=False) / "offline" / f"{digest}.db"


def mark_path(copy: Path) -> Path:
    """The change mark the copy was taken at."""
    return copy.with_suffix(".mark")


def is_current(copy: Path, mark: str | None) -> bool:
    """Whether ``copy`` holds the server's data as of ``mark`` (``None``: unknown, so no)."""
    if mark is None or not copy.exists():
        return False
    try:
        return mark_path(copy).read_text() == mark
    except OSError:
        return False


def refresh(db: PgDatabase, url: str) -> Path:
    """Copy the server's knowledge base over the offline copy, atomically, with its mark."""
    from vendortui.app.db import Database
    from vendortui.app.db_pg import current_mark
    from vendortui.app.sync.swap import fsync_dir
    from vendortui.app.transfer import copy_all

    target = copy_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = target.with_name(f".{target.stem}.{os.getpid()}.tmp")
    scratch.unlink(missing_ok=True)
    marks: list[str | None] = []
    try:
        copy = Database.open(scratch)
        try:
            copy_all(db, copy, lambda conn: marks.append(current_mark(conn)))
        finally:
            copy.close()
        mark_path(target).unlink(missing_ok=True)
        os.replace(scratch, target)
        if marks[0] is not None:
            _write_atomically(mark_path(target), marks[0])
        fsync_dir(target.parent)
    finally:
        scratch.unlink(missing_ok=True)
    return target


def _write_atomically(path: Path, text: str) -> None:
    scratch = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    scratch.write_text(text)
    os.replace(scratch, path)


def refresh_in_child(url: str) -> None:
    """``refresh`` in a child process, waited for (the TUI's worker); ``KbError`` if it
    failed, with the child's sentence."""
    child = subprocess.Popen(
        _child_command(),
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    _waited_for.add(child)
    try:
        _, errors = child.communicate(url, timeout=CHILD_TIMEOUT_S + 5)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise KbError(
            "The offline copy took too long to refresh; the previous copy is kept."
        ) from None
    finally:
        _waited_for.discard(child)
    if child.returncode in STOPPED:
        return  # stopped by ``stop_refreshing``: the process is closing
    if child.returncode:
        lines = errors.strip().splitlines()
        raise KbError(lines[-1] if lines else "The offline copy could not be refreshed.")


def stop_refreshing() -> None:
    """Stop the children ``refresh_in_child`` waits for: the TUI is closing, and quitting
    must not wait for a copy (seconds, or minutes at the lowest priority on a busy machine).
    A stopped child leaves the previous copy; the child started at exit copies instead."""
    for child in list(_waited_for):
        child.terminate()


def refresh_after_exit(db: PgDatabase) -> bool:
    """For a command (the TUI's launch too): unless it only reads and the copy is current,
    start a child that refreshes the copy when this process exits, so the copy includes what
    the command wrote and the command's own time is not touched. Whether one was arranged."""
    if db.banner or (db.readonly and is_current(copy_path(db.url), db.mark_at_open)):
        return False
    atexit.register(_start_child, db.url, dict(os.environ))
    return True


def _start_child(url: str, env: dict[str, str]) -> None:
    """At exit: the refreshing child, in a session of its own (a Ctrl-C that ends the
    command leaves it running), with the environment the command had when it opened."""
    try:
        child = subprocess.Popen(
            _child_command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
            env=env,
        )
        assert child.stdin is not None
        child.stdin.write(url)
        child.stdin.close()
    except OSError:
        return


def _child_command() -> list[str]:
    return [sys.executable, "-I", "-m", "vendortui.app.offline"]


def open_offline(url: str, reason: str) -> Database | None:
    """The offline copy of ``url``, read-only with its banner, or None if there is none."""
    from vendortui.app.db import Database

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


def refresh_if_wanted(url: str) -> None:
    """Under the copy's lock, copy the server unless the copy already has its mark."""
    import fcntl

    from vendortui.app.db_pg import PgDatabase

    target = copy_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    wanted = target.with_suffix(".wanted")
    # Before trying the lock: a holder that has already looked for the marker has started
    # its copy after this child's command committed, so that copy holds the command's write.
    wanted.touch()
    while wanted.exists():
        with open(target.with_suffix(".lock"), "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return  # the holder sees the marker after its copy and copies again
            wanted.unlink(missing_ok=True)
            db = PgDatabase.open_url(url, for_writing=False)
            try:
                if not is_current(target, db.mark_at_open):
                    with db._translated():
                        refresh(db, url)
            finally:
                db.close()


def main(stdin: Any = sys.stdin) -> int:
    """``python -m vendortui.app.offline``: the URL on stdin; refresh the copy if stale."""
    url = stdin.read().strip()
    os.nice(19)
    for stop in (signal.SIGTERM, signal.SIGALRM):
        signal.signal(stop, _end)
    signal.alarm(CHILD_TIMEOUT_S)
    try:
        refresh_if_wanted(url)
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


def _end(signum: int, _frame: object) -> None:
    """Stopped (``stop_refreshing``) or out of time: unwind, so the scratch copy is removed
    and the previous copy stays."""
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    raise SystemExit(main())

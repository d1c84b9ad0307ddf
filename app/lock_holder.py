"""Who holds a file: the program and process id behind "database is locked".

A knowledge base that stays locked is almost always a teammate's long write or a sync in
another terminal. Naming that program lets the user wait for it or stop it, instead of
guessing (or, worse, restoring a file that was never damaged). Linux only: the kernel lists
every POSIX lock in ``/proc/locks`` with the pid and the file's device and inode (SQLite
locks with ``fcntl``); failing that, any process with the file open in ``/proc/*/fd``.
Elsewhere, or when ``/proc`` says nothing, the caller falls back to "another program".
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from vendortui.app.text import one_line

PROC = Path("/proc")
NAME_LIMIT = 60
"""Characters of a holder's command line shown: enough to tell ``vendortui sync`` from an
editor, short enough for one sentence."""


def _program(pid: int) -> str:
    """The command line of ``pid``, shortened and with control characters removed."""
    try:
        argv = (PROC / str(pid) / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return ""
    words = [w.decode(errors="replace") for w in argv if w]
    if not words:
        return ""
    words[0] = os.path.basename(words[0])
    return one_line(" ".join(words), NAME_LIMIT)


def _lockers(st: os.stat_result) -> list[int]:
    """Pids holding a POSIX lock on the file (device and inode) per ``/proc/locks``."""
    wanted = (os.major(st.st_dev), os.minor(st.st_dev), st.st_ino)
    pids: list[int] = []
    with contextlib.suppress(OSError):
        for line in (PROC / "locks").read_text().splitlines():
            fields = line.split()
            if len(fields) < 6 or "->" in fields[1]:
                continue  # a malformed line, or a process blocked waiting for the lock
            with contextlib.suppress(ValueError):
                major, minor, inode = fields[5].split(":")
                pid = int(fields[4])
                if (int(major, 16), int(minor, 16), int(inode)) == wanted and pid > 0:
                    pids.append(pid)
    return pids


def _openers(st: os.stat_result) -> list[int]:
    """Pids with a descriptor open on the file, when ``/proc/locks`` names nobody."""
    pids: list[int] = []
    with contextlib.suppress(OSError):
        for entry in PROC.iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError):
                for fd in (entry / "fd").iterdir():
                    with contextlib.suppress(OSError):
                        held = os.stat(fd)
                        if (held.st_dev, held.st_ino) == (st.st_dev, st.st_ino):
                            pids.append(int(entry.name))
                            break
    return pids


def describe_holder(path: Path) -> str:
    """``"vendortui sync (pid 4242)"``, or ``"another program"`` when nobody can be named."""
    try:
        st = os.stat(path)
    except OSError:
        return "another program"
    me = os.getpid()
    pids = [p for p in dict.fromkeys(_lockers(st)) if p != me]
    if not pids:
        pids = [p for p in _openers(st) if p != me]
    named = [f"{_program(pid) or 'a program'} (pid {pid})" for pid in pids[:3]]
    if not named:
        return "another program"
    return " or ".join(named)

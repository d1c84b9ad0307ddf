"""Writing a generated file (a calendar, a report) where the user asked, whole or not at all.

These files are made again and again (a calendar a calendar app re-reads, a weekly report), so
an existing file is replaced; the new bytes go to a temporary file beside it first and are
renamed over it, so a reader never sees half a file and a failed write leaves the old one.
Every problem with the path is one sentence (``KbError``), checked before anything is read;
``check_output`` is also the check for files that must be new (checklist exports).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from vendortui.app.errors import KbError


def check_output(text: str, *, replace: bool = True, asked: str = "after --output") -> Path:
    """The file a user named to write to, absolute, or a ``KbError`` saying what to change:
    empty (``Give a file name {asked}.``), a folder, a folder that does not exist, a name
    that is not a regular file (a pipe, a device) and, unless ``replace``, any existing name.

    Every command and screen that writes a file the user named checks it here. ``replace`` is
    the existing-file rule, and the two rules differ on purpose: a generated file made again
    and again (a calendar, a report: ``write_output``) replaces the old one, following a link
    to its target so the rename replaces the target and not the link; an export of a
    checklist run is the record of what was done (``app.checklists.export.open_new``), so an
    existing name, even a link to nothing, is refused rather than overwritten.
    """
    name = text.strip()
    if not name:
        raise KbError(f"Give a file name {asked}.")
    path = Path(os.path.abspath(Path(name).expanduser()))
    if replace:
        path = Path(os.path.realpath(path))
    if path.is_dir():
        raise KbError(f"{path} is a folder; give a file name inside it.")
    if not replace and (path.exists() or path.is_symlink()):
        raise KbError(f"{path} already exists; give a new file name.")
    if not path.parent.is_dir():
        raise KbError(f"The folder {path.parent} does not exist; create it or choose another.")
    if path.exists() and not path.is_file():
        raise KbError(f"{path} is not a regular file; give another file name.")
    return path


def write_output(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically; one sentence if the folder refuses."""
    replace_with(path, lambda out: out.write(data))


def replace_with(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Replace ``path`` atomically with what ``write`` writes to the open temporary file:
    large outputs (an export of 10,000 vendors) stream there instead of being held whole."""
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise KbError(f"Could not write {path} ({exc.strerror}); choose another file.") from None
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise KbError(f"Could not write {path} ({exc.strerror}); choose another file.") from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise

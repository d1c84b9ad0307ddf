"""Writing a generated file (a calendar, a report) where the user asked, whole or not at all.

These files are made again and again (a calendar a calendar app re-reads, a weekly report), so
an existing file is replaced; the new bytes go to a temporary file beside it first and are
renamed over it, so a reader never sees half a file and a failed write leaves the old one.
Every problem with the path is one sentence (``KbError``), checked before anything is read.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from vendortui.app.errors import KbError


def check_output(text: str) -> Path:
    """The file named by ``--output``, absolute (a link followed to its target), or a
    ``KbError`` saying what to change: empty, a folder, or a folder that does not exist."""
    name = text.strip()
    if not name:
        raise KbError("Give a file name after --output.")
    path = Path(os.path.realpath(Path(name).expanduser()))
    if path.is_dir():
        raise KbError(f"{path} is a folder; give a file name inside it.")
    if not path.parent.is_dir():
        raise KbError(f"The folder {path.parent} does not exist; create it or choose another.")
    if path.exists() and not path.is_file():
        raise KbError(f"{path} is not a regular file; give another file name.")
    return path


def write_output(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically; one sentence if the folder refuses."""
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise KbError(f"Could not write {path} ({exc.strerror}); choose another file.") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
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

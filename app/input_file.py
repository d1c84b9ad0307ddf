"""Reading a file the user named to bring in (an import, a downloaded dataset): its bytes,
bounded, or one sentence.

The size is checked before reading, so a wrong file (a disk image, a log) costs a ``stat``,
not memory; a name that is not a regular file (a folder, a pipe, a device) is refused before
it is opened, so a pipe never leaves the command waiting. The path is shown with control
characters escaped: it is the user's, but it may hold anything.
"""

from __future__ import annotations

import stat
from pathlib import Path

from vendortui.app.errors import KbError
from vendortui.app.text import one_line

MB = 1024 * 1024


def read_input(path: Path, limit: int, too_big: str) -> bytes:
    """The bytes of ``path``, or a ``KbError``: missing, a folder, not a regular file, more
    than ``limit`` bytes (the sentence goes on with ``too_big``: what the limit is for and
    what to do), or unreadable."""
    shown = one_line(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise KbError(
            f"{shown} is not a file (there is no file of that name); give the file to import."
        ) from None
    except OSError as exc:
        raise KbError(f"{shown} cannot be read ({exc.strerror}).") from None
    if stat.S_ISDIR(info.st_mode):
        raise KbError(f"{shown} is not a file: it is a folder; give the file to import.")
    if not stat.S_ISREG(info.st_mode):
        raise KbError(
            f"{shown} is not a file: it is a pipe, socket or device; give the file to import."
        )
    if info.st_size > limit:
        raise KbError(f"{shown} is {info.st_size // MB} MB; {too_big}")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise KbError(f"{shown} cannot be read ({exc.strerror}).") from None

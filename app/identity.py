"""Who is making a change, for the ``updated_by`` of every row."""

from __future__ import annotations

import functools
import getpass
import subprocess


def current_user() -> str:
    """``$VENDORTUI_USER``, else ``user`` in the config file, else ``git config user.email``,
    else the OS user name.

    The variable and the file are read on every call (a caller sets the variable to act as
    someone; the file is parsed again only when it changed); only the fallback, which asks
    git (a few milliseconds), is cached for the process.
    """
    from vendortui.app.config import current

    return str(current().value("user")) or _fallback_user()


@functools.cache
def _fallback_user() -> str:
    """``git config user.email``, else the OS user name."""
    try:
        out = subprocess.run(
            ["git", "config", "user.email"],
            capture_output=True,
            text=True,
            timeout=2,
            check=False,
        )
        email = out.stdout.strip()
        if out.returncode == 0 and email:
            return email
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"

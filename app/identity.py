"""Who is making a change, for the ``updated_by`` of every row."""

from __future__ import annotations

import functools
import getpass
import os
import subprocess


def current_user() -> str:
    """``$VENDORTUI_USER``, else ``git config user.email``, else the OS user name.

    The variable is read on every call (it is what a caller sets to act as someone); only the
    fallback, which asks git (a few milliseconds), is cached for the process.
    """
    return os.environ.get("VENDORTUI_USER") or _fallback_user()


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

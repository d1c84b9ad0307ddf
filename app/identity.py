"""Who is making a change, for the ``updated_by`` of every row."""

from __future__ import annotations

import functools
import getpass
import os
import subprocess


@functools.cache
def current_user() -> str:
    """``$VENDORTUI_USER``, else ``git config user.email``, else the OS user name.

    Cached: one process is one person, and asking git costs a few milliseconds.
    """
    env = os.environ.get("VENDORTUI_USER")
    if env:
        return env
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

"""Who a sync writes as, and the trailers every vendortui commit carries.

The ``Vendortui-Version`` trailer lets a clone whose build is too old for the remote's
schema name the version to install (read back with ``Repo.trailer``).
"""

from __future__ import annotations

import os

from vendortui.app.sync.repo import Repo

VERSION_TRAILER = "Vendortui-Version"
SCHEMA_TRAILER = "Vendortui-Schema"


def who(repo: Repo) -> str:
    """The author recorded on conflicts: ``$VENDORTUI_USER``, git's e-mail, else the login."""
    env = os.environ.get("VENDORTUI_USER")
    if env:
        return env
    email = repo.out("config", "user.email", check=False)
    if email:
        return email
    from vendortui.app.identity import current_user

    return current_user()


def trailers() -> str:
    """The trailer block for a commit message (this build's version and newest schema)."""
    import vendortui
    from vendortui.app import dbfile

    schema = dbfile.known_revisions()[-1]
    return f"{VERSION_TRAILER}: {vendortui.__version__}\n{SCHEMA_TRAILER}: {schema}\n"

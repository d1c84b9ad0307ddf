"""Where the knowledge base lives when the user does not say: a file or a team server URL."""

from __future__ import annotations

import os
from pathlib import Path

from vendortui.app.dburl import Location, location, redact
from vendortui.app.errors import KbError

DEFAULT_DB_FILE = "default_db"
"""Name of the one-line file, in the user config dir, naming the default knowledge base
(written by ``vendortui init`` and ``vendortui clone``)."""


def default_db_config() -> Path:
    """Where ``vendortui init``/``clone`` record the knowledge base to use by default."""
    from platformdirs import user_config_path

    return user_config_path("vendortui", appauthor=False) / DEFAULT_DB_FILE


def default_db() -> Location:
    """``$VENDORTUI_DB``, else ``knowledge_base`` in the config file (a relative path there
    is relative to the config file's folder), else the file or server URL recorded by
    ``vendortui init``/``clone``, else ``knowledge.db`` in the user data dir (platformdirs)."""
    from vendortui.app.config import current

    config = current()
    chosen = config.settings["knowledge_base"]
    if chosen.value:
        found = location(chosen.value)
        if isinstance(found, Path) and chosen.source == "file":
            return config.path.parent / found
        return found
    try:
        recorded = default_db_config().read_text(encoding="utf-8").strip()
    except OSError:
        recorded = ""
    if recorded:
        return location(recorded)
    return builtin_db_path()


def builtin_db_path() -> Path:
    """``knowledge.db`` in the user data dir: the one place vendortui makes folders for
    without being asked (a ``--db`` in a missing folder is refused as a likely typo)."""
    from platformdirs import user_data_path

    return user_data_path("vendortui", appauthor=False) / "knowledge.db"


def resolve_db(explicit: str | os.PathLike[str] | None) -> Location:
    """What a command works on, file or team server: ``--db`` first, then the environment,
    then the config file, then the default."""
    return location(explicit) if explicit else default_db()


def resolve_db_path(explicit: str | os.PathLike[str] | None) -> Path:
    """The file a files-only command (git sync) works on; a server URL is refused."""
    found = resolve_db(explicit)
    if isinstance(found, str):
        raise KbError(files_only(found))
    return found


def default_db_path() -> Path:
    """The default knowledge base when it must be a file (see ``resolve_db_path``)."""
    return resolve_db_path(None)


def files_only(url: str) -> str:
    """The one sentence a file-only command (git sync) says on a team server."""
    return (
        f"{redact(url)} is a PostgreSQL team server, which is shared live; git sync and its "
        "commands are for knowledge-base files (pass --db FILE)."
    )

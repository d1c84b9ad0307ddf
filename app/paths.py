"""Where the knowledge base lives when the user does not say."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "VENDORTUI_DB"


def default_db_path() -> Path:
    """``$VENDORTUI_DB`` if set, else ``knowledge.db`` in the user data dir (platformdirs)."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("vendortui", appauthor=False) / "knowledge.db"


def resolve_db_path(explicit: str | os.PathLike[str] | None) -> Path:
    """The path a command works on: ``--db`` first, then the environment, then the default."""
    if explicit:
        return Path(explicit).expanduser()
    return default_db_path()

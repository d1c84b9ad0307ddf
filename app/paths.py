"""Where the knowledge base lives when the user does not say."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB_FILE = "default_db"
"""Name of the one-line file, in the user config dir, naming the default knowledge base
(written by ``vendortui init`` and ``vendortui clone``)."""


def default_db_config() -> Path:
    """Where ``vendortui init``/``clone`` record the knowledge base to use by default."""
    from platformdirs import user_config_path

    return user_config_path("vendortui", appauthor=False) / DEFAULT_DB_FILE


def default_db_path() -> Path:
    """``$VENDORTUI_DB``, else ``knowledge_base`` in the config file (a relative path there
    is relative to the config file's folder), else the path recorded by ``vendortui
    init``/``clone``, else ``knowledge.db`` in the user data dir (platformdirs)."""
    from vendortui.app.config import current

    config = current()
    chosen = config.settings["knowledge_base"]
    if chosen.value:
        path = Path(chosen.value).expanduser()
        return config.path.parent / path if chosen.source == "file" else path
    try:
        recorded = default_db_config().read_text(encoding="utf-8").strip()
    except OSError:
        recorded = ""
    if recorded:
        return Path(recorded).expanduser()
    return builtin_db_path()


def builtin_db_path() -> Path:
    """``knowledge.db`` in the user data dir: the one place vendortui makes folders for
    without being asked (a ``--db`` in a missing folder is refused as a likely typo)."""
    from platformdirs import user_data_path

    return user_data_path("vendortui", appauthor=False) / "knowledge.db"


def resolve_db_path(explicit: str | os.PathLike[str] | None) -> Path:
    """The path a command works on: ``--db`` first, then the environment, then the config
    file, then the default."""
    if explicit:
        return Path(explicit).expanduser()
    return default_db_path()

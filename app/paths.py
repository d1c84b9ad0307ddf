"""Where the knowledge base lives when the user does not say: a file or a team server URL."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from vendortui.app.config.locate import config_dir
from vendortui.app.dburl import Location, location, redact
from vendortui.app.errors import KbError

DEFAULT_DB_FILE = "default_db"
"""Name of the one-line file, in the config folder, naming the default knowledge base
(written by ``vendortui init`` and ``vendortui clone``)."""


def default_db_record() -> Path:
    """Where ``vendortui init``/``clone`` record the knowledge base to use by default: next to
    ``config.toml`` (``app.config.locate.config_dir``, the XDG rule on every OS)."""
    return config_dir() / DEFAULT_DB_FILE


def legacy_default_db_record() -> Path:
    """Where releases before the config file kept that record: platformdirs' config folder
    (``~/Library/Application Support/vendortui`` on macOS, ``%LOCALAPPDATA%\\vendortui`` on
    Windows; on Linux the same folder as now unless ``$XDG_CONFIG_HOME`` is relative)."""
    import platformdirs

    return platformdirs.PlatformDirs("vendortui", appauthor=False).user_config_path / (
        DEFAULT_DB_FILE
    )


def record_default_db(chosen: str | os.PathLike[str]) -> None:
    """Make ``chosen`` (a file or server URL) the knowledge base vendortui opens when no
    ``--db`` is given; a record left in the old place is removed, so it cannot come back if
    this one is deleted."""
    record = default_db_record()
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(os.fspath(chosen) + "\n", encoding="utf-8")
    _forget_legacy(record)


def recorded_default_db() -> str:
    """The file or server URL ``init``/``clone`` recorded, or ``""``.

    A record only in the old place (an upgrade) is moved once: written to the new place and
    removed from the old. If the new place cannot be written, the old record is still used,
    and the move is tried again next time."""
    record = default_db_record()
    try:
        return record.read_text(encoding="utf-8").strip()
    except OSError:
        pass
    legacy = legacy_default_db_record()
    if legacy == record:
        return ""
    try:
        recorded = legacy.read_text(encoding="utf-8").strip()
    except OSError:
        return ""
    if recorded:
        with contextlib.suppress(OSError):
            record_default_db(recorded)
    return recorded


def _forget_legacy(record: Path) -> None:
    """Remove the old-place record; one that cannot be removed is left (the new record is
    read first, so it only matters if the new one is deleted)."""
    legacy = legacy_default_db_record()
    if legacy != record:
        with contextlib.suppress(OSError):
            legacy.unlink(missing_ok=True)


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
    recorded = recorded_default_db()
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

"""The user's config: ``$XDG_CONFIG_HOME/vendortui/config.toml`` plus environment and flags.

``locate`` says where the file is, ``schema`` lists every setting, ``load`` reads and checks
the file, ``sources`` layers flag > environment > file > default. Code that needs a setting
asks ``current()`` through the function that already answered that question before there was
a config (``app.paths.default_db_path``, ``app.identity.current_user``, ...), so callers did
not change. Nothing here imports Textual or SQLModel.
"""

from __future__ import annotations

from vendortui.app.config.sources import Config, Resolved, current, report_to

__all__ = ["Config", "Resolved", "current", "report_to"]

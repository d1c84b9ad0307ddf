"""Where the user's config lives: ``$XDG_CONFIG_HOME/vendortui``, else ``~/.config/vendortui``.

The same place on every OS, macOS included: people who live in terminals keep their dotfiles
under ``~/.config`` and expect a terminal tool to look there, not in
``~/Library/Application Support``. Only ``os.path`` here, so locating costs nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

CONFIG_FILE = "config.toml"
THEMES_DIR = "themes"


def config_dir() -> Path:
    """``$XDG_CONFIG_HOME/vendortui`` (an absolute value only, as the XDG spec says), else
    ``~/.config/vendortui``."""
    xdg = os.environ.get("XDG_CONFIG_HOME", "")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".config"
    return base / "vendortui"


def config_path() -> Path:
    """The config file (it may not exist: everything then has its default)."""
    return config_dir() / CONFIG_FILE


def themes_dir() -> Path:
    """User themes, one ``*.toml`` file per theme, next to the config file."""
    return config_dir() / THEMES_DIR

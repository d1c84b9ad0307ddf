"""The XDG base folders of one test (the shared ``user_dirs`` fixture in ``tests/conftest.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from vendortui.app.config.schema import SETTINGS


class UserDirs(NamedTuple):
    """The XDG base folders a test runs with, all inside its own ``tmp_path``."""

    data: Path
    """``XDG_DATA_HOME``: the default knowledge base, offline copies, public-data datasets."""
    config: Path
    """``XDG_CONFIG_HOME``: ``vendortui/config.toml``."""
    state: Path
    """``XDG_STATE_HOME``: ``vendortui/log/vendortui.log``."""
    cache: Path
    """``XDG_CACHE_HOME``: nothing of ours today; isolated so no library writes there either."""


def isolate_user(monkeypatch: pytest.MonkeyPatch, home: Path) -> UserDirs:
    """Point every XDG base folder into ``home``, with a default knowledge base and identity
    of the test's own, and drop a developer's ``VENDORTUI_...`` settings: what a test (the
    ``user_dirs`` fixture) and a session template (built before any test's fixtures) run
    with, so neither reads nor writes the real user's folders, config or identity."""
    dirs = UserDirs(*(home / f"xdg-{kind}" for kind in UserDirs._fields))
    for kind, folder in zip(UserDirs._fields, dirs, strict=True):
        monkeypatch.setenv(f"XDG_{kind.upper()}_HOME", str(folder))
    monkeypatch.setenv("VENDORTUI_DB", str(home / "default-kb.db"))
    monkeypatch.setenv("VENDORTUI_USER", "tester@example.com")
    for setting in SETTINGS:  # a developer's VENDORTUI_THEME, _KEYMAP, _PROBE_TIMEOUT, ...
        if setting.env not in ("VENDORTUI_DB", "VENDORTUI_USER"):
            monkeypatch.delenv(setting.env, raising=False)
    return dirs

"""A config folder of its own per test (``XDG_CONFIG_HOME`` from the shared fixture) and a
writer for the file, with the environment the shared fixture set for the db and user cleared
so the file's values are visible."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from vendortui.app.config.locate import config_path

WriteConfig = Callable[[str], Path]


@pytest.fixture
def write_config(monkeypatch: pytest.MonkeyPatch) -> WriteConfig:
    """Write ``config.toml`` (creating its folder) and return its path."""
    monkeypatch.delenv("VENDORTUI_DB", raising=False)
    monkeypatch.delenv("VENDORTUI_USER", raising=False)

    def write(text: str) -> Path:
        path = config_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write

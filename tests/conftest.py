"""Fixtures every test shares: an isolated environment and a fresh knowledge base on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.kb import KnowledgeBase


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the developer's own knowledge base, config or identity."""
    monkeypatch.setenv("VENDORTUI_DB", str(tmp_path / "default-kb.db"))
    monkeypatch.setenv("VENDORTUI_USER", "tester@example.com")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("VENDORTUI_THEME", raising=False)


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    """A new, migrated, empty knowledge base in a real file."""
    base = KnowledgeBase.open(tmp_path / "kb.db")
    yield base
    base.db.close()

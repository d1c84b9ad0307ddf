"""The default knowledge base ``init``/``clone`` record lives next to ``config.toml`` (the XDG
rule on every OS, macOS included), and a record left in platformdirs' config folder by an
older release is moved there once."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest
from platformdirs.macos import MacOS

from vendortui.app.config.locate import config_dir
from vendortui.app.paths import (
    default_db_path,
    default_db_record,
    legacy_default_db_record,
    record_default_db,
    recorded_default_db,
    resolve_db,
)
from vendortui.app.sync.setup import init


@pytest.fixture
def mac(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A macOS user: platformdirs' real macOS rules, ``$HOME`` in ``tmp_path``, no
    ``$XDG_CONFIG_HOME`` and no ``$VENDORTUI_DB``. Returns the home folder."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.delenv("VENDORTUI_DB")
    monkeypatch.setattr(platformdirs, "PlatformDirs", MacOS)
    return home


def _leave_old_record(text: str) -> Path:
    legacy = legacy_default_db_record()
    legacy.parent.mkdir(parents=True)
    legacy.write_text(text + "\n", encoding="utf-8")
    return legacy


def test_init_records_the_default_next_to_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VENDORTUI_DB")
    db = init(tmp_path / "team")
    record = tmp_path / "xdg-config" / "vendortui" / "default_db"
    assert default_db_record() == record == config_dir() / "default_db"
    assert record.read_text(encoding="utf-8") == f"{db}\n"
    assert default_db_path() == db


def test_on_macos_the_record_is_under_dot_config_not_application_support(mac: Path) -> None:
    assert legacy_default_db_record() == (
        mac / "Library" / "Application Support" / "vendortui" / "default_db"
    )
    assert default_db_record() == mac / ".config" / "vendortui" / "default_db"


@pytest.mark.parametrize(
    "recorded", ["/srv/team-kb/knowledge.db", "postgresql://kb@db.example.com:5432/vendors"]
)
def test_an_old_record_is_moved_once_and_read_as_it_was(mac: Path, recorded: str) -> None:
    legacy = _leave_old_record(recorded)
    assert resolve_db(None) == (Path(recorded) if recorded.startswith("/") else recorded)
    assert default_db_record().read_text(encoding="utf-8") == f"{recorded}\n"
    assert not legacy.exists(), "moved, not copied: one record to keep up to date"
    assert recorded_default_db() == recorded


def test_an_old_record_is_used_while_the_new_place_cannot_be_written(mac: Path) -> None:
    legacy = _leave_old_record("/srv/kb.db")
    (mac / ".config").write_text("", encoding="utf-8")  # a file: no folder can be made in it
    assert default_db_path() == Path("/srv/kb.db")
    assert legacy.exists(), "kept until the move succeeds"


def test_a_new_record_wins_and_recording_again_drops_the_old_one(mac: Path, tmp_path: Path) -> None:
    legacy = _leave_old_record("/old/kb.db")
    record = default_db_record()
    record.parent.mkdir(parents=True)
    record.write_text("/new/kb.db\n", encoding="utf-8")
    assert default_db_path() == Path("/new/kb.db")
    assert legacy.exists(), "reading never touches the old place once the new one is there"
    record_default_db(tmp_path / "team.db")  # what init and clone call, here without git
    assert not legacy.exists()
    record.unlink()
    assert default_db_path() != Path("/old/kb.db"), "a deleted record does not come back"
    assert default_db_path() != tmp_path / "team.db"

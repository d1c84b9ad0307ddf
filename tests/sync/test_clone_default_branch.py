"""Joining a remote whose HEAD names a branch that was never pushed (a bare repository made
with git's old ``master`` default, while the team pushes ``main``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sync.conftest import Team, git, set_identity
from vendortui.app.kb import KnowledgeBase
from vendortui.app.sync import run, setup


def test_clone_takes_the_pushed_branch_when_head_is_unborn(tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "master", str(remote))
    alice = tmp_path / "alice"
    alice.mkdir()
    git(alice, "init", "-q", "-b", "main")
    set_identity(alice, "alice")
    db = setup.init(alice, str(remote))
    KnowledgeBase.open(db).add_vendor("Acme")
    assert run.sync(db).pushed
    joined = setup.clone(str(remote), tmp_path / "bob")
    assert [row.name for row in KnowledgeBase.open(joined).vendor_rows()] == ["Acme"]
    assert git(tmp_path / "bob", "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"


def test_clone_takes_a_remote_path_relative_to_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Team(tmp_path, ("alice",))
    monkeypatch.chdir(tmp_path)
    joined = setup.clone("remote.git", Path("bob"))
    assert joined == tmp_path / "bob" / "knowledge.db" and joined.exists()

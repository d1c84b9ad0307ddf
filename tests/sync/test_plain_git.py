"""Teammates who use plain git, refusals that change nothing, and schema revisions."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

import vendortui
from tests.planting import plant
from tests.sync.conftest import Team
from vendortui.app import dbfile, migrate
from vendortui.app.db import Database
from vendortui.app.errors import KbError
from vendortui.app.kb import KnowledgeBase
from vendortui.models import Vendor


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_plain_git_pull_runs_the_merge_driver(team: Team) -> None:
    alice, bob = team.clones
    team.renamed_while_bob_edits()
    bob.git("commit", "-q", "-am", "bob: status")
    bob.git("pull", "-q", "--no-rebase", "--no-edit")
    assert bob.status() == ""
    assert bob.rows("SELECT name, status FROM vendor") == [("Acme Corp", "pilot")]
    assert len(bob.git("log", "-1", "--format=%P").split()) == 2
    bob.git("push", "-q")
    alice.sync()
    team.assert_identical()


@pytest.mark.parametrize("made_before_pull_mode", [False, True])
@pytest.mark.parametrize("puller", ["alice", "bob"])  # made by vendortui init / clone
def test_a_plain_git_pull_of_divergent_branches_merges(
    team: Team, puller: str, made_before_pull_mode: bool
) -> None:
    """The README's ``git pull``, with no flags and no global git config (a current git
    refuses divergent pulls unless the clone says how to reconcile them). A clone made before
    ``init``/``clone`` set the pull mode gets it the next time vendortui opens the file."""
    alice, bob = team.clones
    acme = team.shared_vendor()
    mine, other = (alice, bob) if puller == "alice" else (bob, alice)
    if made_before_pull_mode:
        mine.git("config", "--local", "--unset", "pull.rebase")
        KnowledgeBase.open(mine.db_path).db.close()
        assert mine.git("config", "--local", "pull.rebase").strip() == "false"
    other.edit(Vendor, acme, name="Acme Corp")
    other.sync()
    mine.edit(Vendor, acme, status="pilot")
    mine.git("commit", "-q", "-am", f"{puller}: status")
    mine.git("pull", "-q")
    assert mine.status() == ""
    assert len(mine.git("log", "-1", "--format=%P").split()) == 2
    assert mine.rows("SELECT name, status FROM vendor") == [("Acme Corp", "pilot")]
    mine.git("push", "-q")
    other.sync()
    team.assert_identical()


def test_plain_git_diff_uses_the_dump(team: Team) -> None:
    alice, _bob = team.clones
    acme = alice.add_vendor("acme", "Acme")
    alice.sync()
    plant(alice.db_path, "vendor", acme, name="Acme \x1b[31mRed")  # as an older vendortui left it
    diff = alice.git("diff", "knowledge.db")
    assert '-name: "Acme"' in diff
    assert '+name: "Acme \\u001b[31mRed"' in diff
    assert "\x1b" not in diff


def test_plain_git_pull_without_driver_is_completed_when_vendortui_opens(team: Team) -> None:
    alice, _bob = team.clones
    carol = team.join("carol", with_drivers=False)
    acme = alice.add_vendor("acme")
    alice.sync()
    carol.git("pull", "-q")
    alice.edit(Vendor, acme, name="Acme Corp")
    alice.sync()
    carol.edit(Vendor, acme, status="pilot")
    carol.git("commit", "-q", "-am", "carol: status")
    carol.git("pull", "-q", "--no-rebase", "--no-edit", check=False)
    assert (carol.folder / ".git/MERGE_HEAD").exists()  # git could not merge the binary file
    assert carol.rows("SELECT name, status FROM vendor") == [("Acme", "pilot")]
    KnowledgeBase.open(carol.db_path).db.close()  # as the app and the CLI open it
    assert not (carol.folder / ".git/MERGE_HEAD").exists()
    assert carol.status() == ""
    assert carol.rows("SELECT name, status FROM vendor") == [("Acme Corp", "pilot")]
    assert len(carol.git("log", "-1", "--format=%P").split()) == 2
    carol.sync()
    alice.sync()
    assert alice.rows("SELECT name, status FROM vendor") == [("Acme Corp", "pilot")]


def test_sync_also_completes_an_unfinished_plain_merge(team: Team) -> None:
    alice, _bob = team.clones
    carol = team.join("carol", with_drivers=False)
    acme = alice.add_vendor("acme")
    alice.sync()
    carol.git("pull", "-q")
    alice.edit(Vendor, acme, name="Acme Corp")
    alice.sync()
    carol.edit(Vendor, acme, status="pilot")
    carol.git("commit", "-q", "-am", "carol: status")
    carol.git("pull", "-q", "--no-rebase", "--no-edit", check=False)
    report = carol.sync()
    assert report.pushed
    alice.sync()
    assert alice.rows("SELECT name, status FROM vendor") == [("Acme Corp", "pilot")]


def test_refuses_during_a_merge_of_other_files_changing_nothing(team: Team) -> None:
    alice, bob = team.clones
    alice.add_vendor("acme")
    for clone, text in ((alice, "alice\n"), (bob, "bob\n")):
        (clone.folder / "NOTES.md").write_text(text)
        clone.git("add", "NOTES.md")
        clone.git("commit", "-q", "-m", "notes")
    bob.git("push", "-q")
    alice.git("pull", "-q", "--no-rebase", "--no-edit", check=False)
    head, digest = alice.git("rev-parse", "HEAD"), _digest(alice.db_path)
    with pytest.raises(KbError, match=r"git merge is in progress.*git merge --abort"):
        alice.sync()
    assert alice.git("rev-parse", "HEAD") == head and _digest(alice.db_path) == digest


def test_refuses_during_a_rebase_changing_nothing(team: Team, monkeypatch) -> None:
    alice, _bob = team.clones
    alice.add_vendor("acme")
    alice.sync()
    monkeypatch.setenv("GIT_SEQUENCE_EDITOR", "sed -i 1ibreak")
    alice.git("rebase", "-q", "-i", "HEAD~1")
    assert (alice.folder / ".git/rebase-merge").exists()
    alice.add_vendor("globex")
    head, digest = alice.git("rev-parse", "HEAD"), _digest(alice.db_path)
    with pytest.raises(KbError, match="git rebase is in progress"):
        alice.sync()
    assert alice.git("rev-parse", "HEAD") == head and _digest(alice.db_path) == digest


def test_refuses_with_unrelated_changes_changing_nothing(team: Team) -> None:
    alice, _bob = team.clones
    alice.add_vendor("acme")
    with (alice.folder / ".gitignore").open("a") as fh:
        fh.write("notes/\n")
    head, digest = alice.git("rev-parse", "HEAD"), _digest(alice.db_path)
    with pytest.raises(KbError, match=r"changes to \.gitignore.*Commit or undo them"):
        alice.sync()
    assert alice.git("rev-parse", "HEAD") == head and _digest(alice.db_path) == digest
    assert alice.value("SELECT count(*) FROM vendor") == 1  # the edit is still there


def test_outside_a_team_repository_is_a_readable_error(tmp_path: Path) -> None:
    from vendortui.app.sync.run import sync

    Database.open(tmp_path / "solo.db").close()
    with pytest.raises(KbError, match="not in a team knowledge base; create one"):
        sync(tmp_path / "solo.db")


HEAD = dbfile.known_revisions()[-1]
NEXT = f"{int(HEAD) + 1:04d}"
"""The test-only revision comes after this build's newest one, whatever that is."""

NEW_REVISION = f'''"""normalise categories (test-only revision)"""

from alembic import op

revision = "{NEXT}"
down_revision = "{HEAD}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE vendor SET category = lower(category)")
    op.create_index("ix_vendor_name_test", "vendor", ["name"])


def downgrade() -> None:
    op.drop_index("ix_vendor_name_test", "vendor")
'''


@pytest.fixture
def newer_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A switch that makes this process a newer vendortui (0.2.0, schema ``NEXT``)."""
    migrations = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, migrations)
    (migrations / "versions" / f"{NEXT}_normalise_categories.py").write_text(NEW_REVISION)

    def switch(newer: bool) -> None:
        if newer:
            monkeypatch.setattr(dbfile, "VERSIONS_DIR", migrations / "versions")
            monkeypatch.setattr(migrate, "MIGRATIONS_DIR", migrations)
            monkeypatch.setattr(vendortui, "__version__", "0.2.0", raising=False)
        else:
            monkeypatch.undo()

    return switch


def test_merge_across_schema_revisions(team: Team, newer_app) -> None:
    alice, bob = team.clones
    acme = alice.add_vendor("acme", category="Paging")
    globex = alice.add_vendor("globex")
    team.converge()
    bob.edit(Vendor, globex, status="pilot")  # Bob still runs 0.1.0 (schema 0001)
    bob.sync()
    newer_app(True)  # Alice upgrades: her file goes to NEXT, Bob's side is brought up to it
    alice.edit(Vendor, acme, name="Acme Corp")
    report = alice.sync()
    assert report.action == "merged"
    assert alice.value("SELECT version_num FROM alembic_version") == NEXT
    assert alice.rows("SELECT name, category FROM vendor WHERE id = ?", acme) == [
        ("Acme Corp", "paging")
    ]
    assert alice.value("SELECT status FROM vendor WHERE id = ?", globex) == "pilot"
    newer_app(False)  # Bob, still on 0.1.0, must refuse and change nothing
    bob.edit(Vendor, globex, risk_tier="low")
    head, digest = bob.git("rev-parse", "HEAD"), _digest(bob.db_path)
    with pytest.raises(KbError, match=rf"schema {NEXT}.*upgrade to vendortui 0\.2\.0 or newer"):
        bob.sync()
    assert bob.git("rev-parse", "HEAD") == head and _digest(bob.db_path) == digest
    newer_app(True)  # after upgrading, Bob's sync goes through
    bob.sync()
    alice.sync()
    team.assert_identical()
    assert alice.rows("SELECT status, risk_tier FROM vendor WHERE id = ?", globex) == [
        ("pilot", "low")
    ]

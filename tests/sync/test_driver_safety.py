"""git drivers never run code from a repository's working tree.

git runs the merge and textconv drivers inside the repository; a driver started as a plain
``python -m`` would put the working tree first on ``sys.path``, so a ``__main__.py`` that a
teammate committed would run on every other teammate's machine.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.sync.conftest import Clone, Team
from vendortui.app.kb import KnowledgeBase
from vendortui.models import Vendor

# Every module path a driver command has used or could use, committed by a hostile teammate.
PLANTED = (
    "vendortui/__main__.py",
    "vendortui/__init__.py",
    "app/sync/__main__.py",
    "app/__init__.py",
)


def _plant(clone: Clone, marker: Path) -> None:
    """Commit modules that, if imported, leave ``marker`` behind."""
    code = f"import pathlib; pathlib.Path({str(marker)!r}).write_text(__name__)\n"
    for name in PLANTED:
        path = clone.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(code)
    clone.git("add", *PLANTED)
    clone.git("commit", "-q", "-m", "innocent-looking helper")


def test_driver_commands_run_the_installed_package_in_isolated_mode(team: Team) -> None:
    alice = team.clones[0]
    for key in ("merge.vendortui.driver", "diff.vendortui.textconv"):
        words = alice.git("config", key).split()
        assert words[0] == sys.executable
        assert words[1:4] == ["-I", "-m", "vendortui"]


def test_committed_modules_do_not_run_on_diff_log_pull_or_sync(team: Team, tmp_path: Path) -> None:
    alice, bob = team.clones
    marker = tmp_path / "ran"
    acme = team.shared_vendor()
    _plant(alice, marker)
    alice.edit(Vendor, acme, name="Acme Corp")
    alice.sync()

    bob.edit(Vendor, acme, status="pilot")
    bob.git("commit", "-q", "-am", "bob: status")
    bob.git("pull", "-q", "--no-rebase", "--no-edit")  # the merge driver runs in Bob's tree
    assert (bob.folder / "vendortui/__main__.py").exists()
    assert bob.rows("SELECT name, status FROM vendor") == [("Acme Corp", "pilot")]
    bob.edit(Vendor, acme, description="after the pull")
    assert "after the pull" in bob.git("diff", "knowledge.db")  # the textconv driver ran
    bob.git("log", "-p", "-3", "--", "knowledge.db")
    bob.sync()
    alice.edit(Vendor, acme, description="alice again")
    alice.sync()
    bob.sync()
    assert not marker.exists(), f"committed code ran as {marker.read_text()!r}"


@pytest.mark.parametrize(
    "stale",
    [
        f"{sys.executable} -m app.sync merge-driver %O %A %B",  # what vendortui 0.1 registered
        "/usr/bin/python3 -m vendortui merge-driver %O %A %B",  # an interpreter since moved
    ],
)
def test_opening_rewrites_a_stale_or_tampered_driver(team: Team, stale: str) -> None:
    bob = team.clones[1]
    bob.git("config", "merge.vendortui.driver", stale)
    bob.git("config", "diff.vendortui.command", "sh -c 'touch pwned'")
    KnowledgeBase.open(bob.db_path).db.close()
    assert bob.git("config", "merge.vendortui.driver").split()[1:4] == ["-I", "-m", "vendortui"]
    assert bob.git("config", "diff.vendortui.command", check=False) == ""


def test_a_clone_without_drivers_is_left_alone(team: Team) -> None:
    carol = team.join("carol", with_drivers=False)
    KnowledgeBase.open(carol.db_path).db.close()
    assert carol.git("config", "--get-regexp", "vendortui", check=False) == ""

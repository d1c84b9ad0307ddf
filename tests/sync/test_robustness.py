"""Syncs killed at each step, push races, other processes writing meanwhile, secrets, CLI."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.core.cli_process import run_cli
from tests.sync.conftest import Clone, Team
from vendortui.models import ProbeConfig, Vendor

KILL_SCRIPT = """
import os, signal, sys
from collections.abc import Callable
from pathlib import Path
from vendortui.app.sync.run import sync

step = sys.argv[2]

def progress(message):
    if message.startswith(step):
        os.kill(os.getpid(), signal.SIGKILL)

sync(Path(sys.argv[1]), progress)
"""

WRITER_SCRIPT = """
import sys
from collections.abc import Callable
from pathlib import Path
from vendortui.app.db import Database
from vendortui.models import Vendor

db = Database.open(Path(sys.argv[1]))
print("ready", flush=True)
sys.stdin.readline()  # "go": the sync holds the lock and is about to replace the file
with db.write() as session:
    session.add(Vendor(slug="late", name="Late", updated_by="writer@example.com"))
print("written", flush=True)
"""


def _kill_sync_at(clone: Clone, step: str) -> None:
    """Run ``vendortui sync`` in a process that SIGKILLs itself when ``step`` begins."""
    killed = subprocess.run(
        [sys.executable, "-c", KILL_SCRIPT, str(clone.db_path), step],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert killed.returncode == -9, killed.stderr.decode()


def _wait_until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Poll ``condition`` until it holds (a condition, not a fixed time, is waited for)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.005)


def _holds_inode(pid: int, inode: int) -> bool:
    """Whether process ``pid`` has a descriptor open on the file with ``inode``."""
    fds = Path(f"/proc/{pid}/fd")
    for fd in fds.iterdir():
        with contextlib.suppress(OSError):
            if os.stat(fd).st_ino == inode:
                return True
    return False


def _head_db_has(clone, sql: str, tmp: Path) -> object:
    """Query the database as committed at HEAD."""
    blob = tmp / "head.db"
    blob.write_bytes(
        subprocess.run(
            ["git", "show", "HEAD:knowledge.db"],
            cwd=clone.folder,
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout
    )
    conn = sqlite3.connect(blob)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


STEPS = (
    "Checking the repository",
    "Fetching from",
    "Committing local changes",
    "Waiting for the knowledge base lock",
    "Merging",
    "Replacing the knowledge base file",
    "Recording the result in git",
    "Pushing to",
)


@pytest.mark.parametrize("step", STEPS)
def test_a_sync_killed_at_any_step_loses_nothing_and_the_next_one_completes(
    team: Team, step: str
) -> None:
    alice, bob = team.clones
    acme, _record = _killed_sync(team, step, commit_first=False)
    # Bob's edit is still in his file (whether or not it reached a commit).
    assert bob.value("SELECT status FROM vendor WHERE id = ?", acme) == "pilot"
    bob.sync()
    alice.sync()
    team.assert_identical()
    assert alice.rows("SELECT name, status FROM vendor") == [("Acme Corp", "pilot")]
    leftovers = [p.name for p in bob.folder.iterdir() if p.name.endswith(".vendortui-tmp")]
    assert leftovers == []


def test_a_push_race_is_retried_without_force(team3: Team) -> None:
    alice, bob, carol = team3.clones
    acme = team3.shared_vendor()
    alice.edit(Vendor, acme, name="Acme Corp")
    bob.edit(Vendor, acme, status="pilot")
    remote_before = bob.git("ls-remote", "origin", "main").split()[0]
    raced = []

    def progress(message: str) -> None:
        if message.startswith("Pushing") and not raced:
            raced.append(alice.sync())  # Alice pushes first, while Bob is about to

    report = bob.sync(progress)
    assert raced and raced[0].pushed
    assert report.pushed
    remote_after = bob.git("ls-remote", "origin", "main").split()[0]
    alice_head = alice.git("rev-parse", "HEAD").strip()
    for ancestor in (remote_before, alice_head):  # nothing rewritten, nothing dropped
        bob.git("merge-base", "--is-ancestor", ancestor, remote_after)
    carol.sync()
    assert carol.rows("SELECT name, status FROM vendor") == [("Acme Corp", "pilot")]


def test_another_process_writing_during_the_swap_is_not_lost(team: Team, tmp_path: Path) -> None:
    alice, bob = team.clones
    team.renamed_while_bob_edits()
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER_SCRIPT, str(bob.db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "ready"

        def progress(message: str) -> None:
            if message.startswith("Replacing"):
                old_inode = os.stat(bob.db_path).st_ino
                writer.stdin.write("go\n")
                writer.stdin.flush()
                # The writer now holds the file about to be replaced and waits for our lock.
                _wait_until(lambda: _holds_inode(writer.pid, old_inode))

        bob.sync(progress)
        assert writer.wait(timeout=30) == 0, writer.stderr.read()
    finally:
        writer.kill()
    assert bob.value("SELECT count(*) FROM vendor WHERE slug = 'late'") == 1
    assert bob.status().strip() == "M knowledge.db"  # still pending, not lost
    bob.sync()
    alice.sync()
    team.assert_identical()
    assert alice.value("SELECT count(*) FROM vendor WHERE slug = 'late'") == 1


@pytest.mark.parametrize("local_commit", [True, False])
def test_an_edit_landing_after_the_local_commit_is_part_of_the_merge(
    team: Team, tmp_path: Path, local_commit: bool
) -> None:
    alice, bob = team.clones
    acme = team.shared_vendor()
    alice.edit(Vendor, acme, name="Acme Corp")
    alice.sync()
    if local_commit:
        bob.edit(Vendor, acme, status="pilot")

    def progress(message: str) -> None:
        if message.startswith("Waiting for the knowledge base lock"):
            bob.add_vendor("during")

    report = bob.sync(progress)
    assert report.action == "merged" and report.pushed
    assert bob.status() == ""
    assert _head_db_has(bob, "SELECT count(*) FROM vendor WHERE slug = 'during'", tmp_path) == 1
    alice.sync()
    team.assert_identical()


def test_offline_sync_commits_locally_and_says_so(team: Team) -> None:
    alice, _bob = team.clones
    alice.add_vendor("acme")
    alice.git("remote", "set-url", "origin", str(team.root / "gone.git"))
    report = alice.sync()
    assert report.action == "offline" and not report.pushed
    assert report.committed == "1 vendor"
    assert "committed locally" in report.problem
    assert alice.status() == ""


SECRET = "tok3n-Sup3rSecret-9876"


def test_secrets_never_reach_the_database_dump_messages_or_state(team: Team) -> None:
    alice, _bob = team.clones
    acme = alice.add_vendor("acme")
    alice.add(
        ProbeConfig,
        vendor_id=acme,
        name="okta",
        kind="client_credentials",
        client_id="cli",
        secret_ref="vendortui/okta/cli",
    )
    alice.git("remote", "set-url", "origin", f"http://alice:{SECRET}@127.0.0.1:9/team.git")
    report = alice.sync()
    assert report.problem
    from vendortui.app.errors import KbError
    from vendortui.app.sync.setup import init

    with pytest.raises(KbError) as refused:
        init(team.root / "other", f"http://alice:{SECRET}@127.0.0.1:9/team.git")
    texts = {
        "report": "\n".join(report.lines()),
        "refusal": str(refused.value),
        "dump": alice.dump(),
        "log": alice.git("log", "--format=%B"),
        "state": "".join(p.read_text() for p in (alice.folder / ".git/vendortui").glob("*.json")),
    }
    for where, text in texts.items():
        assert SECRET not in text, where
    assert SECRET.encode() not in alice.db_path.read_bytes()
    assert "Could not reach origin" in texts["report"]


def test_redact_hides_credentials_in_urls() -> None:
    from vendortui.app.sync.repo import redact

    assert redact(f"fatal: https://bob:{SECRET}@example.com/x.git denied") == (
        "fatal: https://***@example.com/x.git denied"
    )


def test_command_line(team: Team) -> None:
    alice, bob = team.clones
    acme = alice.add_vendor("acme", "Acme")
    team.converge()
    alice.edit(Vendor, acme, description="from alice")
    bob.edit(Vendor, acme, description="from bob")
    alice.sync()
    done = run_cli("sync", "--db", str(bob.db_path), "-q", cwd=bob.folder)
    assert done.returncode == 0, done.stderr
    assert (
        "Came in:\n  conflict: alice@example.com and bob@example.com both changed the "
        "description of vendor Acme\n" in done.stdout
    )
    assert "1 conflict to resolve (1 new)" in done.stdout
    listed = run_cli("conflicts", "--json", "--db", str(bob.db_path), cwd=bob.folder)
    [item] = json.loads(listed.stdout)
    assert {item["mine"], item["theirs"]} == {"from alice", "from bob"}
    wrong = run_cli(
        "conflicts", "resolve", "zzzz", "--mine", "--db", str(bob.db_path), cwd=bob.folder
    )
    assert wrong.returncode == 2
    assert (
        wrong.stderr
        == "vendortui: No open conflict has id zzzz; list them with vendortui conflicts.\n"
    )
    done = run_cli(
        "conflicts",
        "resolve",
        item["id"][:8],
        "--value",
        "agreed",
        "--db",
        str(bob.db_path),
        cwd=bob.folder,
    )
    assert done.returncode == 0, done.stderr
    assert run_cli("conflicts", "--db", str(bob.db_path), cwd=bob.folder).stdout == (
        "No open conflicts.\n"
    )
    dumped = run_cli("dump", str(bob.db_path), cwd=bob.folder)
    assert 'description: "agreed"' in dumped.stdout
    not_db = run_cli("dump", str(bob.folder / ".gitignore"), cwd=bob.folder)
    assert not_db.returncode == 2 and "Traceback" not in not_db.stderr


def _killed_sync(team: Team, step: str, *, commit_first: bool) -> tuple[str, dict[str, object]]:
    """Alice renames a vendor and syncs; Bob changes its status (and commits it with plain
    git if ``commit_first``), then his sync is killed at ``step``. Returns the vendor's id
    and the swap record the killed sync left (empty if none)."""
    _alice, bob = team.clones
    acme = team.renamed_while_bob_edits()
    if commit_first:
        bob.git("commit", "-q", "-am", "bob: status")
    _kill_sync_at(bob, step)
    record = bob.folder / ".git/vendortui/swap.json"
    return acme, json.loads(record.read_text()) if record.exists() else {}


def _open_as_the_app(path: Path) -> None:
    from vendortui.app.kb import KnowledgeBase

    KnowledgeBase.open(path).db.close()


def test_a_swap_killed_after_the_rename_is_finished_when_the_file_is_opened(team: Team) -> None:
    _alice, bob = team.clones
    _acme, record = _killed_sync(team, "Recording the result in git", commit_first=True)
    # Killed between the rename of the result and the ref update: git still sees the old head.
    assert record["inode"] == os.stat(bob.db_path).st_ino
    assert bob.git("rev-parse", "HEAD").strip() == record["old"]
    assert bob.status().strip() == "M knowledge.db"
    _open_as_the_app(bob.db_path)
    assert bob.git("rev-parse", "HEAD").strip() == record["new"]
    assert len(bob.git("log", "-1", "--format=%P").split()) == 2  # the merge, as recorded
    assert bob.status() == ""
    assert not (bob.folder / ".git/vendortui/swap.json").exists()
    assert bob.rows("SELECT name, status FROM vendor") == [("Acme Corp", "pilot")]


def test_a_swap_killed_after_the_rename_is_finished_by_the_next_sync(team: Team) -> None:
    alice, bob = team.clones
    _acme, record = _killed_sync(team, "Recording the result in git", commit_first=True)
    report = bob.sync()
    # The recorded merge commit is adopted and pushed as it is, not re-committed as an edit.
    assert report.committed == "" and report.pushed
    assert bob.git("rev-parse", "HEAD").strip() == record["new"]
    alice.sync()
    team.assert_identical()


def test_a_swap_killed_before_the_rename_is_dropped_when_the_file_is_opened(team: Team) -> None:
    _alice, bob = team.clones
    _acme, record = _killed_sync(team, "Replacing the knowledge base file", commit_first=True)
    # The record was written, the rename never happened: the live file is bob's own.
    assert record and record["inode"] != os.stat(bob.db_path).st_ino
    head = bob.git("rev-parse", "HEAD").strip()
    assert head == record["old"]
    live = bob.db_path.read_bytes()
    _open_as_the_app(bob.db_path)
    assert bob.git("rev-parse", "HEAD").strip() == head
    assert bob.db_path.read_bytes() == live
    assert not (bob.folder / ".git/vendortui/swap.json").exists()
    assert bob.rows("SELECT name, status FROM vendor") == [("Acme", "pilot")]

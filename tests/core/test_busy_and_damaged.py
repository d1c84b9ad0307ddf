"""Busy is not damaged, and damaged is never written to.

A second real process holds SQLite's lock (``BEGIN IMMEDIATE``: a long write in progress;
``BEGIN EXCLUSIVE``: its commit) and waits on its stdin, so the lock is held exactly as long
as the test needs it: no sleeps. Every command runs at the same time as a separate process,
as a teammate's would. A file with a damaged page in the middle is refused by every command
that writes, before anything is written.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.damage import damage_a_middle_page
from vendortui.app.kb import KnowledgeBase

SHIPPED = Path(__file__).parents[2] / "seed_data" / "checklists" / "rollout.yaml"
TEMPLATE = "{template}"
"""Stands for the path of a team's own template in the arguments (see ``_argv``)."""

HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute(sys.argv[2])
conn.execute("UPDATE vendor SET name = name")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""

READS = {
    "vendors": ["vendors"],
    "show": ["show", "acme"],
    "due": ["due"],
    "probe list": ["probe", "list"],
    "checklist list": ["checklist", "list"],
    "conflicts": ["conflicts"],
}
WRITES = {
    "vendors add": ["vendors", "add", "Zed"],
    "demo": ["demo"],
    "probe add": ["probe", "add", "acme", "--kind", "oidc_discovery", "--issuer", "https://x"],
    "checklist start": ["checklist", "start", "acme", "rollout"],
    "checklist import": ["checklist", "import", TEMPLATE],
}


def _start(argv: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "vendortui", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _argv(argv: list[str], folder: Path) -> list[str]:
    """``argv`` with a team template (a shipped key cannot be imported) written in ``folder``."""
    if TEMPLATE not in argv:
        return argv
    path = folder / "team-rollout.yaml"
    text = SHIPPED.read_text(encoding="utf-8").replace("key: rollout", "key: team-rollout", 1)
    path.write_text(text, encoding="utf-8")
    return [str(path) if word == TEMPLATE else word for word in argv]


@pytest.fixture
def acme(kb: KnowledgeBase) -> Path:
    kb.add_vendor("Acme")
    kb.db.close()
    return kb.path


@pytest.mark.parametrize("lock", ["BEGIN IMMEDIATE", "BEGIN EXCLUSIVE"])
def test_a_locked_file_is_busy_names_its_holder_and_is_never_called_damaged(
    acme: Path, lock: str, tmp_path: Path
) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(acme), lock],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        before = acme.read_bytes()
        commands = {**READS, "dump": ["dump", str(acme)], **WRITES}
        running = {
            name: _start(argv if name == "dump" else [*_argv(argv, tmp_path), "--db", str(acme)])
            for name, argv in commands.items()
        }
        results = {name: proc.communicate(timeout=120) for name, proc in running.items()}
        codes = {name: proc.returncode for name, proc in running.items()}
        assert acme.read_bytes() == before
    finally:
        holder.communicate("go\n", timeout=60)
    for name, (_out, err) in results.items():
        if lock == "BEGIN IMMEDIATE" and name not in WRITES:
            assert codes[name] == 0, f"{name}: a pending write does not stop reads: {err}"
            continue
        assert codes[name] == 2, f"{name}: {err}"
        assert err.count("\n") == 1 and "is busy" in err, f"{name}: {err}"
        assert f"(pid {holder.pid})" in err, f"{name} names the holder: {err}"
        assert "damaged" not in err and "Restore" not in err, f"{name}: {err}"


@pytest.mark.parametrize("command", WRITES)
def test_every_write_refuses_a_file_damaged_in_the_middle_and_writes_nothing(
    kb: KnowledgeBase, command: str, tmp_path: Path
) -> None:
    kb.add_vendor("Acme")
    damage_a_middle_page(kb)
    argv = _argv(WRITES[command], tmp_path)
    listed = _start(["vendors", "--db", str(kb.path)]).communicate(timeout=120)[0]
    assert "Acme" in listed, "the damage is where a plain read does not see it"
    damaged = kb.path.read_bytes()
    proc = _start([*argv, "--db", str(kb.path)])
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err
    assert err.count("\n") == 1 and "is damaged" in err and "integrity check" in err, err
    assert kb.path.read_bytes() == damaged
    assert not [n for n in os.listdir(kb.path.parent) if n.startswith("kb.db-")], "no journal"

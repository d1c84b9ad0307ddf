"""Every command that takes a path, against every kind of path problem: one sentence naming
the path and the reason, exit 2, and nothing created or changed anywhere.

Run in-process through ``main`` (the real files, the real parser and error handling; a fresh
interpreter per case would only add start-up time); the permission cases need another user,
so they run the command line as ``nobody`` when the suite runs as root.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.templates import copy_of
from vendortui.app.cli import main
from vendortui.app.kb import KnowledgeBase

CHECKLIST = Path(__file__).parents[2] / "seed_data" / "checklists" / "rollout.yaml"


def _loop(tmp: Path) -> Path:
    (tmp / "loop-a").symlink_to(tmp / "loop-b")
    (tmp / "loop-b").symlink_to(tmp / "loop-a")
    return tmp / "loop-a"


def _folder(tmp: Path) -> Path:
    (tmp / "a-folder").mkdir()
    return tmp / "a-folder"


def _missing_folder(tmp: Path) -> Path:
    return tmp / "no-such-folder" / "kb.db"


def _file_as_folder(tmp: Path) -> Path:
    (tmp / "plain.txt").write_text("not a folder\n")
    return tmp / "plain.txt" / "kb.db"


def _dangling(tmp: Path) -> Path:
    (tmp / "link.db").symlink_to(tmp / "gone.db")
    return tmp / "link.db"


def _fifo(tmp: Path) -> Path:
    os.mkfifo(tmp / "pipe.db")
    return tmp / "pipe.db"


FILE_PROBLEMS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "symlink loop": (_loop, "symbolic link loop"),
    "folder": (_folder, "is a folder"),
    "missing folder": (_missing_folder, "does not exist"),
    "file used as a folder": (_file_as_folder, "is a file, not a folder"),
    "dangling link": (_dangling, "which does not exist"),
    "pipe": (_fifo, "not a regular file"),
}
"""Kinds of path that cannot be a knowledge base file: (make it, words of the reason)."""

FOLDER_PROBLEMS = {
    name: FILE_PROBLEMS[name]
    for name in ("symlink loop", "file used as a folder", "dangling link", "pipe")
}
"""Kinds of path that cannot be a folder for ``init``/``clone`` (a missing one is created)."""

DB_COMMANDS: dict[str, list[str]] = {
    "dashboard": [],
    "demo": ["demo"],
    "vendors": ["vendors"],
    "vendors --json": ["vendors", "--json"],
    "vendors add": ["vendors", "add", "Acme"],
    "show": ["show", "acme"],
    "due": ["due"],
    "probe add": ["probe", "add", "acme", "--kind", "oidc_discovery", "--issuer", "https://x"],
    "probe list": ["probe", "list"],
    "probe run": ["probe", "run", "acme"],
    "secret check": ["secret", "check", "acme", "sso"],
    "checklist start": ["checklist", "start", "acme", "rollout"],
    "checklist list": ["checklist", "list"],
    "checklist show": ["checklist", "show", "0190"],
    "checklist templates": ["checklist", "templates"],
    "checklist import": ["checklist", "import", str(CHECKLIST)],
    "conflicts": ["conflicts"],
    "conflicts resolve": ["conflicts", "resolve", "0190", "--mine"],
    "sync": ["sync"],
}
"""Every command that opens the knowledge base named by ``--db``."""

READ_COMMANDS = [
    "vendors",
    "vendors --json",
    "show",
    "due",
    "probe list",
    "secret check",
    "checklist list",
    "checklist show",
    "checklist templates",
    "conflicts",
]
"""The commands that only read: they must never create, migrate or touch the file."""


def _other_paths(tmp: Path, good: Path) -> dict[str, Callable[[Path], list[str]]]:
    """Commands whose path is not ``--db``: given the bad path, their arguments."""
    return {
        "dump": lambda bad: ["dump", str(bad)],
        "merge-driver base": lambda bad: ["merge-driver", str(bad), str(good), str(good)],
        "merge-driver ours": lambda bad: ["merge-driver", str(good), str(bad), str(good)],
        "merge-driver theirs": lambda bad: ["merge-driver", str(good), str(good), str(bad)],
        "init --from": lambda bad: ["init", str(tmp / "team"), "--from", str(bad)],
        "checklist import FILE": lambda bad: ["checklist", "import", str(bad), "--db", str(good)],
    }


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    """Every path under ``root`` with its size and modification time (links not followed)."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder, name)
            st = path.lstat()
            found[str(path.relative_to(root))] = (st.st_size, st.st_mtime_ns)
    return found


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run ``vendortui ARGV``; assert exit 2 with one sentence and no traceback; return it."""
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, f"exit {code}: {err}"
    assert err.startswith("vendortui: ") and err.count("\n") == 1, err
    assert "unexpected" not in err and "Traceback" not in err, err
    return err


@pytest.fixture
def good(kb_template: Path, tmp_path: Path) -> Iterator[Path]:
    """A valid knowledge base, for the sides of a command that are not under test."""
    kb = KnowledgeBase.open(copy_of(kb_template, tmp_path / "good.db"))
    kb.add_vendor("Acme")
    kb.db.close()
    yield kb.path


@pytest.mark.parametrize("problem", FILE_PROBLEMS)
@pytest.mark.parametrize("command", DB_COMMANDS)
def test_every_db_command_refuses_every_path_problem(
    command: str, problem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make, reason = FILE_PROBLEMS[problem]
    bad = make(tmp_path)
    before = _tree(tmp_path)
    err = _refused([*DB_COMMANDS[command], "--db", str(bad)], capsys)
    assert str(bad) in err and reason in err, err
    assert _tree(tmp_path) == before, "nothing is created or changed"


@pytest.mark.parametrize("problem", FILE_PROBLEMS)
@pytest.mark.parametrize(
    "command",
    [
        "dump",
        "merge-driver base",
        "merge-driver ours",
        "merge-driver theirs",
        "init --from",
        "checklist import FILE",
    ],
)
def test_every_other_path_argument_refuses_every_path_problem(
    command: str, problem: str, tmp_path: Path, good: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make, reason = FILE_PROBLEMS[problem]
    bad = make(tmp_path)
    before = _tree(tmp_path)
    err = _refused(_other_paths(tmp_path, good)[command](bad), capsys)
    assert str(bad) in err and reason in err, err
    assert _tree(tmp_path) == before, "nothing is created or changed"


@pytest.mark.parametrize("problem", FOLDER_PROBLEMS)
@pytest.mark.parametrize("command", ["init", "clone"])
def test_init_and_clone_refuse_every_folder_problem(
    command: str, problem: str, tmp_path: Path, good: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make, _reason = FOLDER_PROBLEMS[problem]
    bad = make(tmp_path)
    reason = {"pipe": "is a file, not a folder"}.get(problem, _reason)
    before = _tree(tmp_path)
    argv = ["init", str(bad)] if command == "init" else ["clone", str(good), str(bad)]
    err = _refused(argv, capsys)
    assert str(bad) in err and reason in err, err
    assert _tree(tmp_path) == before, "nothing is created or changed"


def test_init_alone_makes_missing_folders(tmp_path: Path, capsys) -> None:
    """The one exception to "a missing folder is refused": ``init`` is asked to make it."""
    folder = tmp_path / "new" / "team"
    assert main(["init", str(folder)]) == 0, capsys.readouterr().err
    assert (folder / "knowledge.db").is_file()


@pytest.mark.parametrize("state", ["missing", "zero bytes", "valid"])
@pytest.mark.parametrize("command", [*READ_COMMANDS, "dump"])
def test_a_read_never_writes(
    command: str, state: str, tmp_path: Path, good: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not created, not migrated, not touched: same bytes and modification time. (``dump`` of
    an empty file prints "# empty file": git passes one for a side that has no database.)"""
    path = tmp_path / "kb.db"
    if state == "zero bytes":
        path.write_bytes(b"")
    elif state == "valid":
        shutil.copyfile(good, path)
    before = _tree(tmp_path)
    data = path.read_bytes() if path.exists() else None
    argv = ["dump", str(path)] if command == "dump" else [*DB_COMMANDS[command], "--db", str(path)]
    code = main(argv)
    err = capsys.readouterr().err
    if state == "missing" or (state == "zero bytes" and command != "dump"):
        assert code == 2 and err.count("\n") == 1 and str(path) in err, err
    assert _tree(tmp_path) == before
    assert (path.read_bytes() if path.exists() else None) == data


NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder another user can reach (pytest's own is private to us)."""
    folder = Path(tempfile.mkdtemp(prefix="vendortui-perm-"))
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _as_another_user(argv: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    """``vendortui ARGV`` as a user the file permissions apply to (``nobody`` if we are root:
    root ignores them)."""
    prefix = NOBODY if os.geteuid() == 0 else []
    if prefix and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: no user the permissions apply to")
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_STATE_HOME": str(home),
        "XDG_CONFIG_HOME": str(home),
    }
    return subprocess.run(
        [*prefix, sys.executable, "-m", "vendortui", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=home,
    )


@pytest.mark.parametrize("where", ["unreadable file", "read-only folder", "unreachable folder"])
@pytest.mark.parametrize("command", [*DB_COMMANDS, "dump"])
def test_no_permission_is_one_sentence_and_changes_nothing(
    command: str, where: str, shared_tmp: Path, good: Path
) -> None:
    home = shared_tmp / "home"
    home.mkdir(mode=0o777)
    locked = shared_tmp / "locked"
    locked.mkdir()
    path = locked / "kb.db"
    shutil.copyfile(good, path)
    path.chmod(0o000 if where == "unreadable file" else 0o666)
    locked.chmod({"read-only folder": 0o555, "unreachable folder": 0o000}.get(where, 0o777))
    try:
        if where == "read-only folder" and command in [*READ_COMMANDS, "dump"]:
            pytest.skip("a read needs no write permission on the folder")
        before = path.read_bytes() if where != "unreachable folder" else None
        argv = (
            ["dump", str(path)] if command == "dump" else [*DB_COMMANDS[command], "--db", str(path)]
        )
        done = _as_another_user(argv, home)
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1 and str(path) in done.stderr, done.stderr
        assert "permission" in done.stderr or "read-only" in done.stderr, done.stderr
        if before is not None:
            assert path.read_bytes() == before
    finally:
        locked.chmod(0o777)

"""Registering the merge and diff (textconv) drivers so plain git handles the database too.

The attribute line goes both in the committed ``.gitattributes`` (teammates get it) and in
``.git/info/attributes`` (in force before ``.gitattributes`` is checked out or committed, and
read by ``git merge-tree``). The driver commands live in ``.git/config`` only: git never takes
commands from a cloned repository, so each clone configures its own, with the absolute path
of the interpreter running now (a PATH lookup or shim doubles the driver's start-up cost).
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from app.sync.repo import DB_NAME, TMP_SUFFIX, Repo

DRIVER = "vendortui"
ATTRIBUTES_LINE = f"/{DB_NAME} merge={DRIVER} diff={DRIVER} -text"
IGNORED = (
    f"/{DB_NAME}-journal",
    f"/{DB_NAME}-wal",
    f"/{DB_NAME}-shm",
    f"*{TMP_SUFFIX}",
)


def _command(*words: str) -> str:
    """A shell command line running ``vendortui WORDS`` with this very interpreter."""
    return " ".join([shlex.quote(sys.executable), "-m", "app.sync", *words])


def _ensure_lines(path: Path, lines: tuple[str, ...]) -> bool:
    """Append the missing ``lines`` to a text file; True if it changed."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    present = {line.strip() for line in text.splitlines()}
    missing = [line for line in lines if line not in present]
    if not missing:
        return False
    if text and not text.endswith("\n"):
        text += "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n".join(missing) + "\n", encoding="utf-8")
    return True


def write_repo_files(repo: Repo) -> list[str]:
    """Ensure the committed ``.gitattributes`` and ``.gitignore``; returns the changed ones."""
    changed = []
    if _ensure_lines(repo.worktree / ".gitattributes", (ATTRIBUTES_LINE,)):
        changed.append(".gitattributes")
    if _ensure_lines(repo.worktree / ".gitignore", IGNORED):
        changed.append(".gitignore")
    return changed


def configure(repo: Repo) -> None:
    """Register both drivers in ``.git/config`` and the attribute in ``.git/info/attributes``."""
    settings = {
        f"merge.{DRIVER}.name": "vendortui three-way merge of the SQLite knowledge base",
        f"merge.{DRIVER}.driver": _command("merge-driver", "%O", "%A", "%B"),
        f"diff.{DRIVER}.textconv": _command("dump"),
    }
    for key, value in settings.items():
        repo.run("config", "--local", key, value)
    _ensure_lines(repo.gitdir / "info" / "attributes", (ATTRIBUTES_LINE,))


def is_configured(repo: Repo) -> bool:
    """The merge driver is registered in this clone."""
    return bool(repo.out("config", "--local", f"merge.{DRIVER}.driver", check=False))

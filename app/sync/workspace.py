"""A clone's local sync workspace in ``.git/vendortui`` (never synced): lock and scratch room.

Everything sync writes besides the result lives here or next to the live file with
``TMP_SUFFIX`` (ignored by git), so a killed sync leaves nothing a teammate could receive.
"""

from __future__ import annotations

import contextlib
import fcntl
import shutil
from collections.abc import Iterator
from pathlib import Path

from vendortui.app.errors import KbError
from vendortui.app.sync.repo import TMP_SUFFIX, Repo


@contextlib.contextmanager
def sync_lock(repo: Repo) -> Iterator[None]:
    """One sync at a time per repository (a second one is refused, not queued)."""
    with (repo.state_dir / "sync.lock").open("a") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise KbError(
                f"Another vendortui sync is running in {repo.worktree}; wait for it to finish."
            ) from None
        yield


def scratch(repo: Repo) -> Path:
    """An empty scratch folder for the sides of a merge (whatever a killed sync left is gone)."""
    folder = repo.state_dir / "scratch"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    return folder


def out_path(path: Path) -> Path:
    """The temporary result, next to the live file so the rename stays on one file system."""
    return path.with_name(f".{path.name}.sync{TMP_SUFFIX}")

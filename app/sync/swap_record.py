"""The swap record: what a sync must still tell git after renaming the result into place.

The live file is replaced by a rename, then index, work tree and branch are moved. Between
the two a kill would leave a file git does not know about, so just before the rename the
sync writes ``.git/vendortui/swap.json`` (old head, new commit, blob, branch, and the inode of
the file about to be renamed). The next sync reads it: the live file still being that inode
proves the rename happened, and only the ref update is redone.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from vendortui.app.sync.repo import TMP_SUFFIX, Repo

SWAP_RECORD = "swap.json"


def write(repo: Repo, *, old: str, new: str, blob: str, branch: str, renamed: Path) -> None:
    """Record the swap about to happen (atomically: a torn record is never read)."""
    record: dict[str, object] = {"old": old, "new": new, "blob": blob, "branch": branch}
    record["inode"] = os.stat(renamed).st_ino
    target = repo.state_dir / SWAP_RECORD
    scratch = target.with_name(SWAP_RECORD + TMP_SUFFIX)
    scratch.write_text(json.dumps(record), encoding="utf-8")
    os.replace(scratch, target)


def clear(repo: Repo) -> None:
    """The swap is complete on both sides; forget it."""
    (repo.state_dir / SWAP_RECORD).unlink(missing_ok=True)


def finish(repo: Repo, path: Path) -> bool:
    """Complete the git side of a swap whose rename happened before the process died.

    The record names the inode of the file that was renamed into place: if the live file is
    still that inode and HEAD has not moved, the rename happened and only the ref update is
    missing. Otherwise the rename never happened and the record is simply dropped.
    """
    record_path = repo.state_dir / SWAP_RECORD
    if not record_path.exists():
        return False
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        done = (
            repo.rev("HEAD") == record["old"]
            and path.exists()
            and os.stat(path).st_ino == record["inode"]
        )
        if done:
            repo.adopt(record["old"], record["new"], record["blob"], record["branch"])
        return bool(done)
    finally:
        record_path.unlink(missing_ok=True)

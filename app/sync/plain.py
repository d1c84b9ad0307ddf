"""Plain git's merges of the database: the merge driver git runs, and a merge it left unfinished.

A teammate may use ``git pull`` instead of ``vendortui sync``. With the driver registered,
git calls ``merge_driver``; without it (a plain ``git clone``), git stops with the file
unmerged and ``complete_plain_merge`` finishes the job the next time vendortui opens the
file or syncs. Both run the same SQL merge as sync.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from vendortui.app import dbfile
from vendortui.app.errors import KbError
from vendortui.app.sync import commits, merge, workspace
from vendortui.app.sync.repo import TMP_SUFFIX, Repo
from vendortui.app.sync.swap import LiveLock


def merge_driver(base: Path, ours: Path, theirs: Path) -> merge.MergeStats:
    """``vendortui merge-driver %O %A %B``: merge into ``ours`` in place, or change nothing."""
    for side in (base, ours, theirs):
        if not dbfile.check_path(side, for_writing=side == ours):
            raise KbError(f"There is no file at {side}; git passes the three sides of a merge.")
    merge.check_revisions([p for p in (base, ours, theirs) if p.stat().st_size])
    out = ours.with_name(ours.name + TMP_SUFFIX)
    shutil.copyfile(ours, out)
    try:
        has_base = base.stat().st_size > 0
        merge.bring_to_head([out, theirs] + ([base] if has_base else []))
        stats = merge.merge_files(base if has_base else None, out, theirs, out, who=_driver_who())
        os.replace(out, ours)
    finally:
        out.unlink(missing_ok=True)
    return stats


def _driver_who() -> str:
    from vendortui.app.identity import current_user

    return current_user()


def complete_plain_merge(repo: Repo, path: Path) -> bool:
    """Finish a plain ``git merge`` that left the database unmerged (no driver configured).

    Same merge as sync: base, ours and theirs from the index stages, *ours* read from the live
    file under the exclusive lock (so edits made meanwhile count), result renamed into place,
    then staged; the merge commit is made when nothing else is left unmerged.
    """
    if not (repo.gitdir / "MERGE_HEAD").exists():
        return False
    rel = path.resolve().relative_to(repo.worktree.resolve()).as_posix()
    listing = repo.out("ls-files", "-u", "--", rel)
    stages = {}
    for line in listing.splitlines():
        meta, _name = line.split("\t", 1)
        _mode, blob, stage = meta.split()
        stages[stage] = blob
    if not stages:
        return False
    if "2" not in stages or "3" not in stages:
        raise KbError(
            f"git left {rel} deleted on one side and changed on the other; keep one with "
            f"git checkout --ours/--theirs {rel} and git add {rel}."
        )
    scratch = workspace.scratch(repo)
    out = workspace.out_path(path)
    try:
        theirs = scratch / "theirs.db"
        repo.write_blob(stages["3"], theirs)
        base: Path | None = None
        if "1" in stages:
            base = scratch / "base.db"
            repo.write_blob(stages["1"], base)
        merge.check_revisions([theirs] + ([base] if base else []))
        with LiveLock(path) as live:
            ours = scratch / "ours.db"
            live.copy_to(ours)
            merge.bring_to_head([ours, theirs] + ([base] if base else []))
            merge.merge_files(base, ours, theirs, out, who=commits.who(repo))
            blob = repo.hash_file(out, write=True)
            live.replace_with(out)
        repo.run("update-index", "--cacheinfo", f"100644,{blob},{rel}")
        repo.refresh()
        if not repo.out("ls-files", "-u"):
            repo.run("commit", "-q", "--no-edit", "--no-verify")
        return True
    finally:
        out.unlink(missing_ok=True)
        shutil.rmtree(scratch, ignore_errors=True)

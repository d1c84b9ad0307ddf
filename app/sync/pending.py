"""Finishing, when vendortui opens a file, what plain git or a killed sync left half done.

``install()`` registers ``finish_pending`` as a ``Database.open`` hook; the command line and
``KnowledgeBase.open`` call it, so the database layer itself knows nothing about sync. The
hook runs on every writing open, so the common case (no repository, or no merge in progress)
costs a few ``stat`` calls and a read of ``.git/config``, and starts no process; git is asked
only when ``MERGE_HEAD`` or a swap record exists in the repository holding the file.
"""

from __future__ import annotations

import os
from pathlib import Path

from vendortui.app.db import add_open_hook
from vendortui.app.errors import KbError
from vendortui.app.sync import drivers, swap_record
from vendortui.app.sync.repo import Repo, find_gitdir


def install() -> None:
    """Have every writing ``Database.open`` finish pending sync work first (idempotent)."""
    add_open_hook(finish_pending)


def finish_pending(path: Path) -> None:
    """Refresh stale driver settings, finish a swap a killed sync left (``swap_record``),
    and complete an unfinished plain-git merge of ``path``.

    Never blocks the opening of the file: if the work cannot be done now (a sync is running,
    the other side needs a newer vendortui, git fails) the file is left as it is, which is
    fully usable (*our* side of a merge); ``vendortui sync`` finishes it or says why not.
    """
    found = find_gitdir(path)
    if found is None:
        return
    worktree, gitdir = found
    repo = Repo(worktree, gitdir)
    drivers.refresh(repo)
    swapped = os.path.exists(os.path.join(gitdir, "vendortui", swap_record.SWAP_RECORD))
    merging = os.path.exists(os.path.join(gitdir, "MERGE_HEAD"))
    if not (swapped or merging):
        return
    from vendortui.app.sync.plain import complete_plain_merge
    from vendortui.app.sync.workspace import sync_lock

    path = Path(os.path.abspath(path))
    try:
        with sync_lock(repo):
            if swapped:
                swap_record.finish(repo, path)
            if merging:
                complete_plain_merge(repo, path)
    except KbError:
        return

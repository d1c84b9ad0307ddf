"""Finishing, when vendortui opens a file, what plain git or a killed sync left half done.

``install()`` registers ``finish_unmerged`` as a ``Database.open`` hook; the command line and
``KnowledgeBase.open`` call it, so the database layer itself knows nothing about sync. The
hook runs on every writing open, so the common case (no repository, or no merge in progress)
costs a few ``stat`` calls and a read of ``.git/config``, and starts no process; git is asked
only when ``MERGE_HEAD`` exists in the repository holding the file.
"""

from __future__ import annotations

import os
from pathlib import Path

from vendortui.app.db import add_open_hook
from vendortui.app.errors import KbError
from vendortui.app.sync import drivers
from vendortui.app.sync.repo import Repo, find_gitdir


def install() -> None:
    """Have every writing ``Database.open`` finish pending sync work first (idempotent)."""
    add_open_hook(finish_unmerged)


def finish_unmerged(path: Path) -> None:
    """Refresh stale driver settings and complete an unfinished plain-git merge of ``path``.

    Never blocks the opening of the file: if the merge cannot be done now (a sync is running,
    the other side needs a newer vendortui, git fails) the file is left as it is, which is
    *our* side, fully usable; ``vendortui sync`` reports the reason.
    """
    found = find_gitdir(path)
    if found is None:
        return
    repo = Repo(*found)
    drivers.refresh(repo)
    if not os.path.exists(os.path.join(found[1], "MERGE_HEAD")):
        return
    from vendortui.app.sync.plain import complete_plain_merge
    from vendortui.app.sync.workspace import sync_lock

    try:
        with sync_lock(repo):
            complete_plain_merge(repo, Path(os.path.abspath(path)))
    except KbError:
        return

"""Finishing, when vendortui opens a file, a plain ``git merge`` that left it unmerged.

Called by ``Database.open`` on every start, so the common case (no repository, or no merge
in progress) costs a few ``stat`` calls and starts no process; git is asked only when
``MERGE_HEAD`` exists in the repository holding the file.
"""

from __future__ import annotations

import os
from pathlib import Path

from vendortui.app.sync import drivers
from vendortui.app.sync.repo import Repo, find_gitdir


def finish_unmerged(path: Path) -> None:
    """Complete an unfinished plain-git merge of ``path`` with vendortui's merge.

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
    from vendortui.app.errors import KbError
    from vendortui.app.sync.service import complete_plain_merge, sync_lock

    try:
        with sync_lock(repo):
            complete_plain_merge(repo, Path(os.path.abspath(path)))
    except KbError:
        return

"""A sync never shares a damaged file: the local file is checked before it is committed or
merged, on both paths (nothing new on the remote: commit; the remote moved: merge), and the
refusal changes nothing, locally or on the remote."""

from __future__ import annotations

import pytest

from tests.damage import damage_a_middle_page
from tests.sync.conftest import Team, git
from vendortui.app.errors import KbError
from vendortui.app.kb import KnowledgeBase


@pytest.mark.parametrize("remote_moved", [False, True], ids=["commit", "merge"])
def test_a_damaged_local_file_is_refused_and_nothing_is_shared(
    team: Team, remote_moved: bool
) -> None:
    alice, bob = team.clones
    alice.add_vendor("acme")
    team.converge()
    if remote_moved:
        alice.add_vendor("globex")
        alice.sync()
    damage_a_middle_page(KnowledgeBase.open(bob.db_path))
    damaged = bob.db_path.read_bytes()
    heads = (bob.git("rev-parse", "HEAD"), git(team.remote, "rev-parse", "main"))
    with pytest.raises(KbError, match=r"is damaged .*integrity check"):
        bob.sync()
    assert bob.db_path.read_bytes() == damaged
    assert (bob.git("rev-parse", "HEAD"), git(team.remote, "rev-parse", "main")) == heads

"""Sync keeps the clone's object store packed without anyone running git gc."""

from __future__ import annotations

import pytest

from tests.sync.conftest import Clone, Team
from vendortui.app.sync import housekeeping


def _objects(clone: Clone) -> dict[str, int]:
    counts = {}
    for line in clone.git("count-objects", "-v").splitlines():
        key, _, value = line.partition(":")
        counts[key] = int(value)
    return counts


def test_a_sync_past_the_loose_limit_packs_everything(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bob = team.clones
    alice.add_vendor("acme")
    monkeypatch.setattr(housekeeping, "LOOSE_LIMIT", 1 << 30)
    alice.sync()
    before = _objects(alice)
    assert before["count"] > 0  # under the limit: the commit stays loose
    monkeypatch.setattr(housekeeping, "LOOSE_LIMIT", before["size"] * 1024)
    alice.add_vendor("globex")
    alice.sync()
    after = _objects(alice)
    assert after["count"] == 0 and after["packs"] == 1
    alice.git("fsck", "--full")
    bob.sync()
    team.assert_identical()

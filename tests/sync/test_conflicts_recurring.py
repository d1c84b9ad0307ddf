"""The same values clashing again, and a clash meeting a resolution: always an open conflict.

Issue 9: a conflict's id came from table, row, field and the two values only, and its insert
ignored an existing row; a pair that had conflicted before hit the old resolved conflict and
was dropped while the provisional value was applied.
"""

from __future__ import annotations

import pytest

from tests.sync.conflict_views import open_conflicts, resolve
from tests.sync.conftest import Team
from vendortui.app.cli import main
from vendortui.models import Vendor


def test_the_issue_reproduction_status_pilot_against_production_twice(
    team: Team, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    alice, bob = team.clones
    acme = team.shared_vendor()
    team.clash(acme, {"status": "pilot"}, {"status": "production"})
    [first] = open_conflicts(bob)
    assert {first.mine, first.theirs} == {"pilot", "production"}
    resolve(bob, first.id, "mine")
    team.clash(acme, {"status": "evaluating"})
    # Bob's resolution and Alice's edit were concurrent decisions: that is a conflict too.
    [between] = open_conflicts(alice)
    assert (between.mine, between.theirs) == ("evaluating", "production")
    team.clash(acme, {"status": "pilot"}, {"status": "production"})
    team.assert_identical()
    seen = {(c.mine, c.theirs): c for c in open_conflicts(alice)}
    again = seen[("pilot", "production")]
    assert again.id != first.id and again.field == "status" and len(seen) == 2
    monkeypatch.setenv("VENDORTUI_USER", alice.email)
    assert main(["conflicts", "--db", str(alice.db_path)]) == 0
    listed = capsys.readouterr().out
    assert "No open conflicts" not in listed and "'pilot'" in listed and "2 open" in listed


def test_a_delete_against_an_edit_after_a_kept_deletion_is_a_conflict_again(team: Team) -> None:
    alice, bob = team.clones
    acme = team.shared_vendor()
    team.clash(acme, None, {"status": "pilot"})
    [clash] = open_conflicts(alice)
    assert clash.field == "deleted_at" and clash.mine is not None and clash.theirs is None
    resolve(alice, clash.id, "mine")  # keep the deletion: the same tombstone time is written back
    alice.sync()
    bob.edit(Vendor, acme, status="production")  # Bob has not seen the resolution
    team.converge()
    team.assert_identical()
    [again] = open_conflicts(bob)
    assert again.id != clash.id and again.field == "deleted_at"
    assert {again.mine is None, again.theirs is None} == {True, False}
    assert bob.value("SELECT status FROM vendor WHERE id = ?", acme) == "production"


def test_two_clones_resolving_one_conflict_differently_leave_an_open_conflict(
    team: Team,
) -> None:
    alice, bob = team.clones
    acme = team.shared_vendor()
    team.clash(acme, {"risk_tier": "high"}, {"risk_tier": "low"})
    [alices] = open_conflicts(alice)
    [bobs] = open_conflicts(bob)
    resolve(alice, alices.id, "mine")  # high
    resolve(bob, bobs.id, "mine")  # low: the provisional value, written back unchanged
    team.converge()
    team.assert_identical()
    [left] = open_conflicts(alice)
    assert {left.mine, left.theirs} == {"high", "low"}
    resolved = alice.rows(
        "SELECT resolved_at IS NOT NULL, resolution <> '', resolved_by <> '' FROM conflict "
        "WHERE id = ?",
        alices.id,
    )
    assert resolved == [(1, 1, 1)]  # one side's resolution, whole


def test_a_resolution_that_keeps_the_shown_value_meets_a_concurrent_edit(team3: Team) -> None:
    alice, _bob, carol = team3.clones
    acme = team3.shared_vendor()
    team3.clash(acme, {"status": "pilot"}, {"status": "production"})
    [clash] = open_conflicts(carol)
    kept = carol.value("SELECT status FROM vendor WHERE id = ?", acme)
    resolve(carol, clash.id, "mine" if clash.mine == kept else "theirs")
    other = "pilot" if kept == "production" else "production"
    alice.edit(Vendor, acme, status="retired" if other == "pilot" else other)
    alice.sync()
    team3.converge()
    team3.assert_identical()
    [left] = open_conflicts(alice)
    assert kept in (left.mine, left.theirs)

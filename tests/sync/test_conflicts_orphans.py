"""Rows added under a parent that a teammate deleted at the same time stay visible.

Issue 9: an event, a data category, a role under a deleted vendor stayed live under the
tombstone, and no screen showed them. The deletion becomes a conflict (keep it or not), the
parent stays alive until a person decides, through the usual resolve path.
"""

from __future__ import annotations

import pytest

from tests.sync.conflict_views import open_conflicts
from tests.sync.conftest import Clone, Team
from vendortui.app.cli import main
from vendortui.app.db import Database
from vendortui.app.kb import KnowledgeBase
from vendortui.models import (
    ChecklistItem,
    ChecklistRun,
    DataCategory,
    Event,
    Person,
    ProbeConfig,
    ProbeResult,
    Role,
    Vendor,
    utcnow,
)


def _live(clone: Clone, table: str, row_id: str) -> bool:
    return clone.value(f"SELECT deleted_at IS NULL FROM {table} WHERE id = ?", row_id) == 1


ADDITIONS = {
    "event": lambda c, v: c.add(Event, vendor_id=v, kind="note", occurred_at=utcnow(), title="E"),
    "data category": lambda c, v: c.add(DataCategory, vendor_id=v, name="emails"),
    "role": lambda c, v: c.add(Role, vendor_id=v, person_id=c.add(Person, name="Jo"), kind="lead"),
    "probe result": lambda c, v: c.add(
        ProbeResult,
        probe_id=c.value("SELECT id FROM probe_config WHERE vendor_id = ?", v),
        vendor_id=v,
        started_at=utcnow(),
        outcome="pass",
    ),
    "checklist item": lambda c, v: c.add(
        ChecklistItem,
        run_id=c.value("SELECT id FROM checklist_run WHERE vendor_id = ?", v),
        position=9,
        item_key="late",
        text="Added late",
    ),
}


@pytest.mark.parametrize("deleter_syncs_first", [True, False], ids=["bob-merges", "alice-merges"])
@pytest.mark.parametrize("what", sorted(ADDITIONS))
def test_an_addition_under_a_deleted_vendor_keeps_it_with_a_conflict(
    team: Team, what: str, deleter_syncs_first: bool
) -> None:
    alice, bob = team.clones
    acme = alice.add_vendor("acme", "Acme Corp")
    alice.add(ProbeConfig, vendor_id=acme, name="okta", kind="oidc_discovery")
    alice.add(ChecklistRun, vendor_id=acme, template_key="t", template_version=1, title="Run")
    team.converge()
    alice.delete(Vendor, acme)
    added = ADDITIONS[what](bob, acme)
    for clone in (alice, bob) if deleter_syncs_first else (bob, alice):
        clone.sync()
    team.converge()
    team.assert_identical()
    assert _live(alice, "vendor", acme)
    [clash] = open_conflicts(bob)
    assert (clash.table, clash.row_id, clash.field, clash.row_label) == (
        "vendor",
        acme,
        "deleted_at",
        "Acme Corp",
    )
    assert clash.mine is None and clash.theirs is not None  # Bob kept it, Alice deleted it
    assert (clash.mine_by, clash.theirs_by) == (bob.email, alice.email)
    assert added is not None


def test_the_parent_conflict_resolves_through_the_command_line(
    team: Team, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    alice, bob = team.clones
    acme = alice.add_vendor("acme", "Acme Corp")
    globex = alice.add_vendor("globex", "Globex")
    jane = alice.add(Person, name="Jane Doe")
    team.converge()
    alice.delete(Vendor, acme)
    alice.delete(Vendor, globex)
    alice.delete(Person, jane)
    bob.add(Event, vendor_id=acme, kind="breach", occurred_at=utcnow(), title="Breach")
    bob.add(Role, vendor_id=globex, person_id=jane, kind="lead")
    team.converge()
    team.assert_identical()
    assert all(
        _live(alice, t, i) for t, i in (("vendor", acme), ("vendor", globex), ("person", jane))
    )
    seen = {(c.table, c.row_id): c for c in open_conflicts(alice)}
    assert set(seen) == {("vendor", acme), ("vendor", globex), ("person", jane)}
    kb = KnowledgeBase(Database.open(alice.db_path))
    try:
        assert [e.title for e in kb.card(acme).events] == ["Breach"]
    finally:
        kb.db.close()
    monkeypatch.setenv("VENDORTUI_USER", alice.email)
    db = str(alice.db_path)
    assert main(["conflicts", "resolve", seen[("vendor", acme)].id[:8], "--mine", "--db", db]) == 0
    assert main(["conflicts", "resolve", seen[("vendor", globex)].id, "--theirs", "--db", db]) == 0
    capsys.readouterr()
    alice.sync()
    bob.sync()
    team.assert_identical()
    assert not _live(bob, "vendor", acme)  # Alice kept her deletion
    assert _live(bob, "vendor", globex)  # and let Globex come back with Bob's role
    assert [(c.table, c.row_id) for c in open_conflicts(bob)] == [("person", jane)]


def test_an_item_added_to_a_run_of_a_deleted_vendor_keeps_the_vendor(team: Team) -> None:
    alice, bob = team.clones
    acme = alice.add_vendor("acme")
    run = alice.add(ChecklistRun, vendor_id=acme, template_key="t", template_version=1, title="R")
    item = alice.add(ChecklistItem, run_id=run, position=0, item_key="k", text="Step")
    team.converge()
    alice.delete(Vendor, acme)
    alice.delete(ChecklistRun, run)  # a deletion that took the run along
    bob.edit(ChecklistItem, item, note="done by hand")  # an edit two levels down
    team.converge()
    team.assert_identical()
    assert _live(alice, "vendor", acme) and _live(alice, "checklist_run", run)
    assert {(c.table, c.row_id) for c in open_conflicts(alice)} == {
        ("vendor", acme),
        ("checklist_run", run),
    }


def test_a_deletion_with_nothing_added_under_it_is_no_conflict(team: Team) -> None:
    alice, bob = team.clones
    acme = alice.add_vendor("acme")
    event = alice.add(Event, vendor_id=acme, kind="note", occurred_at=utcnow(), title="Old")
    other = alice.add_vendor("other")
    team.converge()
    alice.delete(Vendor, acme)
    bob.add(Event, vendor_id=other, kind="note", occurred_at=utcnow(), title="Elsewhere")
    bob.delete(Event, event)  # a deletion under it is no addition
    team.converge()
    team.assert_identical()
    assert not _live(alice, "vendor", acme)
    assert open_conflicts(alice) == []

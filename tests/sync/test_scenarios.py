"""Two or three teammates editing offline and syncing through a bare remote (real git)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.sync.conftest import Team, git
from vendortui.app.db import Database
from vendortui.app.errors import KbError
from vendortui.app.paths import default_db_path
from vendortui.app.sync import conflicts
from vendortui.models import (
    ChecklistItem,
    ChecklistRun,
    ChecklistTick,
    Event,
    Person,
    ProbeConfig,
    ProbeResult,
    Role,
    Vendor,
    utcnow,
)


def test_init_creates_a_team_repository_with_both_drivers(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = team.clones[0]
    assert (
        "/knowledge.db merge=vendortui diff=vendortui"
        in (alice.folder / ".gitattributes").read_text()
    )
    assert "/knowledge.db merge=vendortui" in (alice.folder / ".git/info/attributes").read_text()
    ignored = (alice.folder / ".gitignore").read_text()
    for suffix in ("-journal", "-wal", "-shm"):
        assert f"/knowledge.db{suffix}" in ignored
    driver = alice.git("config", "merge.vendortui.driver").strip()
    assert driver.startswith(sys.executable) and driver.endswith("merge-driver %O %A %B")
    assert alice.git("config", "diff.vendortui.textconv").strip().endswith("-I -m vendortui dump")
    assert alice.status() == ""
    assert git(team.root, "--git-dir", str(team.remote), "ls-tree", "--name-only", "main") == (
        ".gitattributes\n.gitignore\nknowledge.db\n"
    )
    monkeypatch.delenv("VENDORTUI_DB")
    assert default_db_path() == team.clones[-1].db_path  # the last init/clone wins


def test_init_refuses_a_remote_that_already_holds_a_repository(team: Team) -> None:
    from vendortui.app.sync.setup import init

    target = team.root / "again"
    with pytest.raises(KbError, match="vendortui clone"):
        init(target, str(team.remote))
    assert not (target / ".git").exists()


def test_clone_refuses_a_repository_without_a_knowledge_base(tmp_path: Path) -> None:
    from vendortui.app.sync.setup import clone

    empty = tmp_path / "empty.git"
    git(tmp_path, "init", "-q", "--bare", str(empty))
    with pytest.raises(KbError, match="not a vendortui knowledge base"):
        clone(str(empty), tmp_path / "joined")
    assert not (tmp_path / "joined").exists()


def test_edits_to_different_vendors(team: Team) -> None:
    alice, bob = team.clones
    acme = alice.add_vendor("acme")
    globex = alice.add_vendor("globex")
    team.converge()
    alice.edit(Vendor, acme, status="pilot")
    bob.edit(Vendor, globex, risk_tier="high")
    alice.sync()
    alice_head = alice.git("rev-parse", "HEAD").strip()
    report = bob.sync()
    assert report.action == "merged" and report.pushed
    assert report.incoming == ["alice@example.com changed the status of vendor Acme"]
    assert report.committed == "1 vendor"
    assert report.open_conflicts == 0
    # Bob's edits had no commit yet: one commit on top of Alice's carries them (one new copy
    # of the file to push, not a local commit plus a merge), and no history is rewritten.
    assert bob.git("log", "-1", "--format=%P %s", "HEAD").split() == [
        alice_head,
        "vendortui:",
        "1",
        "vendor",
    ]
    report = alice.sync()
    assert report.action == "fast-forward"
    assert report.incoming == ["bob@example.com changed the risk tier of vendor Globex"]
    team.assert_identical()
    assert alice.value("SELECT status FROM vendor WHERE id = ?", acme) == "pilot"
    assert alice.value("SELECT risk_tier FROM vendor WHERE id = ?", globex) == "high"
    assert alice.git("rev-parse", "HEAD") == bob.git("rev-parse", "HEAD")


def test_different_fields_of_the_same_vendor(team: Team) -> None:
    _alice, bob = team.clones
    acme = team.shared_vendor()
    team.clash(acme, {"name": "Acme Corp"}, {"website": "https://acme.example"})
    team.assert_identical()
    assert bob.rows("SELECT name, website FROM vendor WHERE id = ?", acme) == [
        ("Acme Corp", "https://acme.example")
    ]
    assert bob.value("SELECT count(*) FROM conflict") == 0


def test_same_field_is_a_conflict_both_values_kept_and_clones_converge(team: Team) -> None:
    alice, bob = team.clones
    acme = team.shared_vendor()
    alice.edit(Vendor, acme, description="Alice's words")
    bob.edit(Vendor, acme, description="Bob's words")
    alice.sync()
    report = bob.sync()
    assert report.new_conflicts == 1 and report.open_conflicts == 1
    assert "1 conflict to resolve" in report.headline()
    team.converge()
    team.assert_identical()
    row = alice.rows(
        "SELECT field, base_value, ours_value, theirs_value, ours_by, theirs_by, provisional, "
        "ours_at IS NOT NULL AND theirs_at IS NOT NULL FROM conflict"
    )
    assert row == [
        (
            "description",
            "",
            "Bob's words",
            "Alice's words",
            "bob@example.com",
            "alice@example.com",
            "Bob's words",
            1,
        )
    ]  # Bob edited last, so his value is the provisional one, on both clones
    assert alice.value("SELECT description FROM vendor") == "Bob's words"
    # Each reader sees the sides from their own point of view.
    db = Database.open(alice.db_path)
    [seen] = conflicts.list_open(db, me=alice.email)
    assert (seen.mine, seen.theirs, seen.row_label) == ("Alice's words", "Bob's words", "Acme")
    conflicts.resolve(db, seen.id[:8], "mine", me=alice.email)
    db.close()
    team.converge()
    team.assert_identical()
    assert bob.value("SELECT description FROM vendor") == "Alice's words"
    assert bob.rows("SELECT resolution, resolved_by FROM conflict") == [
        ("mine", "alice@example.com")
    ]
    db = Database.open(bob.db_path)
    assert conflicts.list_open(db) == []
    db.close()


def test_delete_against_edit_keeps_the_row_and_records_a_conflict(team: Team) -> None:
    alice, bob = team.clones
    acme = team.shared_vendor()
    team.clash(acme, None, {"status": "production"})
    team.assert_identical()
    assert alice.rows("SELECT deleted_at, status FROM vendor WHERE id = ?", acme) == [
        (None, "production")
    ]
    [(field, ours, theirs)] = alice.rows("SELECT field, ours_value, theirs_value FROM conflict")
    assert field == "deleted_at" and (ours is None) != (theirs is None)
    db = Database.open(bob.db_path)
    [seen] = conflicts.list_open(db, me=bob.email)
    assert seen.mine is None and seen.theirs is not None  # Alice deleted, Bob kept it
    conflicts.resolve(db, seen.id, "theirs", me=bob.email)
    db.close()
    team.converge()
    assert alice.value("SELECT deleted_at IS NOT NULL FROM vendor WHERE id = ?", acme) == 1


def test_both_deleting_is_not_a_conflict(team: Team) -> None:
    alice, _bob = team.clones
    acme = team.shared_vendor()
    team.clash(acme, None, None)
    team.assert_identical()
    assert alice.value("SELECT deleted_at IS NOT NULL FROM vendor") == 1
    assert alice.value("SELECT count(*) FROM conflict") == 0


def test_both_sides_adding_rows_and_the_same_slug(team: Team) -> None:
    alice, bob = team.clones
    a1 = alice.add_vendor("acme", "Acme by Alice")
    a2 = alice.add_vendor("initech")
    b1 = bob.add_vendor("acme", "Acme by Bob")
    person = bob.add(Person, name="Jane Doe")
    bob.add(Role, vendor_id=b1, person_id=person, kind="lead")
    team.converge()
    team.assert_identical()
    slugs = dict(alice.rows("SELECT id, slug FROM vendor"))
    assert slugs[a1] == "acme" and slugs[a2] == "initech"  # Alice's was created first
    assert slugs[b1] == f"acme-{b1[-6:]}"
    [(field, ours, theirs, provisional)] = alice.rows(
        "SELECT field, ours_value, theirs_value, provisional FROM conflict WHERE row_id = ?", b1
    )
    assert (field, ours, theirs, provisional) == ("slug", "acme", slugs[b1], slugs[b1])
    assert alice.value("SELECT count(*) FROM role") == 1
    db = Database.open(bob.db_path)
    [seen] = conflicts.list_open(db, me=bob.email)
    with pytest.raises(KbError, match="another row already has it"):
        conflicts.resolve(db, seen.id, "value", "acme", me=bob.email)
    conflicts.resolve(db, seen.id, "value", "acme-bob", me=bob.email)
    db.close()
    team.converge()
    assert alice.value("SELECT slug FROM vendor WHERE id = ?", b1) == "acme-bob"


def test_checklist_ticks_on_the_same_run_from_both_sides(team: Team) -> None:
    alice, bob = team.clones
    acme = alice.add_vendor("acme")
    run = alice.add(
        ChecklistRun, vendor_id=acme, template_key="rollout", template_version=1, title="Rollout"
    )
    items = [
        alice.add(ChecklistItem, run_id=run, position=i, item_key=f"k{i}", text=f"Step {i}")
        for i in range(3)
    ]
    team.converge()
    for clone, item in ((alice, items[0]), (bob, items[1])):
        clone.edit(ChecklistItem, item, state="done", state_by=clone.email, state_at=utcnow())
        clone.add(ChecklistTick, run_id=run, item_id=item, state="done")
    for clone in (alice, bob):  # the same item ticked on both sides: same value, no conflict
        clone.edit(ChecklistItem, items[2], state="done", state_by=clone.email, state_at=utcnow())
        clone.add(ChecklistTick, run_id=run, item_id=items[2], state="done")
    alice.sync()
    report = bob.sync()
    assert "alice@example.com added 2 checklist ticks" in report.incoming
    team.converge()
    team.assert_identical()
    assert alice.value("SELECT count(*) FROM checklist_tick") == 4
    assert alice.rows("SELECT state FROM checklist_item ORDER BY position") == [("done",)] * 3
    assert alice.value("SELECT count(*) FROM conflict") == 0
    assert alice.value("SELECT state_by FROM checklist_item WHERE id = ?", items[2]) in (
        alice.email,
        bob.email,
    )


def test_events_and_probe_results_from_both_sides_are_a_union(team: Team) -> None:
    alice, bob = team.clones
    acme = alice.add_vendor("acme")
    probe = alice.add(ProbeConfig, vendor_id=acme, name="okta", kind="oidc_discovery")
    team.converge()
    for clone in (alice, bob):
        for n in range(3):
            clone.add(
                Event, vendor_id=acme, kind="note", occurred_at=utcnow(), title=f"{clone.name} {n}"
            )
            clone.add(
                ProbeResult, probe_id=probe, vendor_id=acme, started_at=utcnow(), outcome="pass"
            )
    team.converge()
    team.assert_identical()
    assert alice.value("SELECT count(*) FROM event") == 6
    assert alice.value("SELECT count(*) FROM probe_result") == 6


def test_a_lead_change_is_told_with_real_names(team: Team) -> None:
    alice, bob = team.clones
    acme = alice.add_vendor("acme", "Acme Corp")
    jane = alice.add(Person, name="Jane Doe")
    john = alice.add(Person, name="John Roe")
    role = alice.add(Role, vendor_id=acme, person_id=jane, kind="lead")
    team.converge()
    alice.edit(Role, role, person_id=john)
    alice.sync()
    report = bob.sync()
    assert report.incoming == ["alice@example.com changed the lead of Acme Corp (John Roe)"]


def test_three_clones_converge(team3: Team) -> None:
    alice, _bob, _carol = team3.clones
    acme = team3.shared_vendor()
    team3.clash(acme, {"name": "A"}, {"name": "B"}, {"name": "C"})
    team3.assert_identical()
    values = {v for row in alice.rows("SELECT ours_value, theirs_value FROM conflict") for v in row}
    assert {"A", "B", "C"} <= values


def test_nothing_to_do(team: Team) -> None:
    alice, _bob = team.clones
    head = alice.git("rev-parse", "HEAD")
    report = alice.sync()
    assert (report.action, report.committed, report.pushed) == ("up to date", "", False)
    assert alice.git("rev-parse", "HEAD") == head

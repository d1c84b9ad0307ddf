"""The knowledge-base service: validated writes, tombstones, who and when, the vendor card."""

from __future__ import annotations

from datetime import date

import pytest

from vendortui.app.errors import KbError
from vendortui.app.kb import KnowledgeBase
from vendortui.app.validation import FieldError
from vendortui.models import DataCategory, Event, Person, Role, Vendor

pytestmark = pytest.mark.both_backends


def test_add_vendor_makes_unique_slugs_and_a_runbook_from_the_template(kb: KnowledgeBase) -> None:
    first = kb.add_vendor("New Relic, Inc.", category="observability")
    with pytest.raises(FieldError, match="looks like the existing vendor"):
        kb.add_vendor("New Relic Inc")
    second = kb.add_vendor("New Relic Inc", allow_similar=True)
    assert (first.slug, second.slug) == ("new-relic-inc", "new-relic-inc-2")
    card = kb.card(first.id)
    assert card.runbook is not None
    assert card.runbook.body.startswith("#"), "runbook starts from seed_data/runbook_template.md"
    assert card.vendor.updated_by == "tester@example.com"
    assert len(first.id) == 36 and first.id[14] == "7", "ids are UUIDv7 text"


def test_explicit_slug_already_taken_is_refused_on_the_field(kb: KnowledgeBase) -> None:
    kb.add_vendor("Acme", slug="acme")
    with pytest.raises(FieldError) as err:
        kb.add_vendor("Acme Two", slug="acme")
    assert err.value.field == "slug"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "  "}, "name"),
        ({"contract_end": "2026-02-30"}, "contract_end"),
        ({"status": "abandoned"}, "status"),
        ({"rollout_percent": "150"}, "rollout_percent"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"contract_start": "2026-05-01", "contract_end": "2026-01-01"}, "contract_end"),
    ],
)
def test_bad_values_are_refused_with_the_field_and_nothing_changes(
    kb: KnowledgeBase, values: dict[str, str], field: str
) -> None:
    vendor = kb.add_vendor("Acme")
    before = kb.card(vendor.id).vendor.model_dump()
    with pytest.raises(FieldError) as err:
        kb.update(Vendor, vendor.id, **values)
    assert err.value.field == field
    assert kb.card(vendor.id).vendor.model_dump() == before


def test_update_stamps_who_and_when(kb: KnowledgeBase, monkeypatch) -> None:
    vendor = kb.add_vendor("Acme")
    updated = kb.update(Vendor, vendor.id, status="rolling out", rollout_percent="5")
    assert updated.status == "rolling_out"
    assert updated.rollout_percent == 5
    assert updated.updated_at > vendor.updated_at


def test_delete_leaves_a_tombstone_that_hides_the_vendor(kb: KnowledgeBase) -> None:
    vendor = kb.add_vendor("Acme")
    kb.delete(Vendor, vendor.id)
    assert kb.vendor_rows() == []
    with kb.db.read() as conn:
        deleted_at, by = conn.execute(
            "SELECT deleted_at, updated_by FROM vendor WHERE id = ?", (vendor.id,)
        ).fetchone()
    assert deleted_at is not None and by == "tester@example.com"
    with pytest.raises(KbError, match="deleted"):
        kb.card(vendor.id)
    again = kb.add_vendor("Acme")
    assert again.slug == "acme", "a tombstoned slug can be reused"


def test_card_collects_people_data_and_events(kb: KnowledgeBase) -> None:
    vendor = kb.add_vendor("Acme", contract_end="2027-03-31", notice_days="60")
    lead = kb.create(Person, name="Priya", email="priya@example.com")
    backup = kb.create(Person, name="Sam", active="no")
    kb.create(Role, vendor_id=vendor.id, person_id=lead.id, kind="lead")
    kb.create(Role, vendor_id=vendor.id, person_id=backup.id, kind="backup")
    kb.create(DataCategory, vendor_id=vendor.id, name="Logs", pii_level="moderate")
    kb.create(Event, vendor_id=vendor.id, kind="breach", occurred_at="2026-11-01", title="Leak")
    card = kb.card(vendor.id)
    assert [line.person.name for line in card.holders("lead")] == ["Priya"]
    assert [line.person.active for line in card.holders("backup")] == [False]
    assert [c.name for c in card.data_categories] == ["Logs"]
    assert [e.title for e in card.events] == ["Leak"]
    assert card.cancel_by == date(2027, 1, 30)
    assert kb.vendor_rows()[0].lead == "Priya"


def test_find_vendor_by_slug_name_or_id(kb: KnowledgeBase) -> None:
    vendor = kb.add_vendor("PagerDuty")
    assert kb.find_vendor_id("pagerduty") == vendor.id
    assert kb.find_vendor_id("PAGERDUTY") == vendor.id
    assert kb.find_vendor_id(vendor.id) == vendor.id
    with pytest.raises(KbError, match="no vendor called"):
        kb.find_vendor_id("nobody")


def test_runbook_save_and_verify_record_who(kb: KnowledgeBase) -> None:
    vendor = kb.add_vendor("Acme")
    kb.save_runbook(vendor.id, "# Acme\n\nRestart it.\n")
    runbook = kb.verify_runbook(vendor.id)
    assert runbook.verified_by == "tester@example.com"
    card = kb.card(vendor.id)
    assert card.runbook.body == "# Acme\n\nRestart it.\n"
    assert card.runbook.verified_at is not None


def test_renaming_a_slug_to_a_taken_one_is_a_field_error(kb: KnowledgeBase) -> None:
    kb.add_vendor("Acme")
    other = kb.add_vendor("Other")
    with pytest.raises(FieldError) as err:
        kb.update(Vendor, other.id, slug="acme")
    assert err.value.field == "slug"
    assert kb.card(other.id).vendor.slug == "other"


def test_a_field_changed_meanwhile_refuses_the_save_and_a_second_save_replaces_it(
    kb: KnowledgeBase,
) -> None:
    """Two people editing one vendor (the form's ``save_edit``): different fields both land;
    the same field is refused with the stored value, and saving again is deliberate."""
    from vendortui.app.kb import ChangedMeanwhile
    from vendortui.screens.forms import save_edit

    vendor = kb.add_vendor("Acme", category="paging", website="https://a.example")
    mine, theirs = kb.card(vendor.id).vendor, kb.card(vendor.id).vendor
    save_edit(kb, Vendor, theirs, {"category": "observability", "website": "https://b.example"})
    save_edit(kb, Vendor, mine, {"description": "mine"})
    stored = kb.card(vendor.id).vendor
    assert (stored.category, stored.description) == ("observability", "mine")
    with pytest.raises(ChangedMeanwhile) as refused:
        save_edit(kb, Vendor, mine, {"category": "ci"})
    assert refused.value.field == "category" and refused.value.current == "observability"
    assert "changed it to observability while you were editing" in str(refused.value)
    assert kb.card(vendor.id).vendor.category == "observability", "nothing was saved"
    save_edit(kb, Vendor, mine, {"category": "ci"})
    assert kb.card(vendor.id).vendor.category == "ci"
    assert kb.card(vendor.id).vendor.website == "https://b.example"

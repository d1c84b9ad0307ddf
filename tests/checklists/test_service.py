"""The checklist service on a real file: runs copy templates, ticks, refusals, completion,
rollbacks, exports, offers and the demo runs."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.checklists.conftest import SMALL, write
from vendortui.app.checklists.records import RunDetail
from vendortui.app.checklists.templates import TemplateError
from vendortui.app.demo import load_demo
from vendortui.app.errors import KbError
from vendortui.app.kb import KnowledgeBase
from vendortui.app.validation import FieldError

pytestmark = pytest.mark.both_backends

WHO = "tester@example.com"


def _items(detail: RunDetail) -> dict[str, object]:
    return {item.item_key: item for item in detail.items}


@pytest.fixture
def tiny(kb: KnowledgeBase, tmp_path: Path) -> Path:
    """The small team template, imported into the knowledge base."""
    path = write(tmp_path / "tiny-rollout.yaml", SMALL)
    assert kb.checklists.import_template(path).action == "added"
    return path


def test_a_run_copies_its_template_and_keeps_its_version(
    kb: KnowledgeBase, vendor_id: str, tiny: Path
) -> None:
    first = kb.checklists.start_run(vendor_id, "tiny-rollout")
    assert (first.template_version, first.total, first.status) == (1, 5, "in_progress")
    assert first.current_stage == "staging" and first.started_by == WHO
    assert kb.checklists.import_template(tiny).action == "unchanged"
    with pytest.raises(TemplateError, match="raise 'version' above 1"):
        kb.checklists.import_template(write(tiny, SMALL.replace("A lead is named", "Lead named")))
    v2 = SMALL.replace("version: 1", "version: 2").replace("A lead is named", "Two leads named")
    assert kb.checklists.import_template(write(tiny, v2)).action == "updated"
    second = kb.checklists.start_run(vendor_id, "tiny-rollout")
    assert second.template_version == 2
    old = _items(kb.checklists.detail(first.id))
    new = _items(kb.checklists.detail(second.id))
    assert old["lead-named"].text == "A lead is named"
    assert new["lead-named"].text == "Two leads named"
    assert kb.checklists.run(first.id).template_version == 1


def test_team_templates_cannot_take_a_shipped_key_or_be_broken(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    shipped = write(tmp_path / "rollout.yaml", SMALL.replace("tiny-rollout", "rollout"))
    with pytest.raises(TemplateError, match="'rollout' is a shipped template"):
        kb.checklists.import_template(shipped)
    broken = write(tmp_path / "broken.yaml", SMALL.replace("tiny-rollout", "broken") + "  oops")
    with pytest.raises(TemplateError, match=r"broken.yaml, line 31: YAML syntax error"):
        kb.checklists.import_template(broken)
    assert "broken" not in kb.checklists.catalog(refresh=True).templates


def test_required_items_need_their_note_or_link_before_done(
    kb: KnowledgeBase, vendor_id: str, tiny: Path
) -> None:
    run = kb.checklists.start_run(vendor_id, "tiny-rollout")
    items = _items(kb.checklists.detail(run.id))
    signed, staging = items["signed-off"], items["staging-checked"]
    with pytest.raises(FieldError) as refused:
        kb.checklists.mark(signed.id, "done")
    assert str(refused.value) == "This item needs a note before it can be marked done."
    assert refused.value.field == "note"
    with pytest.raises(FieldError, match="needs an evidence link"):
        kb.checklists.mark(staging.id, "done", note="a note is not a link")
    with pytest.raises(FieldError, match="must be a web address"):
        kb.checklists.mark(staging.id, "done", evidence_url="javascript:alert(1)")
    done = kb.checklists.mark(signed.id, "done", note="Security (Ana) approved on the 3rd")
    assert (done.item.state, done.item.state_by) == ("done", WHO)
    assert done.item.state_at is not None
    with pytest.raises(FieldError, match="needs a note"):
        kb.checklists.mark(signed.id, None, note="  ")
    linked = kb.checklists.mark(staging.id, "done", evidence_url="https://grafana.example/d/1")
    assert linked.item.evidence_url == "https://grafana.example/d/1"
    optional = kb.checklists.mark(items["staging-extra"].id, "done")
    assert optional.item.state == "done"
    stored = _items(kb.checklists.detail(run.id))
    assert stored["signed-off"].note == "Security (Ana) approved on the 3rd"
    assert [stored[k].state for k in ("signed-off", "staging-checked", "lead-named")] == [
        "done",
        "done",
        "open",
    ]


def test_every_tick_is_recorded_with_who_and_when(
    kb: KnowledgeBase, vendor_id: str, tiny: Path
) -> None:
    run = kb.checklists.start_run(vendor_id, "tiny-rollout")
    lead = _items(kb.checklists.detail(run.id))["lead-named"]
    before = datetime.now(UTC)
    kb.checklists.mark(lead.id, "blocked", reason="waiting for HR")
    kb.checklists.mark(lead.id, None, note="asked twice")
    kb.checklists.mark(lead.id, "done")
    with kb.db.read() as conn:
        ticks = conn.execute(
            "SELECT state, note, blocked_reason, updated_by, created_at FROM checklist_tick"
            " WHERE item_id = ? ORDER BY created_at, id",
            (lead.id,),
        ).fetchall()
    assert [tuple(t)[:4] for t in ticks] == [
        ("blocked", "", "waiting for HR", WHO),
        ("blocked", "asked twice", "waiting for HR", WHO),
        ("done", "asked twice", "", WHO),
    ]
    for tick in ticks:
        moment = datetime.fromisoformat(tick[4]).replace(tzinfo=UTC)
        assert before - timedelta(seconds=1) <= moment <= datetime.now(UTC)


def test_blocking_needs_a_reason_and_blocks_the_run(
    kb: KnowledgeBase, vendor_id: str, tiny: Path
) -> None:
    run = kb.checklists.start_run(vendor_id, "tiny-rollout")
    lead = _items(kb.checklists.detail(run.id))["lead-named"]
    with pytest.raises(FieldError, match="say why"):
        kb.checklists.mark(lead.id, "blocked")
    blocked = kb.checklists.mark(lead.id, "blocked", reason="nobody volunteered")
    assert blocked.run_status == "blocked"
    assert kb.checklists.run(run.id).status == "blocked"
    reopened = kb.checklists.mark(lead.id, "open")
    assert (reopened.run_status, reopened.item.blocked_reason) == ("in_progress", "")
    with pytest.raises(FieldError, match="state: must be one of"):
        kb.checklists.mark(lead.id, "finished")


def test_stages_advance_when_their_required_items_are_settled(
    kb: KnowledgeBase, vendor_id: str, tiny: Path
) -> None:
    run = kb.checklists.start_run(vendor_id, "tiny-rollout")
    entered = run.stage_entered_at
    items = _items(kb.checklists.detail(run.id))
    result = kb.checklists.mark(items["staging-checked"].id, "not_applicable")
    assert result.current_stage == "full", "the optional extra does not hold the stage"
    moved = kb.checklists.run(run.id)
    assert moved.current_stage == "full" and moved.stage_entered_at > entered
    result = kb.checklists.mark(items["staging-checked"].id, "open")
    assert result.current_stage == "staging"
    kb.checklists.mark(items["staging-checked"].id, "done", evidence_url="https://x.example/1")
    assert kb.checklists.mark(items["full-checked"].id, "done").current_stage == ""


def test_completion_needs_every_required_item_and_makes_the_run_read_only(
    kb: KnowledgeBase, vendor_id: str, tiny: Path
) -> None:
    run = kb.checklists.start_run(vendor_id, "tiny-rollout")
    items = _items(kb.checklists.detail(run.id))
    with pytest.raises(KbError, match="4 required items are still open"):
        kb.checklists.complete(run.id)
    kb.checklists.mark(items["lead-named"].id, "blocked", reason="vacation")
    with pytest.raises(KbError, match="1 item is blocked"):
        kb.checklists.complete(run.id)
    kb.checklists.mark(items["lead-named"].id, "done")
    kb.checklists.mark(items["signed-off"].id, "done", note="ok")
    kb.checklists.mark(items["staging-checked"].id, "not_applicable")
    kb.checklists.mark(items["full-checked"].id, "done")
    completed = kb.checklists.complete(run.id[:12])
    assert (completed.status, completed.completed_by) == ("completed", WHO)
    assert completed.read_only and completed.counts["open"] == 1, "the optional item may stay"
    with pytest.raises(KbError, match="read-only"):
        kb.checklists.mark(items["staging-extra"].id, "done")
    with pytest.raises(KbError, match="read-only"):
        kb.checklists.complete(run.id)


def test_a_rollback_is_an_event_on_the_vendor(
    kb: KnowledgeBase, vendor_id: str, tiny: Path
) -> None:
    run = kb.checklists.start_run(vendor_id, "tiny-rollout")
    with pytest.raises(FieldError, match="why"):
        kb.checklists.record_rollback(run.id, why=" ", stage="staging")
    with pytest.raises(FieldError, match="stage: must be one of staging, full"):
        kb.checklists.record_rollback(run.id, why="errors", stage="prepare")
    kb.checklists.record_rollback(
        run.id, why="error rate doubled", stage="full", incident="https://status.example/i/42"
    )
    [event] = kb.card(vendor_id).events
    assert event.kind == "rollback"
    assert event.title == "Rolled back from Stage 2: everyone: error rate doubled"
    assert event.source_url == "https://status.example/i/42"
    assert f"- Who: {WHO}" in event.body
    assert "- Stage: Stage 2: everyone" in event.body
    assert "- Suspected incident: https://status.example/i/42" in event.body
    assert event.updated_by == WHO


def test_exports_list_every_item_with_state_note_evidence_who_and_when(
    kb: KnowledgeBase, vendor_id: str, tiny: Path, tmp_path: Path
) -> None:
    run = kb.checklists.start_run(vendor_id, "tiny-rollout")
    items = _items(kb.checklists.detail(run.id))
    kb.checklists.mark(items["signed-off"].id, "done", note="Ana said yes\n\x1b[31mred")
    kb.checklists.mark(items["staging-checked"].id, "blocked", reason="no dashboard yet")
    kb.checklists.mark(items["staging-checked"].id, None, evidence_url="https://g.example/d")
    markdown = kb.checklists.export_markdown(run.id)
    assert markdown.startswith("# Tiny rollout: Acme Observability\n")
    assert "- Template: tiny-rollout, version 1" in markdown
    assert "## Stage 1: staging" in markdown
    assert "- [ ] **A lead is named**: open" in markdown
    assert f"- [x] **Security signed off**: done, by {WHO} at " in markdown
    assert "  - Note: Ana said yes \\u001b[31mred" in markdown, "one line, escape shown"
    assert f"- [!] **Staging dashboards compared**: blocked, by {WHO}" in markdown
    assert "  - Blocked because: no dashboard yet" in markdown
    assert "  - Evidence: <https://g.example/d>" in markdown
    assert "**An optional extra** (optional): open" in markdown
    assert "\x1b" not in markdown
    data = json.loads(json.dumps(kb.checklists.export_json(run.id)))
    assert data["run"]["template_version"] == 1
    assert data["run"]["counts"] == {"done": 1, "not_applicable": 0, "blocked": 1, "open": 3}
    by_key = {item["key"]: item for item in data["items"]}
    assert by_key["signed-off"]["by"] == WHO and by_key["signed-off"]["at"]
    assert by_key["staging-checked"]["evidence_url"] == "https://g.example/d"
    assert [s["key"] for s in data["stages"]] == ["staging", "full"]
    target = tmp_path / "review.md"
    assert kb.checklists.save_markdown(run.id, target) == target
    assert target.read_text() == markdown


def test_an_export_goes_only_to_a_new_file_the_user_named(
    kb: KnowledgeBase, vendor_id: str, tmp_path: Path
) -> None:
    run = kb.checklists.start_run(vendor_id, "sunset")
    kept = write(tmp_path / "kept.md", "someone's notes")
    refusals = {
        str(kept): "already exists; give a new file name",
        str(tmp_path): "is a folder; give a file name inside it",
        str(tmp_path / "missing" / "x.md"): "does not exist; create it or choose another",
        "  ": "Give a file name to export to",
    }
    for path, sentence in refusals.items():
        with pytest.raises(KbError, match=sentence):
            kb.checklists.save_markdown(run.id, Path(path))
    assert kept.read_text() == "someone's notes"
    assert list(tmp_path.rglob("*.md")) == [kept], "nothing else was written"


def test_offers_follow_status_and_pii_and_are_not_repeated(
    kb: KnowledgeBase, vendor_id: str
) -> None:
    service = kb.checklists
    assert service.offer_for_status(vendor_id, "production") is None
    assert service.offer_for_status(vendor_id, "sunsetting").key == "sunset"
    assert service.offer_for_data_category(vendor_id, "none") is None
    assert service.offer_for_data_category(vendor_id, "high").key == "new-data-category"
    service.start_run(vendor_id, "sunset")
    assert service.offer_for_status(vendor_id, "sunsetting") is None


def test_unknown_runs_items_and_vendors_are_one_sentence(kb: KnowledgeBase, vendor_id: str) -> None:
    with pytest.raises(KbError, match="no checklist run 'nope'"):
        kb.checklists.run("nope")
    with pytest.raises(KbError, match="no longer exists"):
        kb.checklists.mark("no-such-item", "done")
    with pytest.raises(KbError, match="no checklist template called 'nope'"):
        kb.checklists.start_run(vendor_id, "nope")
    from vendortui.models import Vendor

    kb.delete(Vendor, vendor_id)
    with pytest.raises(KbError, match="vendor was deleted"):
        kb.checklists.start_run(vendor_id, "rollout")


def test_demo_runs_obey_the_walking_rules(kb: KnowledgeBase) -> None:
    assert load_demo(kb) == 15
    runs = kb.checklists.runs()
    assert runs, "the demo names checklist runs"
    for run in runs:
        detail = kb.checklists.detail(run.id)
        for item in detail.items:
            if item.state == "done":
                assert item.missing == "", "a demo done item has its note or link"
        if run.status == "completed":
            assert run.completed_at is not None and run.read_only
            assert run.counts["open"] == 0
    completed = [r for r in runs if r.template_key == "annual-review" and r.completed_at]
    assert completed and all(r.completed_at > r.started_at for r in completed)

"""Due-date arithmetic (leap years, time zones, clocks) and the checklist rules of the due list."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.checklists.conftest import SMALL, write
from tests.checklists.past_runs import add_past_run
from vendortui.app.checklists import clock, due
from vendortui.app.kb import KnowledgeBase
from vendortui.models import Setting, Vendor

pytestmark = pytest.mark.both_backends

LA = ZoneInfo("America/Los_Angeles")
AUCKLAND = ZoneInfo("Pacific/Auckland")
TOKYO = ZoneInfo("Asia/Tokyo")


# Pure arithmetic ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last", "cadence", "tz", "expected"),
    [
        (datetime(2023, 3, 1, 12, tzinfo=UTC), 365, UTC, date(2024, 2, 29)),
        (datetime(2024, 2, 29, 12, tzinfo=UTC), 365, UTC, date(2025, 2, 28)),
        (datetime(2024, 2, 29, 12, tzinfo=UTC), 366, UTC, date(2025, 3, 1)),
        (datetime(2024, 2, 29, 12, tzinfo=UTC), 730, UTC, date(2026, 2, 28)),
        (datetime(2027, 3, 1, 12, tzinfo=UTC), 365, UTC, date(2028, 2, 29)),
        (datetime(2024, 2, 29, 12, tzinfo=UTC), 180, UTC, date(2024, 8, 27)),
        # 29 Feb, 23:30 in San Francisco is already 1 March in UTC and in Auckland.
        (datetime(2024, 3, 1, 7, 30, tzinfo=UTC), 365, LA, date(2025, 2, 28)),
        (datetime(2024, 3, 1, 7, 30, tzinfo=UTC), 365, UTC, date(2025, 3, 1)),
        (datetime(2024, 2, 29, 11, 30, tzinfo=UTC), 365, AUCKLAND, date(2025, 3, 1)),
        # A review on the night clocks spring forward still counts whole days.
        (datetime(2026, 3, 8, 10, 30, tzinfo=UTC), 365, LA, date(2027, 3, 8)),
    ],
)
def test_review_due_dates(last: datetime, cadence: int, tz: ZoneInfo, expected: date) -> None:
    assert clock.review_due(last, cadence, tz) == expected


def test_naive_moments_are_read_as_utc() -> None:
    assert clock.local_day(datetime(2024, 2, 29, 23, 30), TOKYO) == date(2024, 3, 1)


def test_a_stage_is_stalled_only_after_more_than_the_limit() -> None:
    entered = datetime(2026, 1, 1, 23, 0, tzinfo=UTC)  # 2 January in Tokyo
    assert clock.stalled_since(entered, 14, UTC) == date(2026, 1, 16)
    assert clock.stalled_since(entered, 14, TOKYO) == date(2026, 1, 17)
    assert clock.parse_stall_days("30") == 30
    for nonsense in (None, "", "soon", "0", "-3"):
        assert clock.parse_stall_days(nonsense) == clock.DEFAULT_STALL_DAYS


def test_the_breach_clock_runs_72_hours_across_a_leap_day_and_dst() -> None:
    [deadline] = clock.deadlines_for("breach-response")
    started = datetime(2028, 2, 27, 22, 0, tzinfo=UTC)
    assert deadline.due_at(started) == datetime(2028, 3, 1, 22, 0, tzinfo=UTC)
    spring = datetime(2026, 3, 7, 18, 0, tzinfo=LA)  # clocks go forward on the 8th
    assert deadline.due_at(spring).astimezone(LA) == datetime(2026, 3, 10, 19, 0, tzinfo=LA)
    assert clock.time_left(started + timedelta(hours=31), started) == "in 31 hours"
    assert clock.time_left(started, started + timedelta(hours=5)) == "5 hours ago"
    assert clock.time_left(started + timedelta(minutes=20), started) == "in 20 minutes"
    assert clock.show_moment(started, TOKYO) == "2028-02-28 07:00 JST"
    assert clock.deadlines_for("sunset") == ()


# Rules over a real file -----------------------------------------------------------------------


def _rules(kb: KnowledgeBase, today: date, within: int = 30, **kwargs: object) -> list[tuple]:
    with kb.db.read() as conn:
        items = list(due.checklist_rules(conn, today, within, **kwargs))
    return [(i.kind, i.severity, i.when, i.why, i.todo) for i in items]


def _review(kb: KnowledgeBase, vendor_id: str, completed: datetime) -> None:
    add_past_run(kb, vendor_id, "annual-review", completed - timedelta(days=2), completed, [])


def test_annual_review_due_one_cadence_after_the_last_completed(
    kb: KnowledgeBase, vendor_id: str
) -> None:
    _review(kb, vendor_id, datetime(2023, 3, 1, 12, tzinfo=UTC))
    _review(kb, vendor_id, datetime(2024, 3, 1, 7, 30, tzinfo=UTC))  # 29 Feb in LA
    assert _rules(kb, date(2025, 1, 1), tz=LA) == []
    [(kind, severity, when, why, todo)] = _rules(kb, date(2025, 2, 1), tz=LA)
    assert (kind, severity, when) == ("review_due", "due", date(2025, 2, 28))
    assert why == (
        "Annual review due 2025-02-28 (in 27 days; every 365 days, last completed 2024-02-29)"
    )
    assert todo == (
        "Start an annual review: `vendortui checklist start acme-observability annual-review`."
    )
    assert _rules(kb, date(2025, 2, 28), tz=LA)[0][1:3] == ("due", date(2025, 2, 28))
    assert "(today;" in _rules(kb, date(2025, 2, 28), tz=LA)[0][3]
    [(_, severity, when, why, _)] = _rules(kb, date(2025, 3, 1), tz=LA)
    assert (severity, when) == ("overdue", date(2025, 2, 28))
    assert why.startswith("Annual review overdue since 2025-02-28 (1 days;")
    assert _rules(kb, date(2025, 3, 1), tz=UTC)[0][1:3] == ("due", date(2025, 3, 1))
    assert _rules(kb, date(2025, 2, 1), within=10, tz=LA) == []


def test_the_cadence_follows_risk_tier_and_the_vendors_own_setting(
    kb: KnowledgeBase, vendor_id: str
) -> None:
    _review(kb, vendor_id, datetime(2024, 2, 29, 12, tzinfo=UTC))
    kb.update(Vendor, vendor_id, risk_tier="critical")
    assert _rules(kb, date(2024, 8, 1), tz=UTC)[0][2] == date(2024, 8, 27)
    kb.update(Vendor, vendor_id, review_cadence_days="90")
    assert _rules(kb, date(2024, 5, 1), tz=UTC)[0][2] == date(2024, 5, 29)
    kb.update(Vendor, vendor_id, status="evaluating")
    assert _rules(kb, date(2030, 1, 1), tz=UTC) == [], "only vendors we depend on owe reviews"


def test_a_vendor_never_reviewed_counts_from_when_it_was_added(
    kb: KnowledgeBase, vendor_id: str
) -> None:
    added = kb.card(vendor_id).vendor.created_at
    assert _rules(kb, added.date() + timedelta(days=300), tz=UTC) == []
    [(_, severity, when, why, _)] = _rules(kb, added.date() + timedelta(days=400), tz=UTC)
    assert (severity, when) == ("overdue", added.date() + timedelta(days=365))
    assert f"none completed since the vendor was added {added.date()}" in why
    kb.checklists.start_run(vendor_id, "annual-review")
    [(_, _, _, _, todo)] = _rules(kb, added.date() + timedelta(days=400), tz=UTC)
    assert todo == f"Finish the annual review started {date.today()}."


def test_blocked_items_are_listed_with_their_reason(kb: KnowledgeBase, vendor_id: str) -> None:
    run = kb.checklists.start_run(vendor_id, "keep-the-lights-on")
    item = kb.checklists.detail(run.id).items[1]
    kb.checklists.mark(item.id, "blocked", reason="backup is on leave until May")
    [(kind, severity, when, why, todo)] = [
        r for r in _rules(kb, date.today()) if r[0] == "checklist_blocked"
    ]
    assert (kind, severity, when) == ("checklist_blocked", "due", date.today())
    assert why.startswith('Keep the lights on: blocked on "A backup is named, has admin')
    assert why.endswith("(backup is on leave until May)")
    assert run.id in todo
    kb.checklists.mark(item.id, "open")
    assert not [r for r in _rules(kb, date.today()) if r[0] == "checklist_blocked"]


def test_a_rollout_stalled_in_a_stage_uses_the_setting(kb: KnowledgeBase, vendor_id: str) -> None:
    started = datetime(2026, 1, 1, 12, tzinfo=UTC)
    add_past_run(kb, vendor_id, "rollout", started, None, [])
    stalled = [r for r in _rules(kb, date(2026, 1, 15), tz=UTC) if r[0] == "rollout_stalled"]
    assert stalled == []
    [(_, severity, when, why, _)] = [
        r for r in _rules(kb, date(2026, 1, 20), tz=UTC) if r[0] == "rollout_stalled"
    ]
    assert (severity, when) == ("due", date(2026, 1, 16))
    assert why == (
        'Rollout has been in "Stage 1: staging or dev-test" since 2026-01-01 (19 days; '
        "the limit is 14)"
    )
    with kb.db.write() as session:
        session.add(Setting(key="rollout_stall_days", value="30"))
    assert not [r for r in _rules(kb, date(2026, 1, 20), tz=UTC) if r[0] == "rollout_stalled"]
    assert [r for r in _rules(kb, date(2026, 2, 1), tz=UTC) if r[0] == "rollout_stalled"]


def test_the_breach_notification_clock_until_the_regulator_item_is_settled(
    kb: KnowledgeBase, vendor_id: str
) -> None:
    run = kb.checklists.start_run(vendor_id, "breach-response")
    started = run.started_at
    early = _rules(kb, date.today(), now=started + timedelta(hours=10), tz=UTC)
    [(kind, severity, when, why, _)] = [r for r in early if r[0] == "checklist_deadline"]
    assert (kind, severity) == ("checklist_deadline", "due")
    assert when == (started + timedelta(hours=72)).date()
    assert "72-hour regulator notification due" in why and "(in 62 hours)" in why
    late = _rules(kb, date.today(), now=started + timedelta(hours=80), tz=UTC)
    assert [r[1] for r in late if r[0] == "checklist_deadline"] == ["overdue"]
    detail = kb.checklists.detail(run.id)
    assert [d.met for d in detail.deadlines] == [False]
    regulator = next(i for i in detail.items if i.item_key == "regulator-notified")
    kb.checklists.mark(regulator.id, "done", note="Notified the ICO at 14:05, case 1234")
    after = _rules(kb, date.today(), now=started + timedelta(hours=80), tz=UTC)
    assert not [r for r in after if r[0] == "checklist_deadline"]
    assert [d.met for d in kb.checklists.detail(run.id).deadlines] == [True]


def test_the_rules_are_part_of_the_one_due_list(kb: KnowledgeBase, vendor_id: str) -> None:
    run = kb.checklists.start_run(vendor_id, "breach-response")
    kb.checklists.mark(kb.checklists.detail(run.id).items[0].id, "blocked", reason="no notice")
    kinds = {item.kind for item in kb.attention()}
    assert {"checklist_blocked", "checklist_deadline", "no_lead"} <= kinds


def test_a_team_review_template_counts_as_an_annual_review(
    kb: KnowledgeBase, vendor_id: str, tmp_path: Path
) -> None:
    team = SMALL.replace("tiny-rollout", "team-review").replace(
        "kind: rollout", "kind: annual-review"
    )
    team = team.replace("    stage: true\n", "")
    kb.checklists.import_template(write(tmp_path / "team-review.yaml", team))
    completed = datetime(2025, 6, 1, 12, tzinfo=UTC)
    add_past_run(kb, vendor_id, "team-review", completed, completed, [])
    [(_, severity, when, _, _)] = _rules(kb, date(2026, 6, 1), tz=UTC)
    assert (severity, when) == ("due", date(2026, 6, 1))

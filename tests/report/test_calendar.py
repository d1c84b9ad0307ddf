"""``vendortui calendar``: the due list as iCalendar, parsed back with the ``icalendar`` library.

The file is read the way a calendar app reads it (``Calendar.from_ical``), so each assertion is
about what an importer sees: one all-day event per dated due item, a reminder, UIDs that do
not move between exports, and untrusted names that stay text.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.planting import plant
from vendortui.app.attention import attention
from vendortui.app.calendar_feed import KINDS, calendar_bytes, uid_for
from vendortui.app.kb import KnowledgeBase

TODAY = date(2026, 12, 3)
NOW = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)


def vendortui(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "vendortui", *args], capture_output=True, timeout=60
    )


def _parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def _events(data: bytes) -> dict[str, object]:
    return {str(event["UID"]): event for event in _parse(data).walk("VEVENT")}


@pytest.fixture
def due_kb(kb: KnowledgeBase) -> KnowledgeBase:
    """A contract ending soon (cancel-by), a production vendor reviewed long ago, a runbook
    verified long ago."""
    acme = kb.add_vendor(
        "Acme", status="production", risk_tier="high", contract_end=date(2027, 2, 1), notice_days=30
    )
    plant(kb.path, "vendor", acme.id, created_at="2025-01-10 00:00:00.000000")
    with kb.db.read() as conn:
        runbook_id = conn.execute(
            "SELECT id FROM runbook WHERE vendor_id = ?", (acme.id,)
        ).fetchone()[0]
    plant(kb.path, "runbook", runbook_id, verified_at="2026-10-01 00:00:00.000000")
    return kb


def _read(kb: KnowledgeBase, within: int = 90, now: datetime = NOW) -> bytes:
    with kb.db.read() as conn:
        return calendar_bytes(conn, TODAY, within, now)


def test_every_dated_due_item_is_an_all_day_event_with_a_reminder(due_kb: KnowledgeBase) -> None:
    data = _read(due_kb)
    cal = _parse(data)
    assert str(cal["VERSION"]) == "2.0" and "vendortui" in str(cal["PRODID"])
    with due_kb.db.read() as conn:
        expected = [i for i in attention(conn, TODAY, 90) if i.kind in KINDS and i.when]
    assert {i.kind for i in expected} == {"cancel_by", "review_due", "runbook_stale"}
    events = _events(data)
    assert len(events) == len(expected)
    for item in expected:
        event = events[uid_for(item.vendor_id, item.kind)]
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is date and start == item.when, "an all-day event on the due date"
        assert end == item.when + timedelta(days=1)
        assert str(event["SUMMARY"]) == f"{KINDS[item.kind]}: Acme"
        assert item.why in str(event["DESCRIPTION"]) and item.todo in str(event["DESCRIPTION"])
        (alarm,) = event.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY" and str(alarm["DESCRIPTION"])
        assert alarm.decoded("TRIGGER") < timedelta(0), "the reminder comes before the day"
    cancel = events[uid_for(expected[0].vendor_id, "cancel_by")]
    assert cancel.decoded("DTSTART") == date(2027, 1, 2), "30 days' notice before 2027-02-01"


def test_uids_stay_and_sequence_and_dtstamp_move_forward_between_exports(
    due_kb: KnowledgeBase,
) -> None:
    first = _events(_read(due_kb))
    later = NOW + timedelta(days=1, minutes=7)
    second = _events(_read(due_kb, now=later))
    assert set(first) == set(second), "re-importing updates the same events"
    assert all(uid.endswith("@vendortui") for uid in first)
    for uid, event in second.items():
        assert event.decoded("DTSTAMP") == later.replace(second=0, microsecond=0)
        assert event.decoded("DTSTAMP").tzinfo is not None, "DTSTAMP is UTC"
        assert int(event["SEQUENCE"]) > int(first[uid]["SEQUENCE"])
    assert _read(due_kb) == _read(due_kb), "same data, same moment: same bytes"


def test_the_window_limits_future_items_but_keeps_overdue_ones(due_kb: KnowledgeBase) -> None:
    def kinds(within: int) -> set[str]:
        return {uid.split("@")[0].split(".")[1] for uid in _events(_read(due_kb, within))}

    # The review is overdue; the cancel-by date (2027-01-02) is inside the due list's own
    # 60-day warning; the runbook falls due 2026-12-30, 27 days from TODAY.
    assert kinds(0) == kinds(26) == {"review_due", "cancel_by"}
    assert kinds(27) == {"review_due", "cancel_by", "runbook_stale"}


def test_two_stalled_rollouts_of_one_vendor_get_distinct_stable_uids(kb: KnowledgeBase) -> None:
    acme = kb.add_vendor("Acme", status="rolling_out")
    runs = [kb.checklists.start_run(acme.id, "rollout") for _ in range(2)]
    for run, entered in zip(runs, ("2026-10-01", "2026-11-01"), strict=True):
        plant(kb.path, "checklist_run", run.id, stage_entered_at=f"{entered} 08:00:00.000000")
    uids = sorted(u for u in _events(_read(kb)) if ".rollout_stalled" in u)
    assert uids == sorted(
        [uid_for(acme.id, "rollout_stalled"), uid_for(acme.id, "rollout_stalled", 2)]
    )
    assert sorted(_events(_read(kb))) == sorted(_events(_read(kb)))


HOSTILE = "Evil, Inc.; \x1b[31mred\x07\nDTSTART:19700101\r\nEND:VEVENT\u202e"


def test_hostile_vendor_names_stay_text(due_kb: KnowledgeBase) -> None:
    (vendor_id,) = [row.id for row in due_kb.vendor_rows()]
    plant(due_kb.path, "vendor", vendor_id, name=HOSTILE)
    data = _read(due_kb)
    assert b"\x1b" not in data and b"\x07" not in data and "\u202e".encode() not in data
    lines = data.split(b"\r\n")
    assert not any(line.startswith((b"DTSTART:1970", b"END:VEVENT\\")) for line in lines)
    events = _events(data)
    assert len(events) == 3, "the name could not end an event or add one"
    for event in events.values():
        summary = str(event["SUMMARY"])
        assert summary.endswith(
            "Evil, Inc.; \\u001b[31mred\\u0007\\nDTSTART:19700101\\r\\nEND:VEVENT\\u202e"
        ), summary
        assert event.decoded("DTSTART").year == 2027 or event.decoded("DTSTART").year == 2026


def test_cli_writes_stdout_or_a_file_and_refuses_bad_paths(
    due_kb: KnowledgeBase, tmp_path: Path
) -> None:
    db = str(due_kb.path)
    printed = vendortui("calendar", "--db", db)
    assert printed.returncode == 0, printed.stderr
    assert len(_events(printed.stdout)) == 3
    target = tmp_path / "due.ics"
    target.write_text("old")
    written = vendortui("calendar", "--within", "400", "--output", str(target), "--db", db)
    assert written.returncode == 0, written.stderr
    assert set(_events(target.read_bytes())) == set(_events(printed.stdout))
    assert list(tmp_path.glob(".due.ics.*")) == [], "no temporary file left"
    for bad, sentence in (
        (str(tmp_path), f"vendortui: {tmp_path} is a folder; give a file name inside it.\n"),
        (
            str(tmp_path / "nope" / "due.ics"),
            f"vendortui: The folder {tmp_path / 'nope'} does not exist; "
            "create it or choose another.\n",
        ),
    ):
        refused = vendortui("calendar", "--output", bad, "--db", db)
        assert (refused.returncode, refused.stderr.decode()) == (2, sentence)
    window = vendortui("calendar", "--within", "-3", "--db", db)
    assert (window.returncode, window.stderr) == (
        2,
        b"vendortui: --within must be between 0 and 3650 days.\n",
    )

"""``y`` copies with OSC 52: the bytes the app really writes to its terminal, and what it
refuses to put on a clipboard.

The end-to-end test runs the app on a pseudo-terminal (Textual's real Linux driver), reads
everything it writes, finds each ``ESC ] 52 ; c ; <base64> BEL`` and decodes it. Hostile
values (an ESC-BEL sequence that tries to plant its own OSC 52, the one-byte CSI U+009B, a
newline in a one-line field, ESC inside a runbook code block) are planted below the write
rules, as an old file or a hand edit would leave them: none may reach the clipboard.
"""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

import pytest
from textual.widgets import OptionList
from textual.widgets._toast import Toast, ToastRack

from tests.planting import plant
from tests.tui.conftest import build
from tests.tui.test_app import SIZE, notes, open_datadog, screen_text
from tests.tui.test_terminal import ROOT, Pty
from tests.waiting import wait_for
from vendortui.app.kb import KnowledgeBase
from vendortui.models import Person
from vendortui.screens.app import VendorTui
from vendortui.screens.clipboard import Copyable, CopyMenu, refusal
from vendortui.screens.people import PeopleScreen

OSC52 = re.compile(rb"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07")
HOSTILE_EMAIL = "mallory@example.com\x1b]52;c;ZXZpbA==\x07"
HOSTILE_PHONE = "+1 555\x9b2J0199"
HOSTILE_CHAT = "@ops\nrm -rf ~"
CODE = "kubectl -n monitoring\tget ds\necho Zoë\n"
HOSTILE_CODE = "echo ok\nprintf '\x1b]52;c;ZXZpbA==\x07'\n"


def copies(output: bytes) -> list[str]:
    """Every clipboard payload in ``output``, decoded."""
    return [base64.b64decode(m.group(1)).decode() for m in OSC52.finditer(output)]


def test_y_writes_osc52_with_exactly_the_value_and_never_hostile_bytes(tmp_path: Path) -> None:
    db = tmp_path / "kb.db"
    kb = KnowledgeBase.open(db)
    ids = build(kb)
    kb.create(Person, name="Zoë Ünal", email="zoë@exämple.com", phone="+44 20 7946 0958")
    mallory = kb.create(Person, name="Mallory", email="mallory@example.com", chat="@ops")
    names = [p.name for p in kb.people()]
    kb.save_runbook(ids["datadog"], f"# Run\n\n```sh\n{CODE}```\n\n## Later\n")
    kb.db.close()
    plant(db, "person", mallory.id, email=HOSTILE_EMAIL, phone=HOSTILE_PHONE, chat=HOSTILE_CHAT)
    env = {**os.environ, "TERM": "xterm-256color", "PYTHONPATH": str(ROOT)}
    app = Pty(db, env)
    try:
        app.expect("3 of 3 vendors")
        app.send("p")
        app.expect("Mallory")
        app.send("j" * names.index("Zoë Ünal") + "y")
        app.expect("Copy to the clipboard")
        app.send("1")
        app.expect("Copied e-mail")
        assert copies(app.output) == ["zoë@exämple.com"]  # UTF-8, byte for byte
        app.send("y2")
        app.expect("Copied phone number")
        assert copies(app.output) == ["+44 20 7946 0958"]
        # Mallory's row: every value but the name holds a hidden character.
        app.send("k" * (names.index("Zoë Ünal") - names.index("Mallory")) + "y")
        app.expect("Copy to the clipboard")
        # Each wait names its own refusal: a plain "Not copied" also matched the previous
        # toast whenever the screen was redrawn, before this key had been handled.
        for key, label in zip("123", ("e-mail", "phone number", "chat handle"), strict=True):
            app.send(key)
            app.expect(f"Not copied: {label} holds")
            assert b"\x1b]52" not in app.output
            app.send("y")
            app.expect("Copy to the clipboard")
            assert b"\x1b]52" not in app.output
        app.send("4")
        app.expect("Copied name")
        assert copies(app.output) == ["Mallory"]
        app.send("\x1b")  # alone: ESC followed by "/" in one read is alt+/
        app.expect("Needs attention")
        app.send("/datadog\r")
        app.expect("Risk tier")
        app.send("4")
        app.expect("monitoring")
        app.send("y")
        app.expect("Copied code block")
        assert copies(app.output) == [CODE]
    finally:
        app.close()
    kb = KnowledgeBase.open(db)
    kb.save_runbook(ids["datadog"], f"# Run\n\nPlanted below.\n\n```sh\n{HOSTILE_CODE}```\n")
    kb.db.close()
    app = Pty(db, env)
    try:
        app.expect("3 of 3 vendors")
        app.send("/datadog\r")
        app.expect("Risk tier")
        app.send("4")
        app.expect("Planted below")
        app.send("y")
        app.expect("Not copied")
        assert b"\x1b]52" not in app.output
    finally:
        app.close()


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("a\x1b]0;pwned\x07", "\\u001b"),  # ESC (and BEL after it)
        ("ring\x07", "\\u0007"),  # BEL alone
        ("csi\x9b2J", "\\u009b"),  # the one-byte C1 CSI
        ("two\nlines", "\\n"),  # a line break in a one-line value
        ("tab\there", "\\t"),
        ("evil\u202egnp.exe", "\\u202e"),  # bidi override
        ("zero\u200bwidth", "\\u200b"),
        ("cr\r", "\\r"),
    ],
)
def test_a_one_line_value_with_a_hidden_character_is_refused_by_name(
    value: str, shown: str
) -> None:
    problem = refusal(Copyable("e-mail", value))
    assert problem is not None
    assert problem.startswith("Not copied: e-mail holds a hidden character")
    assert shown in problem
    assert not any(c in problem for c in "\x1b\x07\x9b\n\t\r\u202e\u200b")


@pytest.mark.parametrize("value", ["a\x1bb", "bell\x07", "c1\x9b", "cr\ronly", "\u2028"])
def test_a_multi_line_value_keeps_lines_and_tabs_but_refuses_controls(value: str) -> None:
    assert refusal(Copyable("code block", "line\n\tindented\r\n", True)) is None
    assert Copyable("code block", "a\r\nb", True).text == "a\nb"
    assert refusal(Copyable("code block", value, True)) is not None


def test_an_empty_value_is_refused_and_a_huge_one_is_not() -> None:
    assert refusal(Copyable("phone number", "")) == "Nothing to copy: phone number is empty."
    assert refusal(Copyable("code block", "x" * 3_000_000, True)) is None


async def test_people_screen_menu_copies_the_picked_value(tui: VendorTui) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "vendors" in str(tui.screen.query_one("#count").render()))
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(tui.screen, PeopleScreen) and tui.screen.people)
        screen = tui.screen
        assert isinstance(screen, PeopleScreen)
        row = next(i for i, p in enumerate(screen.people) if p.name == "Priya Raman")
        await pilot.press(*"j" * row, "y")
        await wait_for(pilot, lambda: isinstance(tui.screen, CopyMenu), "the copy menu")
        prompts = [
            str(o.prompt) for o in tui.screen.query_one(OptionList).options
        ]  # e-mail, phone, name: Priya has no chat handle
        assert prompts == [
            "1 e-mail: priya@example.com",
            "2 phone number: +1-555-0142",
            "3 name: Priya Raman",
        ]
        await pilot.press("2")
        await wait_for(pilot, lambda: tui.clipboard == "+1-555-0142", "the phone number copied")
        assert "Copied phone number: +1-555-0142" in notes(tui)
        await pilot.press("y", "escape")
        await wait_for(pilot, lambda: tui.screen is screen, "the menu closed")
        assert tui.clipboard == "+1-555-0142"


async def test_overview_offers_lead_and_backup_first(tui: VendorTui) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        await open_datadog(pilot)
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(tui.screen, CopyMenu), "the copy menu")
        labels = [item.label for item in tui.screen.items]
        assert labels[:3] == [
            "lead Priya Raman's e-mail",
            "lead Priya Raman's phone number",
            "backup Marcus Oyelaran's e-mail",
        ]
        assert labels[-2:] == ["website", "slug"]
        await pilot.press("enter")
        await wait_for(pilot, lambda: tui.clipboard == "priya@example.com", "the lead's e-mail")


async def test_auth_tab_copies_a_finding(tui: VendorTui, tui_kb: KnowledgeBase) -> None:
    """A real probe run's finding goes to the clipboard with its check id and hint."""
    from tests.tui.test_probes_tui import _add_probe

    _add_probe(tui_kb, "datadog", "discovery")
    async with tui.run_test(size=SIZE) as pilot:
        await open_datadog(pilot)
        await pilot.press("6")
        await wait_for(pilot, lambda: "never run" in screen_text(tui), "the probes")
        await pilot.press("r")
        await wait_for(pilot, lambda: "UNREACHABLE" in screen_text(tui), "the verdict")
        await pilot.press("y")
        await wait_for(pilot, lambda: tui.clipboard.startswith("net.refused: "), "the finding")
        assert "refused the connection" in tui.clipboard
        assert "Copied discovery net.refused (1 line)" in notes(tui)


async def test_each_notice_is_whole_on_an_80x24_screen_however_many_came_before(
    tui: VendorTui, tui_kb: KnowledgeBase
) -> None:
    """At 80x24 a notice is 40 cells wide and a refusal wraps to four lines, so six notices
    stacked taller than the screen and Textual drew the newest below the bottom edge: the
    one saying what was just copied. Here every notice stays up for a minute (as on a slow
    machine, where they pile up) and each must be on screen, whole, once its key is handled."""
    mallory = tui_kb.create(Person, name="Mallory", email="mallory@example.com", chat="@ops")
    plant(
        tui_kb.db.path,
        "person",
        mallory.id,
        email=HOSTILE_EMAIL,
        phone=HOSTILE_PHONE,
        chat=HOSTILE_CHAT,
    )
    tui.NOTIFICATION_TIMEOUT = 60

    def shown_whole(start: str) -> bool:
        height = tui.screen.size.height
        rack = tui.screen.get_child_by_type(ToastRack)
        toasts = list(rack.query(Toast))
        return (
            bool(toasts)
            and str(toasts[-1].render()).startswith(start)
            and all(t.region.y >= 0 and t.region.bottom < height for t in toasts)
            and start in screen_text(tui)
        )

    async with tui.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for(pilot, lambda: "vendors" in str(tui.screen.query_one("#count").render()))
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(tui.screen, PeopleScreen) and tui.screen.people)
        screen = tui.screen
        assert isinstance(screen, PeopleScreen)
        names = [p.name for p in screen.people]
        steps = [
            ("j" * names.index("Priya Raman"), "1", "Copied e-mail"),
            ("", "2", "Copied phone number"),
            (
                "k" * (names.index("Priya Raman") - names.index("Mallory")),
                "1",
                "Not copied: e-mail",
            ),
            ("", "2", "Not copied: phone number"),
            ("", "3", "Not copied: chat handle"),
            ("", "4", "Copied name: Mallory"),
        ]
        for move, pick, notice in steps:
            await pilot.press(*move, "y")
            await wait_for(pilot, lambda: isinstance(tui.screen, CopyMenu), "the copy menu")
            await pilot.press(pick)
            await wait_for(pilot, lambda n=notice: shown_whole(n), f"{notice!r} on screen, whole")
        # Up for a minute, the first notices made way for the newer ones (else no test).
        assert "Copied e-mail" not in notes(tui)

"""Drive the real app with Pilot on a temporary knowledge base: every flow an on-call engineer
uses, and the guarantees about untrusted text."""

from __future__ import annotations

import os
import stat
from contextlib import nullcontext
from pathlib import Path

import pytest
from rich.console import Console
from textual.command import CommandList
from textual.pilot import Pilot
from textual.widgets import Input, Select, TextArea

from tests.planting import plant
from tests.tui.conftest import NOW
from tests.waiting import wait_for
from vendortui.app.kb import KnowledgeBase
from vendortui.app.queries import filter_rows
from vendortui.screens.app import VendorTui
from vendortui.screens.block_view import BlockView
from vendortui.screens.confirm import ConfirmScreen
from vendortui.screens.forms import FormScreen
from vendortui.screens.help import HelpScreen
from vendortui.screens.home import HomeScreen
from vendortui.screens.runbook import RunbookEditor
from vendortui.screens.vendor import VendorScreen
from vendortui.screens.vendor_list import AttentionList, VendorList

SIZE = (120, 40)


def screen_text(app: VendorTui) -> str:
    """What the terminal would show, as plain text."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def home(pilot: Pilot[None]) -> None:
    """Wait until the home screen shows its vendors and what needs attention."""
    await wait_for(pilot, lambda: "Needs attention (" in screen_text(pilot.app), "home")


async def on_vendor(pilot: Pilot[None], name: str) -> VendorScreen:
    """Wait until ``name``'s card is on screen."""
    app = pilot.app
    await wait_for(
        pilot,
        lambda: getattr(app.screen, "vendor_name", "") == name and "Risk tier" in screen_text(app),
        f"{name}'s card",
    )
    assert isinstance(app.screen, VendorScreen)
    return app.screen


async def on_form(pilot: Pilot[None]) -> FormScreen:
    """Wait until a form is open with its first field focused."""
    app = pilot.app
    await wait_for(
        pilot, lambda: isinstance(app.screen, FormScreen) and app.focused is not None, "a form"
    )
    assert isinstance(app.screen, FormScreen)
    return app.screen


def error_under(form: FormScreen, field: str) -> str:
    return str(form.query_one(f"#error-{field}").render())


async def open_datadog(pilot: Pilot[None]) -> VendorScreen:
    await home(pilot)
    await pilot.press("slash", *"datadog", "enter")
    return await on_vendor(pilot, "Datadog")


async def runbook_text(pilot: Pilot[None], *expected: str) -> str:
    """Wait until the runbook tab shows every ``expected`` text; return what it shows."""
    view = pilot.app.screen.query_one(BlockView)
    await wait_for(pilot, lambda: all(e in view.visible_text() for e in expected), "the runbook")
    return view.visible_text()


def palette_hit(app: VendorTui) -> str:
    """The highlighted hit of the open command palette ("" if none yet)."""
    hits = app.screen.query_one(CommandList)
    if hits.highlighted is None:
        return ""
    return str(hits.get_option_at_index(hits.highlighted).prompt).split("\n")[0]


def notes(app: VendorTui) -> str:
    """Every notification shown so far, one per line."""
    return "\n".join(n.message for n in app._notifications)


def card(kb: KnowledgeBase, slug: str = "datadog"):  # type: ignore[no-untyped-def]
    return kb.card(kb.find_vendor_id(slug))


async def test_home_lists_vendors_and_attention(tui: VendorTui) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        await home(pilot)
        vendors = tui.screen.query_one(VendorList)
        assert [row.name for row in vendors.items] == ["Datadog", "LaunchDarkly", "Okta"]
        attention = tui.screen.query_one(AttentionList)
        reasons = {(item.vendor, item.kind) for item in attention.items}
        # Okta is in production with no lead; Datadog's cancel-by date (2025-07-02) is near.
        assert ("Okta", "no_lead") in reasons
        assert ("Datadog", "cancel_by") in reasons
        text = screen_text(tui)
        assert "Needs attention" in text
        assert "3 of 3 vendors" in text


async def test_filter_as_you_type_then_enter_opens(tui: VendorTui) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        await home(pilot)
        await pilot.press("slash", "l", "a", "u")
        vendors = tui.screen.query_one(VendorList)
        assert [row.name for row in vendors.items] == ["LaunchDarkly"]
        assert "1 of 3 vendors" in screen_text(tui)
        # Backspace and retyping reuse cached results; they must equal a fresh filter.
        all_rows = tui.screen.rows
        await pilot.press("backspace", "backspace")
        assert vendors.items == filter_rows(all_rows, "l")
        await pilot.press("space", "o")
        assert vendors.items == filter_rows(all_rows, "l o")
        await pilot.press("escape")
        assert len(vendors.items) == 3
        await pilot.press("slash", *"okta", "enter")
        await on_vendor(pilot, "Okta")


async def test_j_k_and_mouse_move_the_cursor(tui: VendorTui) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        await home(pilot)
        vendors = tui.screen.query_one(VendorList)
        await pilot.press("j", "j")
        assert vendors.current is not None and vendors.current.name == "Okta"
        await pilot.press("k")
        assert vendors.current.name == "LaunchDarkly"
        # Row 0 of the widget is the header; row 1 is the first vendor.
        await pilot.click(VendorList, offset=(5, 1))
        assert vendors.current.name == "Datadog"
        await pilot.double_click(VendorList, offset=(5, 3))
        await on_vendor(pilot, "Okta")


async def test_vendor_overview_shows_the_card(tui: VendorTui) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        await open_datadog(pilot)
        text = screen_text(tui)
        for expected in (
            "production",
            "high",
            "Priya Raman",
            "priya@example.com",
            "Marcus Oyelaran",
            "SRE: Marcus Oyelaran",
            "Claire Dubois (Datadog)",
            "Application logs",
            "moderate",
            "SAML",
            "webauthn, totp",
            "WebAuthn enforced yes",
            "2025-07-02 (in 30 days)",  # cancel-by = 2025-08-01 minus 30 days notice
            "Data deleted within 30 days",
            "Delayed metric ingestion in US1",
        ):
            assert expected in text, expected
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(tui.screen, HomeScreen), "home")


async def test_rolling_out_shows_stage_and_percentage(tui: VendorTui) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        await home(pilot)
        assert "rolling out (canary, 10%)" in screen_text(tui)
        await pilot.press("slash", *"launch", "enter")
        await on_vendor(pilot, "LaunchDarkly")
        text = screen_text(tui)
        assert "rolling out (canary, 10%)" in text
        assert "SSO costs a higher plan" in text


async def test_edit_vendor_refuses_a_bad_date_next_to_the_field(
    tui: VendorTui, tui_kb: KnowledgeBase
) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        await open_datadog(pilot)
        await pilot.press("e")
        form = await on_form(pilot)
        form.query_one("#field-contract_end", Input).value = "2025-13-45"
        form.query_one("#field-category", Input).value = "monitoring"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "is not a date" in error_under(form, "contract_end"))
        assert tui.screen is form, "a refused form stays open"
        assert "'2025-13-45' is not a date" in error_under(form, "contract_end")
        assert card(tui_kb).vendor.category == "observability", "nothing was written"
        form.query_one("#field-contract_end", Input).value = "2025-09-01"
        await pilot.press("ctrl+s")
        # The form itself shows "monitoring" until it closes: wait for the card behind it.
        await wait_for(
            pilot,
            lambda: isinstance(tui.screen, VendorScreen) and "monitoring" in screen_text(tui),
            "the saved category on the card",
        )
        vendor = card(tui_kb).vendor
        assert vendor.category == "monitoring"
        assert str(vendor.contract_end) == "2025-09-01"
        assert vendor.updated_by == "tester@example.com"


async def test_add_vendor_with_empty_name_is_refused(tui: VendorTui, tui_kb: KnowledgeBase) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        await home(pilot)
        await pilot.press("a")
        form = await on_form(pilot)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "must not be empty" in error_under(form, "name"))
        form.query_one("#field-name", Input).value = "Honeycomb"
        await pilot.press("ctrl+s")
        await on_vendor(pilot, "Honeycomb")
        assert tui_kb.find_vendor_id("honeycomb")


async def test_add_an_event(tui: VendorTui, tui_kb: KnowledgeBase) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        await open_datadog(pilot)
        await pilot.press("5", "a")
        form = await on_form(pilot)
        form.query_one("#field-kind", Select).value = "breach"
        form.query_one("#field-occurred_at", Input).value = "yesterday"
        form.query_one("#field-title", Input).value = "Vendor breach notice"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "is not a date" in error_under(form, "occurred_at"))
        form.query_one("#field-occurred_at", Input).value = "2025-06-01 08:00"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Vendor breach notice" in screen_text(tui), "the event")
        assert isinstance(tui.screen, VendorScreen)
        events = card(tui_kb).events
        assert events[0].title == "Vendor breach notice"
        assert events[0].kind == "breach"


async def test_add_and_delete_a_role(tui: VendorTui, tui_kb: KnowledgeBase) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        await open_datadog(pilot)
        await pilot.press("2", "a")
        form = await on_form(pilot)
        priya = next(p for p in tui_kb.people() if p.name == "Priya Raman")
        form.query_one("#field-person_id", Select).value = priya.id
        form.query_one("#field-kind", Select).value = "security_contact"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "security contact" in screen_text(tui), "the new role")
        kinds = [line.role.kind for line in card(tui_kb).roles]
        assert "security_contact" in kinds
        before = len(card(tui_kb).roles)
        await pilot.press("ctrl+d")
        assert isinstance(tui.screen, ConfirmScreen)
        await pilot.press("y")
        await wait_for(pilot, lambda: len(card(tui_kb).roles) == before - 1, "the role gone")


async def test_add_a_data_category(tui: VendorTui, tui_kb: KnowledgeBase) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        await open_datadog(pilot)
        await pilot.press("3", "a")
        form = await on_form(pilot)
        form.query_one("#field-name", Input).value = "   "
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "must not be empty" in error_under(form, "name"))
        form.query_one("#field-name", Input).value = "Support tickets"
        form.query_one("#field-pii_level", Select).value = "high"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Support tickets" in screen_text(tui), "the new category")
        categories = {c.name: c.pii_level for c in card(tui_kb).data_categories}
        assert categories["Support tickets"] == "high"
        await pilot.press("1")
        await wait_for(pilot, lambda: "Support tickets" in screen_text(tui), "the overview")


async def test_people_screen_edits_and_deletes(tui: VendorTui, tui_kb: KnowledgeBase) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        await home(pilot)
        await pilot.press("p")
        # People are sorted by name: Claire first.
        await wait_for(pilot, lambda: "Claire Dubois" in screen_text(tui), "the people")
        await pilot.press("e")
        form = await on_form(pilot)
        form.query_one("#field-email", Input).value = "not-an-address"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "is not an e-mail address" in error_under(form, "email"))
        form.query_one("#field-email", Input).value = "claire@example.net"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "claire@example.net" in screen_text(tui), "the new e-mail")
        emails = {p.name: p.email for p in tui_kb.people()}
        assert emails["Claire Dubois"] == "claire@example.net"
        await pilot.press("ctrl+d", "y")
        await wait_for(pilot, lambda: "Claire Dubois" not in screen_text(tui), "Claire gone")
        assert "Claire Dubois" not in {p.name for p in tui_kb.people()}


async def test_builtin_runbook_editor(tui: VendorTui, tui_kb: KnowledgeBase) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        await open_datadog(pilot)
        await pilot.press("4")
        await wait_for(
            pilot, lambda: "Verified 40 days ago by priya@example.com" in screen_text(tui)
        )
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(tui.screen, RunbookEditor), "the editor")
        editor = tui.screen
        assert isinstance(editor, RunbookEditor)
        area = editor.query_one(TextArea)
        area.text = area.text + "\n## Escalation\n\nCall Priya.\n"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(tui.screen, VendorScreen), "the vendor screen")
        await runbook_text(pilot, "Escalation")
        body = card(tui_kb).runbook.body
        assert body.endswith("## Escalation\n\nCall Priya.\n")


async def test_runbook_in_external_editor(
    tui: VendorTui, tui_kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "editor.sh"
    script.write_text('#!/bin/sh\nprintf "\\nEdited in EDITOR.\\n" >> "$1"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("EDITOR", str(script))
    monkeypatch.delenv("VISUAL", raising=False)
    # The headless test driver cannot suspend; in a terminal, suspend() hands the tty to the
    # editor. Everything else (temp file, running $EDITOR, reading back, saving) is real.
    monkeypatch.setattr(tui, "suspend", nullcontext)
    async with tui.run_test(size=SIZE) as pilot:
        await open_datadog(pilot)
        await pilot.press("4")
        await runbook_text(pilot, "First five minutes")
        await pilot.press("E")
        await wait_for(pilot, lambda: "Runbook saved." in notes(tui), "the save")
        assert card(tui_kb).runbook.body.endswith("\nEdited in EDITOR.\n")


async def test_external_editor_missing_is_a_notification(
    tui: VendorTui, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    async with tui.run_test(size=SIZE) as pilot:
        await open_datadog(pilot)
        await pilot.press("4", "E")
        await wait_for(pilot, lambda: "Set $EDITOR" in notes(tui), "the notification")


async def test_mark_runbook_verified(tui: VendorTui, tui_kb: KnowledgeBase) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        await open_datadog(pilot)
        await pilot.press("4", "v")
        await wait_for(pilot, lambda: "Runbook marked verified." in notes(tui), "the save")
        runbook = card(tui_kb).runbook
        assert runbook.verified_by == "tester@example.com"
        assert runbook.verified_at > NOW


async def test_delete_vendor_asks_and_leaves_a_tombstone(
    tui: VendorTui, tui_kb: KnowledgeBase
) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        await home(pilot)
        await pilot.press("j")  # LaunchDarkly
        await pilot.press("ctrl+d")
        assert isinstance(tui.screen, ConfirmScreen)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(tui.screen, HomeScreen), "home")
        assert tui_kb.find_vendor_id("launchdarkly")
        await pilot.press("ctrl+d")
        assert isinstance(tui.screen, ConfirmScreen)
        await pilot.press("y")
        vendors = tui.screen_stack[0].query_one(VendorList)
        await wait_for(
            pilot, lambda: [row.name for row in vendors.items] == ["Datadog", "Okta"], "the list"
        )
        with tui_kb.db.read() as conn:
            row = conn.execute(
                "SELECT deleted_at, updated_by FROM vendor WHERE slug = 'launchdarkly'"
            ).fetchone()
        assert row["deleted_at"] is not None
        assert row["updated_by"] == "tester@example.com"


async def test_palette_jumps_to_a_vendor(tui: VendorTui) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        await home(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"okta")
        await wait_for(
            pilot, lambda: "Okta" in screen_text(tui) and "production" in screen_text(tui)
        )
        await pilot.press("enter")
        await on_vendor(pilot, "Okta")


async def test_help_lists_every_screen_s_keys(tui: VendorTui) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        await home(pilot)
        await pilot.press("question_mark")
        assert isinstance(tui.screen, HelpScreen)
        console = Console(width=100)
        with console.capture() as capture:
            console.print(tui.screen.keys())
        text = capture.get()
        expected_keys = ("Filter", "Mark verified", "Edit in $EDITOR", "Command palette", "Quit")
        for expected in expected_keys:
            assert expected in text, expected
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(tui.screen, HomeScreen), "home")


HOSTILE = "[bold]Evil[/bold] \x1b[31mCorp\x1b]0;pwned\x07"


async def test_markup_and_escape_sequences_show_as_text(tmp_path: Path) -> None:
    kb = KnowledgeBase.open(tmp_path / "hostile.db")
    vendor = kb.add_vendor("Evil Corp", category="[red]x[/red]")
    plant(kb.path, "vendor", vendor.id, name=HOSTILE)
    kb.save_runbook(
        vendor.id,
        "# Title\n\n[bold]not bold[/bold] \x1b[31mred\x1b[0m [link](file:///etc/passwd)\n",
    )
    app = VendorTui(kb, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        await home(pilot)
        text = screen_text(app)
        shown = "[bold]Evil[/bold] \\u001b[31mCorp\\u001b]0;pwned\\u0007"
        assert shown[:24] in text, "markup shown as text, control characters visibly escaped"
        assert "[red]x[/red]" in text
        assert "\x1b" not in text and "\x07" not in text
        await pilot.press("enter")
        await on_vendor(pilot, HOSTILE)
        assert shown in screen_text(app)
        await pilot.press("4")
        rendered = await runbook_text(pilot, "Title")
        view = app.screen.query_one(BlockView)
        assert "[bold]not bold[/bold] \\u001b[31mred\\u001b[0m" in rendered
        assert "\x1b" not in rendered
        assert all(
            segment.style is None or segment.style.link is None
            for y in range(view.size.height)
            for segment in view.render_line(y)
        ), "runbook links are never terminal hyperlinks"
    kb.db.close()


async def test_theme_from_environment_and_alias(
    tui_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VENDORTUI_THEME", "textual-ansi")
    app = VendorTui(tui_kb, now=NOW)
    assert app.theme == "ansi-dark"
    assert VendorTui(tui_kb, theme="nord").theme == "nord"
    bad = VendorTui(tui_kb, theme="no-such-theme")
    async with bad.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "no theme called" in notes(bad), "the warning")
    assert os.environ["VENDORTUI_THEME"] == "textual-ansi"


async def test_conflicts_badge_and_key(tui: VendorTui, tui_kb: KnowledgeBase) -> None:
    from vendortui.models import Conflict

    vendor_id = tui_kb.find_vendor_id("okta")
    with tui_kb.db.write() as session:
        session.add(
            Conflict(
                table_name="vendor",
                row_id=vendor_id,
                field="status",
                base_value="pilot",
                ours_value="production",
                theirs_value="sunsetting",
                ours_by="tester@example.com",
                theirs_by="bob@example.com",
                provisional="production",
            )
        )
    async with tui.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "1 sync conflict" in screen_text(tui), "the badge")
        await pilot.press("c")
        await wait_for(pilot, lambda: type(tui.screen).__name__ == "ConflictsScreen", "conflicts")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(tui.screen, HomeScreen), "home")

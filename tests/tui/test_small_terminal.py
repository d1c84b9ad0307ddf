"""At 80x24 every screen stays usable: who to call is on the card without scrolling, lists drop
their least important columns before squeezing names, and what is cut shows an ellipsis."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.pilot import Pilot
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tests.tui.test_app import home, on_vendor, screen_text
from tests.tui.test_keymap import help_text
from tests.waiting import wait_for
from vendortui.app.kb import KnowledgeBase
from vendortui.screens.app import VendorTui
from vendortui.screens.checklist_walker import ChecklistWalker
from vendortui.screens.fit_footer import KEPT_ACTIONS, FitFooter
from vendortui.screens.fit_table import FitTable
from vendortui.screens.help import HelpScreen
from vendortui.screens.vendor import TABS, tab_label
from vendortui.screens.vendor_list import MIN_FLEXIBLE, VendorList

SMALL = (80, 24)
LONG_NAME = "Enterprise Observability Platform Worldwide"


async def test_lead_backup_and_how_to_reach_them_fit_80x24(tui: VendorTui) -> None:
    async with tui.run_test(size=SMALL) as pilot:
        await home(pilot)
        await pilot.press("enter")
        await on_vendor(pilot, "Datadog")
        shown = screen_text(tui)
        for text in (
            "Lead",
            "Priya Raman",
            "priya@example.com",
            "+1-555-0142",
            "Backup",
            "Marcus Oyelaran",
            "marcus@example.com",
        ):
            assert text in shown, f"{text!r} is not on the 80x24 card"
        assert tui.screen.has_class("-narrow") and tui.screen.has_class("-short")


async def test_a_long_description_never_pushes_the_people_off_screen(
    tui: VendorTui, tui_kb: KnowledgeBase
) -> None:
    vendor = tui_kb.add_vendor(
        LONG_NAME,
        website="https://" + "very-long-subdomain." * 4 + "example.com",
        description="A sentence that goes on. " * 40,
    )
    from vendortui.models import Person, Role

    lead = tui_kb.create(Person, name="Ana Lima", email="ana@example.com", phone="+351 21 000")
    backup = tui_kb.create(Person, name="Bo Chen", email="bo@example.com")
    tui_kb.create(Role, vendor_id=vendor.id, person_id=lead.id, kind="lead")
    tui_kb.create(Role, vendor_id=vendor.id, person_id=backup.id, kind="backup")
    async with tui.run_test(size=SMALL) as pilot:
        await home(pilot)
        await pilot.press("slash", *"enterprise", "enter")
        await on_vendor(pilot, LONG_NAME)
        shown = screen_text(tui)
        for text in ("Ana Lima", "ana@example.com", "+351 21 000", "Bo Chen", "bo@example.com"):
            assert text in shown, f"{text!r} is not on the 80x24 card"


async def test_vendor_list_drops_columns_before_squeezing_names(
    tui: VendorTui, tui_kb: KnowledgeBase
) -> None:
    tui_kb.add_vendor(LONG_NAME)
    async with tui.run_test(size=SMALL) as pilot:
        await home(pilot)
        vendors = tui.screen.query_one(VendorList)
        await wait_for(pilot, lambda: LONG_NAME[:10] in screen_text(tui), "the long name")
        header = screen_text(tui).splitlines()
        titles = next(line for line in header if line.strip().startswith("Vendor "))
        assert "Category" not in titles and "Backup" not in titles
        assert "Status" in titles and "Risk" in titles and "Lead" in titles
        row = next(line for line in header if LONG_NAME[:10] in line)
        shown = row.strip().split("…")[0]
        assert row.count("…") == 1 and len(shown) >= MIN_FLEXIBLE - 1
        assert LONG_NAME.startswith(shown)
        assert [c.title for c in vendors.columns_for(118)] == [
            "Vendor",
            "Category",
            "Status",
            "Risk",
            "Lead",
            "Backup",
        ], "at 120 columns nothing is dropped"


async def test_footer_packs_its_keys_on_a_narrow_terminal(tui: VendorTui) -> None:
    async with tui.run_test(size=SMALL) as pilot:
        await home(pilot)
        footer = tui.screen.query_one(Footer)
        await wait_for(pilot, lambda: "? Keys" in screen_text(tui).splitlines()[-1], "footer")
        assert footer.virtual_size.width <= SMALL[0]


async def test_every_vendor_tab_label_is_whole_at_80_columns(tui: VendorTui) -> None:
    def tab_line() -> str:
        return next(line for line in screen_text(tui).splitlines() if "1 Overview" in line)

    async with tui.run_test(size=SMALL) as pilot:
        await home(pilot)
        await pilot.press("enter")
        await on_vendor(pilot, "Datadog")
        narrow = [tab_label(tab, narrow=True) for tab in TABS]
        await wait_for(pilot, lambda: all(label in tab_line() for label in narrow), "tabs")
        assert len(tab_line().rstrip()) <= SMALL[0]
        await pilot.resize_terminal(120, 40)
        wide = [tab_label(tab, narrow=False) for tab in TABS]
        await wait_for(pilot, lambda: all(label in tab_line() for label in wide), "full names")
        assert "8 Public data" in wide and "7 Checklists" in wide


async def test_vendor_tables_drop_columns_instead_of_scrolling_sideways(
    tui: VendorTui, tui_kb: KnowledgeBase
) -> None:
    """People, Data and Events at 80 columns: no sideways scroll, the least important columns
    gone, every cut cell ending in an ellipsis; on a wide terminal the columns return."""
    from vendortui.models import DataCategory, Event, Person, Role

    vendor = tui_kb.add_vendor(LONG_NAME)
    person = tui_kb.create(
        Person,
        name="Maximiliana Fitzgerald-Oyelaran",
        email="maximiliana.fitzgerald-oyelaran@example.com",
        phone="+44 20 7946 0000",
        chat="@maximiliana.fitzgerald",
        team="Platform reliability",
    )
    tui_kb.create(
        Role, vendor_id=vendor.id, person_id=person.id, kind="lead", note="Call first. " * 6
    )
    tui_kb.create(
        DataCategory,
        vendor_id=vendor.id,
        name="Customer support transcripts",
        pii_level="high",
        description="Every chat with a customer, with names and addresses. " * 2,
    )
    tui_kb.create(
        Event,
        vendor_id=vendor.id,
        kind="incident",
        title="Ingestion delayed for every region while the vendor rolled back a release",
        occurred_at=datetime(2025, 5, 1, 8, 0, tzinfo=UTC),
    )
    tabs = {
        "2": ("#roles-table", ["Role", "Person", "E-mail"], ["Note", "Chat"]),
        "3": ("#data-table", ["Data category", "PII", "Description"], []),
        "5": ("#events-table", ["When", "Title"], ["By"]),
    }
    async with tui.run_test(size=SMALL) as pilot:
        await home(pilot)
        await pilot.press("slash", *"enterprise", "enter")
        screen = await on_vendor(pilot, LONG_NAME)
        for key, (table_id, kept, dropped) in tabs.items():
            await pilot.press(key)
            table = screen.query_one(table_id, FitTable)
            await wait_for(pilot, lambda t=table: t.row_count == 1 and t.size.width, table_id)
            titles = table.shown_titles()
            assert all(t in titles for t in kept), f"{table_id} at 80 columns shows {titles}"
            assert not any(t in titles for t in dropped), f"{table_id} at 80: {titles}"
            assert table.virtual_size.width <= table.size.width, f"{table_id} scrolls sideways"
            row = next(
                line
                for line in screen_text(tui).splitlines()
                if "│" not in line
                and ("Maximiliana" in line or "Customer" in line or "Ingestion" in line)
            )
            assert "…" in row, f"{table_id}: a cut cell has no ellipsis: {row!r}"
        await pilot.resize_terminal(200, 40)
        table = screen.query_one("#roles-table", FitTable)
        await pilot.press("2")
        await wait_for(pilot, lambda: "Chat" in table.shown_titles(), "Chat back at 200 columns")
        assert table.virtual_size.width <= table.size.width


def last_line(app: VendorTui) -> str:
    """The terminal's bottom line (the footer), empty before the first frame."""
    return (screen_text(app).splitlines() or [""])[-1]


async def footer_ends_visibly(pilot: Pilot[None]) -> list[tuple[str, str]]:
    """Wait until the footer is fitted; check it ends on screen, keeps ``? Keys`` and
    ``^q Quit`` and says "…" when it left keys out. The keys it left out (key, description),
    to find in help."""
    app = pilot.app
    await wait_for(pilot, lambda: "? Keys" in last_line(app) and "^q Quit" in last_line(app))
    footer = app.screen.query_one(FitFooter)
    # The palette key is hidden by the narrow CSS on purpose (ctrl+p still opens it).
    keys = [k for k in footer.query(FooterKey) if not k.has_class("-command-palette")]
    await wait_for(pilot, lambda: not all(k.display for k in keys) or footer.max_scroll_x == 0)
    last = last_line(app)
    hidden = [(k.key_display, k.description) for k in keys if not k.display]
    assert footer.max_scroll_x == 0, f"the footer runs past the edge: {last!r}"
    if hidden:
        assert "…" in last, f"keys left out without an ellipsis: {last!r}"
    for key in keys:
        if key.display and key.description:
            assert key.description in last, f"{key.description!r} is cut: {last!r}"
    kept = [k for k in keys if k.action in KEPT_ACTIONS]
    assert {k.action for k in kept} == KEPT_ACTIONS, f"help or quit missing: {last!r}"
    for key in kept:
        assert key.display and f"{key.key_display} {key.description}" in last, last
    return hidden


async def test_busiest_footers_end_in_an_ellipsis_and_help_lists_every_key(
    tui: VendorTui, tui_kb: KnowledgeBase
) -> None:
    run = tui_kb.checklists.start_run(tui_kb.find_vendor_id("datadog"), "rollout")
    async with tui.run_test(size=SMALL) as pilot:
        await home(pilot)
        await pilot.press("enter")
        await on_vendor(pilot, "Datadog")
        await pilot.press("2")
        # The footer recomposes with the tab's keys after the bindings change: wait for it.
        await wait_for(
            pilot,
            lambda: any(
                k.description == "New person"
                for k in tui.screen.query_one(FitFooter).query(FooterKey)
            ),
            "the People tab's keys in the footer",
        )
        hidden = await footer_ends_visibly(pilot)
        assert hidden, "the People tab's keys all fit at 80 columns: this test shows nothing"
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(tui.screen, HelpScreen), "help")
        listed = help_text(tui).splitlines()
        for key, description in hidden:
            assert any(key in line and description in line for line in listed), (
                f"{key} {description!r} is in neither the footer nor help"
            )
        await pilot.press("escape")
        tui.push_screen(ChecklistWalker(run.id))
        await wait_for(pilot, lambda: isinstance(tui.screen, ChecklistWalker), "the walker")
        await footer_ends_visibly(pilot)


async def test_the_footer_is_rebuilt_only_when_its_keys_change(tui: VendorTui) -> None:
    """Each bindings signal used to rebuild every key (three per tab switch, a third of the
    runbook's first screen); the same keys now keep their widgets, new keys still show."""

    def keys() -> list[FooterKey]:
        return list(tui.screen.query_one(FitFooter).query(FooterKey))

    async with tui.run_test(size=SMALL) as pilot:
        await home(pilot)
        await pilot.press("enter")
        await on_vendor(pilot, "Datadog")
        await footer_ends_visibly(pilot)
        before = keys()
        footer = tui.screen.query_one(FitFooter)
        signalled: list[bool] = []

        def after_the_footer(_screen: object) -> None:
            # Subscribed after the footer, so this runs after the recompose it asks for.
            footer.call_after_refresh(signalled.append, True)

        tui.screen.bindings_updated_signal.subscribe(tui.screen, after_the_footer)
        tui.screen.refresh_bindings()
        await wait_for(pilot, lambda: signalled, "the footer's answer to the signal")
        assert keys() == before, "the footer was rebuilt though no key changed"
        await pilot.press("2")
        await wait_for(
            pilot, lambda: any(k.description == "New person" for k in keys()), "People keys"
        )
        assert not set(keys()) & set(before)

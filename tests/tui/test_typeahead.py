"""Keys typed ahead: a burst (one read from the terminal, no pause between keys) goes, in
order, to whatever the key before it opened: the filter, a form, a screen, a tab. One test per
key that opens an input or a screen; each would fail if a single key went to the old focus."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette
from textual.screen import Screen
from textual.widgets import Input, TabbedContent, TextArea

from tests.tui.keys import burst
from tests.tui.test_app import SIZE, screen_text
from tests.waiting import wait_for
from vendortui.app.kb import KnowledgeBase
from vendortui.screens.app import VendorTui
from vendortui.screens.block_view import BlockView
from vendortui.screens.confirm import ConfirmScreen
from vendortui.screens.forms import FormScreen
from vendortui.screens.help import HelpScreen
from vendortui.screens.home import FilterInput, HomeScreen
from vendortui.screens.people import PeopleScreen
from vendortui.screens.runbook import RunbookEditor
from vendortui.screens.vendor import VendorScreen


def names(kb: KnowledgeBase) -> list[str]:
    return [row.name for row in kb.vendor_rows()]


async def home(pilot) -> HomeScreen:  # type: ignore[no-untyped-def]
    app = pilot.app
    await wait_for(pilot, lambda: "Needs attention (" in screen_text(app), "the home screen")
    assert isinstance(app.screen, HomeScreen)
    return app.screen


def field(app: VendorTui, name: str) -> str:
    return app.screen.query_one(f"#field-{name}", Input).value


async def test_slash_name_enter_4_opens_the_card_then_the_runbook(
    tui: VendorTui, tui_kb: KnowledgeBase
) -> None:
    tui_kb.add_vendor("GitLab", category="ci")
    before = names(tui_kb)
    async with tui.run_test(size=SIZE) as pilot:
        await home(pilot)
        burst(pilot, "/", *"GitLa", "enter", "4")

        def on_runbook() -> bool:
            screen = tui.screen
            if not isinstance(screen, VendorScreen):
                return False
            view = screen.query_one(BlockView)
            return (
                screen.vendor_name == "GitLab"
                and screen.query_one(TabbedContent).active == "runbook"
                and "Keep this short" in view.visible_text()
            )

        await wait_for(pilot, on_runbook, "GitLab's runbook tab")
        assert [type(s).__name__ for s in tui.screen_stack] == ["HomeScreen", "VendorScreen"]
    assert names(tui_kb) == before, "no letter ran add or delete"


async def test_slash_then_text_fills_the_filter(tui: VendorTui, tui_kb: KnowledgeBase) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        screen = await home(pilot)
        burst(pilot, "/", *"datadog")
        await wait_for(pilot, lambda: screen.query_one(FilterInput).value == "datadog", "filter")
        await wait_for(pilot, lambda: "1 of 3 vendors" in screen_text(tui), "the filtered list")
        assert tui.screen is screen
    assert names(tui_kb) == ["Datadog", "LaunchDarkly", "Okta"]


async def test_escape_back_home_then_filter_again(tui: VendorTui) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        screen = await home(pilot)
        burst(pilot, "/", *"okta", "enter", "escape", "escape", "/", *"launch", "enter")
        await wait_for(
            pilot,
            lambda: getattr(tui.screen, "vendor_name", "") == "LaunchDarkly",
            "LaunchDarkly's card",
        )
        assert screen.query_one(FilterInput).value == "launch"


@pytest.mark.parametrize(
    ("keys", "name", "under"),
    [
        (("a", *"Honeycomb"), "Honeycomb", None),
        (("e", *"Datadog Inc"), "Datadog Inc", None),  # focus selects the name: typing replaces it
        (("p", "a", *"Zoe"), "Zoe", PeopleScreen),
    ],
    ids=["a-new-vendor", "e-edit-vendor", "p-a-new-person"],
)
async def test_a_key_that_opens_a_form_hands_it_the_text_typed_after(
    tui: VendorTui, keys: tuple[str, ...], name: str, under: type[Screen] | None
) -> None:
    """The form's name field gets every letter of the burst; ``under``, when given, is the
    screen the form must have opened over."""
    async with tui.run_test(size=SIZE) as pilot:
        await home(pilot)
        burst(pilot, *keys)
        await wait_for(
            pilot,
            lambda: isinstance(tui.screen, FormScreen) and field(tui, "name") == name,
            f"{name!r} typed into the form",
        )
        if under is not None:
            assert isinstance(tui.screen_stack[-2], under)


async def test_help_closes_and_the_next_keys_reach_home(tui: VendorTui) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        screen = await home(pilot)
        burst(pilot, "question_mark", "escape", "/", *"okta")
        await wait_for(pilot, lambda: screen.query_one(FilterInput).value == "okta", "filter")
        assert not isinstance(tui.screen, HelpScreen)


async def test_palette_gets_the_text_typed_after_ctrl_p(tui: VendorTui) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        await home(pilot)
        burst(pilot, "ctrl+p", *"okta")
        await wait_for(
            pilot,
            lambda: (
                isinstance(tui.screen, CommandPalette)
                and tui.screen.query_one(Input).value == "okta"
            ),
            "the palette's search",
        )


async def test_vendor_tabs_and_forms_take_the_keys_after_them(tui: VendorTui) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        await home(pilot)
        burst(pilot, "enter", "3", "a", *"Tickets")
        await wait_for(
            pilot,
            lambda: isinstance(tui.screen, FormScreen) and field(tui, "name") == "Tickets",
            "the data category form",
        )
        burst(pilot, "escape", "4", "e", *"Hello")
        await wait_for(
            pilot,
            lambda: (
                isinstance(tui.screen, RunbookEditor)
                and "Hello" in tui.screen.query_one(TextArea).text
            ),
            "the runbook editor",
        )
        burst(pilot, "ctrl+a")  # nothing to check: the editor stays open with what was typed
        assert isinstance(tui.screen, RunbookEditor)


async def test_ctrl_d_asks_and_n_answers(tui: VendorTui, tui_kb: KnowledgeBase) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        screen = await home(pilot)
        burst(pilot, "ctrl+d", "n", "/", *"okta")
        await wait_for(pilot, lambda: screen.query_one(FilterInput).value == "okta", "filter")
        assert not isinstance(tui.screen, ConfirmScreen)
    assert names(tui_kb) == ["Datadog", "LaunchDarkly", "Okta"]


async def test_letters_on_home_never_delete_sync_or_quit(
    tui: VendorTui, tui_kb: KnowledgeBase
) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        screen = await home(pilot)
        for key in ("d", "s", "q", "D", "S", "Q"):
            binding = [b for b in screen._bindings.key_to_bindings.get(key, [])]
            assert binding == [], f"{key} is bound on home: {binding}"
        assert tui.is_running
    assert names(tui_kb) == ["Datadog", "LaunchDarkly", "Okta"]

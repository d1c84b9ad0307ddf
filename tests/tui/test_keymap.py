"""Key bindings by id: a ``[keymap]`` remaps them (footer, help and typed-ahead keys follow),
profiles stay clash-free, clashes and unknown ids are said at start-up, and the README's id
table is the code's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.console import Console
from textual.binding import Binding
from textual.widgets import TabbedContent

from tests.tui.conftest import NOW
from tests.tui.keys import burst
from tests.tui.test_app import SIZE, home, notes, on_vendor, screen_text
from tests.waiting import wait_for
from vendortui.app.config.locate import config_path
from vendortui.app.kb import KnowledgeBase
from vendortui.screens.app import VendorTui
from vendortui.screens.block_view import BlockView
from vendortui.screens.help import HelpScreen
from vendortui.screens.home import FilterInput, HomeScreen
from vendortui.screens.keymap import (
    PROFILES,
    bindings_of,
    chains,
    clashes,
    known_ids,
    markdown,
    reference,
)
from vendortui.screens.vendor import VendorScreen
from vendortui.screens.vendor_list import VendorList

README = Path(__file__).resolve().parents[2] / "README.md"


def configure(text: str) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def help_text(app: VendorTui) -> str:
    assert isinstance(app.screen, HelpScreen)
    console = Console(width=100, force_terminal=False, color_system=None)
    with console.capture() as capture:
        console.print(app.screen.keys())
    return capture.get()


async def test_a_remapped_key_works_the_old_one_does_not_and_help_shows_it(
    tui_kb: KnowledgeBase,
) -> None:
    configure('[keymap]\n"home.filter" = "f"\n')
    app = VendorTui(tui_kb, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        await home(pilot)
        await wait_for(
            pilot, lambda: re.search(r"\bf Filter\b", screen_text(app)), "the footer's new key"
        )
        assert "/ Filter" not in screen_text(app)
        # "/" first: had it still opened the filter, the "f" after it would be typed into it.
        await pilot.press("slash", "f", *"okta")
        filter_input = app.screen.query_one(FilterInput)
        await wait_for(pilot, lambda: filter_input.value == "okta", "the filter")
        assert app.focused is filter_input
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: app.focused is not filter_input, "the list again")
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        text = help_text(app)
        assert re.search(r"^ *f +Filter *$", text, re.M)
        assert not re.search(r"^ */ +Filter *$", text, re.M)
        assert re.search(r"^ *\? +Keys *$", text, re.M), "keys left alone keep theirs"
    assert notes(app) == ""


async def test_keys_typed_ahead_follow_the_keymap(tui_kb: KnowledgeBase) -> None:
    configure('[keymap]\n"home.filter" = "f"\n"vendor.runbook" = "r"\n"vendor.reload" = "ctrl+r"\n')
    tui_kb.add_vendor("GitLab", category="ci")
    app = VendorTui(tui_kb, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        await home(pilot)
        burst(pilot, "f", *"GitLa", "enter", "r")

        def on_runbook() -> bool:
            screen = app.screen
            return (
                isinstance(screen, VendorScreen)
                and screen.vendor_name == "GitLab"
                and screen.query_one(TabbedContent).active == "runbook"
                and "Keep this short" in screen.query_one(BlockView).visible_text()
            )

        await wait_for(pilot, on_runbook, "GitLab's runbook tab")


async def test_the_vim_profile_opens_with_l_and_goes_back_with_h(tui_kb: KnowledgeBase) -> None:
    configure('[keymap]\nprofile = "vim"\n')
    app = VendorTui(tui_kb, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        await home(pilot)
        app.screen.query_one(VendorList).focus()
        await pilot.press("l")
        await on_vendor(pilot, "Datadog")
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "home")


async def test_the_arrows_profile_takes_letters_off_navigation(tui_kb: KnowledgeBase) -> None:
    configure('[keymap]\nprofile = "arrows"\n')
    app = VendorTui(tui_kb, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        await home(pilot)
        listing = app.screen.query_one(VendorList)
        listing.focus()
        await pilot.press("j", "j")
        assert listing.cursor == 0
        await pilot.press("down")
        await wait_for(pilot, lambda: listing.cursor == 1, "the cursor on the second vendor")


@pytest.mark.parametrize(
    ("entries", "said"),
    [
        (
            '"home.add" = "e"',
            "In the home screen's lists, the key e is bound to both home.add and home.edit",
        ),
        (
            '"home.filter" = "ctrl+f"',
            "the key ctrl+f is bound to both home.filter and list.page_down",
        ),
        ('"vendor.back" = "tab"', "the key tab is bound to both Textual's app.focus_next and"),
        ('"home.fliter" = "f"', "line 2: there is no key binding with the id 'home.fliter'"),
        ('"home.filter" = "contrl+f"', "line 2: 'contrl+f' (for home.filter) is not a key name"),
        ('"home.filter" = "f,,g"', "line 2: '' (for home.filter) is not a key name"),
    ],
)
async def test_clashes_and_unknown_ids_are_said_at_start_up(
    tui_kb: KnowledgeBase, entries: str, said: str
) -> None:
    path = configure(f"[keymap]\n{entries}\n")
    app = VendorTui(tui_kb, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: said in notes(app), said)
        [note] = [n for n in notes(app).splitlines() if said in n]
        assert str(path) in note and note.endswith(".")
        assert isinstance(app.screen, HomeScreen), "the knowledge base opened all the same"


async def test_a_broken_config_is_said_and_the_dashboard_opens(tui_kb: KnowledgeBase) -> None:
    path = configure('theme = "nord"\n[probes]\ntimeout = "soon"\n')
    app = VendorTui(tui_kb, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        await home(pilot)
        assert f"{path}, line 3: probes.timeout must be" in notes(app)
        assert app.theme == "nord"
    configure('theme = "nord\n')
    app = VendorTui(tui_kb, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        await home(pilot)
        assert f"{path}, line 1, column 14: not valid TOML" in notes(app)
        assert app.theme == "textual-dark"


def test_every_binding_has_an_id_and_a_shared_key_means_a_shared_id() -> None:
    """Textual's apply_keymap drops every binding on a key when it moves one of them, so
    bindings on one key in one class must move together: one id."""
    for _, chain in chains():
        for node in chain:
            on_key: dict[str, set[str | None]] = {}
            for binding in Binding.make_bindings(node.__dict__.get("BINDINGS", [])):
                assert binding.id, f"{node.__name__}: {binding.key} -> {binding.action} has no id"
                on_key.setdefault(binding.key, set()).add(binding.id)
            shared = {key: ids for key, ids in on_key.items() if len(ids) > 1}
            assert not shared, f"{node.__name__}: one key, several ids: {shared}"


def test_profiles_name_real_ids_and_clash_with_nothing() -> None:
    ids = known_ids()
    for name, profile in PROFILES.items():
        assert set(profile) <= ids, name
        assert clashes(profile) == [], name
    assert clashes({}) == []


def test_the_readme_lists_every_id_as_the_code_has_it() -> None:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- keymap-ids -->\n(.*?)<!-- /keymap-ids -->", text, re.S)
    assert found, "README.md needs the keymap-ids markers around the id table"
    assert found[1] == markdown(reference()), (
        "README's id table is stale: replace it with `vendortui config keys --markdown`"
    )
    assert len(list(reference())) == len(known_ids())


def test_app_quit_replaces_textuals_own_ctrl_q() -> None:
    quits = [b for b in bindings_of(VendorTui) if b.action == "quit"]
    assert [(b.key, b.id) for b in quits] == [("ctrl+q", "app.quit")]

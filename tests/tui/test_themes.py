"""Themes: built-in by name, vendortui-light readable on white, user theme files next to the
config (a broken one said in one sentence, the others loaded), and NO_COLOR honoured."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.color import Color

from tests.tui.conftest import NOW
from tests.tui.test_app import SIZE, home, notes
from tests.waiting import wait_for
from vendortui.app.config.locate import config_path, themes_dir
from vendortui.app.kb import KnowledgeBase
from vendortui.screens import themes as themes_module
from vendortui.screens.app import VendorTui
from vendortui.screens.themes import LIGHT, LIGHT_ANSI
from vendortui.screens.vendor_list import VendorList


def theme_file(name: str, text: str) -> Path:
    path = themes_dir() / f"{name}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def contrast(one: str, two: str) -> float:
    """WCAG 2 contrast ratio of two colours."""

    def luminance(colour: str) -> float:
        channels = [c / 255 for c in Color.parse(colour).rgb]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_light_theme_reads_well_on_its_background() -> None:
    assert not LIGHT.dark
    for field in ("foreground", "primary", "secondary", "accent", "warning", "error", "success"):
        for ground in (LIGHT.background, LIGHT.surface, LIGHT.panel):
            ratio = contrast(getattr(LIGHT, field), ground)
            assert ratio >= 4.5, f"{field} on {ground}: {ratio:.2f} (WCAG AA wants 4.5)"


@pytest.mark.parametrize(
    ("asked", "used"),
    [("light", "vendortui-light"), ("vendortui-light", "vendortui-light"), ("nord", "nord")],
)
def test_themes_by_name(tui_kb: KnowledgeBase, asked: str, used: str) -> None:
    assert VendorTui(tui_kb, theme=asked, now=NOW).theme == used


async def test_a_user_theme_file_is_a_theme_and_a_broken_one_is_one_sentence(
    tui_kb: KnowledgeBase,
) -> None:
    theme_file("night-shift", 'primary = "#7aa2f7"\nbackground = "#1a1b26"\ndark = true\n')
    broken = {
        "syntax": ('primary = "#fff\n', "line 1, column 16: not valid TOML"),
        "colour": ('primary = "#fff"\nwarning = "amber-ish"\n', "line 2: warning must be a colour"),
        "field": ('primary = "#fff"\n\nglow = "#fff"\n', "line 3: glow is not a theme field"),
        "dark": ('primary = "#fff"\ndark = "yes"\n', "line 2: dark must be true or false"),
        "primary": ('background = "#000"\n', "a theme needs primary"),
    }
    paths = {name: theme_file(name, text) for name, (text, _) in broken.items()}
    path = config_path()
    path.write_text('theme = "night-shift"\n')
    app = VendorTui(tui_kb, now=NOW)
    assert app.theme == "night-shift"
    assert app.get_theme("night-shift").background == "#1a1b26"
    async with app.run_test(size=SIZE) as pilot:
        await home(pilot)
        for name, (_, said) in broken.items():
            [note] = [n for n in notes(app).splitlines() if n.startswith(f"{paths[name]}")]
            assert said in note and note.endswith("the theme is skipped.")
            assert name not in app.available_themes


async def test_no_color_draws_in_greys(
    tui_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.filter import Monochrome

    monkeypatch.setenv("NO_COLOR", "1")
    app = VendorTui(tui_kb, theme="vendortui-light", now=NOW)
    assert app.no_color
    [monochrome] = [f for f in app._filters if isinstance(f, Monochrome)]
    async with app.run_test(size=SIZE) as pilot:
        await home(pilot)
        await wait_for(pilot, lambda: app.screen._compositor.render_strips(), "a frame")
        colours = set()
        for strip in app.screen._compositor.render_strips():
            for segment in monochrome.apply(list(strip), Color(255, 255, 255)):
                for colour in (segment.style.color, segment.style.bgcolor) if segment.style else ():
                    if colour is not None and colour.triplet is not None:
                        colours.add(tuple(colour.triplet))
        assert colours, "the frame had colours to turn grey"
        assert all(r == g == b for r, g, b in colours), colours


NAMED = {"red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6}
"""Rich's named colours the screens use, by ANSI number."""

FIXED = re.compile(
    r"\b(?:grey|gray)\d+\b|\bcolor\(\d+\)|\brgb\(|[\"' ]#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?\b"
)
"""A fixed colour in a Rich style (``grey50``, ``color(240)``, ``rgb(...)``, ``#808080``):
the same on every theme, so not checked against any."""


def test_named_colours_read_well_on_the_light_theme() -> None:
    for name, number in NAMED.items():
        for palette in (LIGHT_ANSI.ansi_colors[number], LIGHT_ANSI.ansi_colors[number + 8]):
            colour = Color(*palette).hex
            for ground in (LIGHT.background, LIGHT.surface, LIGHT.panel):
                ratio = contrast(colour, ground)
                assert ratio >= 4.5, f"{name} {colour} on {ground}: {ratio:.2f}"


def test_screens_use_theme_variables_or_named_colours_only() -> None:
    """Every colour in screens/ is a theme variable (``$text-error``) or a named colour drawn
    with the palettes above; themes.py is where fixed colours belong."""
    folder = Path(themes_module.__file__).parent
    found = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sorted(folder.glob("*.py")) + sorted(folder.glob("*.tcss"))
        if path.name != "themes.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if FIXED.search(line)
    ]
    assert found == []


async def test_the_light_theme_draws_named_colours_with_its_palette(
    tui_kb: KnowledgeBase,
) -> None:
    """The vendor list's risk column ("bold red" critical, "yellow" high) on vendortui-light."""
    app = VendorTui(tui_kb, theme="vendortui-light", now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        await home(pilot)
        drawn: dict[str, str] = {}

        def risks_drawn() -> bool:
            for strip in app.screen._compositor.render_strips():
                for segment in strip:
                    word = segment.text.strip()
                    if word in ("critical", "high") and segment.style and segment.style.color:
                        rgb = segment.style.color.get_truecolor(app.ansi_theme)
                        drawn[word] = Color(*rgb).hex
            return len(drawn) == 2

        await wait_for(pilot, risks_drawn, "the risk column")
    assert drawn == {"critical": LIGHT.error.upper(), "high": LIGHT.warning.upper()}


async def test_a_muted_line_of_a_list_reads_well_on_the_light_theme(
    tui_kb: KnowledgeBase,
) -> None:
    """Line lists (``CursorView``) draw component colours such as ``$text-muted`` resolved on
    their background: the vendor list's "no vendor matches" line was white on white."""
    app = VendorTui(tui_kb, theme="vendortui-light", now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        await home(pilot)
        await pilot.press("slash", *"zzzz")
        empty = VendorList.EMPTY
        found: list[tuple[str, str]] = []

        def drawn() -> bool:
            for strip in app.screen._compositor.render_strips():
                for segment in strip:
                    if segment.text.strip() == empty and segment.style:
                        colour, ground = segment.style.color, segment.style.bgcolor
                        found.append(
                            (
                                Color(*colour.get_truecolor(app.ansi_theme)).hex,
                                Color(*ground.get_truecolor(app.ansi_theme, False)).hex,
                            )
                        )
            return bool(found)

        await wait_for(pilot, drawn, "the empty vendor list's line")
    [(colour, ground)] = set(found)
    assert contrast(colour, ground) >= 4.5, f"{colour} on {ground}"

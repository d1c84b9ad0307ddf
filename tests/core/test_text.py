"""Untrusted text stays text: markup is escaped and terminal escapes are removed."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from vendortui.app.text import safe, strip_control


def _render(markup: str) -> str:
    console = Console(width=200, color_system=None, force_terminal=False)
    with console.capture() as capture:
        console.print(Text.from_markup(markup))
    return capture.get().rstrip("\n")


def test_markup_in_data_shows_literally() -> None:
    assert _render(safe("[bold]Acme[/bold] [link=file:///etc]x[/]")) == (
        "[bold]Acme[/bold] [link=file:///etc]x[/]"
    )


def test_escape_sequences_are_removed() -> None:
    hostile = "Acme\x1b[31m red\x1b[0m\x1b]0;pwned\x07\x1b]8;;http://evil\x1b\\link\x9b2J\x07"
    cleaned = strip_control(hostile)
    assert "\x1b" not in cleaned and "\x9b" not in cleaned and "\x07" not in cleaned
    assert cleaned == "Acme redlink"


def test_newlines_and_tabs_survive() -> None:
    assert strip_control("a\tb\nc\r") == "a\tb\nc"

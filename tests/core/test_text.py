"""Untrusted text stays text: markup is escaped and hidden characters are shown, never run."""

from __future__ import annotations

import json

import pytest
from rich.console import Console
from rich.text import Text

from vendortui.app.text import INVISIBLE, json_text, one_line, safe, visible

HIDDEN = [
    "\x1b",  # ESC: starts every C0 escape sequence
    "\x07",  # BEL: ends OSC strings (window title, hyperlinks, clipboard)
    "\x9b",  # one-byte CSI (C1)
    "\x85",  # NEL (C1)
    "\x7f",  # DEL
    "\r",  # carriage return: overprints what came before
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\ufeff",  # zero-width no-break space (BOM)
    "\u2028",  # line separator
    "\U000e0041",  # tag latin capital A (invisible)
]


def _render(markup: str) -> str:
    console = Console(width=200, color_system=None, force_terminal=False)
    with console.capture() as capture:
        console.print(Text.from_markup(markup))
    return capture.get().rstrip("\n")


def test_markup_in_data_shows_literally() -> None:
    assert _render(safe("[bold]Acme[/bold] [link=file:///etc]x[/]")) == (
        "[bold]Acme[/bold] [link=file:///etc]x[/]"
    )


@pytest.mark.parametrize("char", HIDDEN, ids=[f"U+{ord(c):04X}" for c in HIDDEN])
def test_every_hidden_character_is_shown_as_an_escape(char: str) -> None:
    for shown in (visible(f"a{char}b"), one_line(f"a{char}b"), safe(f"a{char}b")):
        assert char not in shown
        assert shown.startswith("a\\") and shown.endswith("b"), shown


def test_no_control_or_format_character_passes() -> None:
    """The class, not a sample: every control (Cc), format (Cf: bidi marks, zero-width,
    invisible operators) and line/paragraph separator in Unicode is escaped."""
    import unicodedata

    leaks = [
        f"U+{code:04X}"
        for code in range(0x110000)
        if unicodedata.category(chr(code)) in ("Cc", "Cf", "Zl", "Zp")
        and chr(code) not in "\n\t"
        and chr(code) in visible(chr(code))
    ]
    assert leaks == [], f"shown raw: {leaks}; add them to INVISIBLE ({INVISIBLE!r})"


def test_escape_sequences_become_visible_text() -> None:
    hostile = "Acme\x1b[31m red\x1b]0;pwned\x07\x9b2J"
    assert visible(hostile) == "Acme\\u001b[31m red\\u001b]0;pwned\\u0007\\u009b2J"


def test_lines_and_tabs_survive_in_multi_line_text_but_not_on_one_line() -> None:
    assert visible("a\tb\nc\r\nd") == "a\tb\nc\nd", "a Windows line end is a line break"
    assert one_line("a\tb\nc\rd") == "a\\tb\\nc\\rd"


def test_json_escapes_hidden_characters_and_round_trips() -> None:
    value = {"name": "Caf\u00e9 \u6f22 " + "".join(HIDDEN) + '\n\t"\\', "n": [1, None]}
    text = json_text(value)
    assert json.loads(text) == value
    assert all(char not in text for char in HIDDEN)
    assert "Caf\u00e9 \u6f22" in text, "letters stay readable"
    assert "\\u009b" in text and "\\udb40\\udc41" in text

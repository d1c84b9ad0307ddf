"""Themes: Textual's built-in ones by name, vendortui's light theme, and the user's own
``themes/*.toml`` files next to the config file.

A user theme file holds the fields of ``textual.theme.Theme``::

    # ~/.config/vendortui/themes/night-shift.toml
    name = "night-shift"        # optional: the file name without .toml
    primary = "#7aa2f7"         # the only required colour
    background = "#1a1b26"
    dark = true
    [variables]                 # optional Textual design variables
    "footer-key-foreground" = "#7aa2f7"

A file that cannot be used is skipped with one sentence (file, line, key); the others load.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from rich.terminal_theme import TerminalTheme
from textual.color import Color, ColorParseError
from textual.theme import Theme

from vendortui.app.config.load import find_line, syntax_sentence
from vendortui.app.config.locate import themes_dir

ALIASES = {"textual-ansi": "ansi-dark", "ansi": "ansi-dark", "light": "vendortui-light"}
"""Names people try: "use my terminal's colours" (Textual 8 calls those themes ansi-*), and
plain "light"."""

LIGHT = Theme(
    name="vendortui-light",
    primary="#0b5cad",
    secondary="#5a3d99",
    accent="#8a4b00",
    warning="#8a5a00",
    error="#b3261e",
    success="#1e6b34",
    foreground="#1f2328",
    background="#ffffff",
    surface="#f3f4f6",
    panel="#e6e8eb",
    dark=False,
    variables={
        "footer-key-foreground": "#0b5cad",
        "block-cursor-text-style": "bold",
        "input-selection-background": "#0b5cad 25%",
    },
)
"""Dark text on white with colours chosen for contrast on white (WCAG AA or better against
the background: Textual's bright yellows and greens are meant for dark backgrounds)."""


def _rgb(colour: str | None) -> tuple[int, int, int]:
    """A colour of ``LIGHT`` as RGB; every one used here is set above (``Theme`` types its
    optional colours as ``str | None``)."""
    if colour is None:
        raise ValueError("vendortui-light lacks a colour its terminal palette needs")
    return Color.parse(colour).rgb


_ANSI_ON_WHITE = [
    _rgb(c)
    for c in (
        LIGHT.foreground,  # black
        LIGHT.error,  # red
        LIGHT.success,  # green
        LIGHT.warning,  # yellow
        LIGHT.primary,  # blue
        "#7b2d87",  # magenta
        "#00667a",  # cyan
        LIGHT.surface,  # white
    )
]
LIGHT_ANSI = TerminalTheme(
    _rgb(LIGHT.background), _rgb(LIGHT.foreground), _ANSI_ON_WHITE, _ANSI_ON_WHITE
)
"""The terminal palette Textual draws Rich's named colours with (``"bold red"``,
``"yellow"`` in the screens' ``Text``, ``DataTable`` cells included) when a light theme is in
use. Textual's own (Alabaster) has yellow at 2.5:1 and green at 4.2:1 on white; these are
vendortui-light's colours (magenta and cyan added at the same darkness), so every named
colour reads at WCAG AA on the light backgrounds. Bright colours are the same ones: a
brighter yellow on white is less readable, not more."""


COLOURS: tuple[str, ...] = ("primary", "secondary", "warning", "error", "success", "accent")
COLOURS += ("foreground", "background", "surface", "panel", "boost")


def user_themes() -> tuple[list[Theme], list[str]]:
    """Every usable ``themes/*.toml``, and one sentence per file that is not."""
    folder = themes_dir()
    try:
        files = sorted(folder.glob("*.toml"))
    except OSError:
        return [], []
    themes: list[Theme] = []
    problems: list[str] = []
    for path in files:
        theme = read_theme(path, problems)
        if theme is not None:
            themes.append(theme)
    return themes, problems


def read_theme(path: Path, problems: list[str]) -> Theme | None:
    """One theme file as a ``Theme``, or ``None`` with the reason added to ``problems``."""
    try:
        text = path.read_bytes().decode("utf-8")
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        problems.append(syntax_sentence(path, error, "the theme is skipped"))
        return None
    except (OSError, UnicodeDecodeError) as error:
        problems.append(f"{path} could not be read as UTF-8 text ({error}); it is skipped.")
        return None

    def refuse(key: str, why: str) -> None:
        line = find_line(text, tuple(key.split(".")))
        where = f"{path}, line {line}" if line else str(path)
        problems.append(f"{where}: {key} {why}; the theme is skipped.")

    fields: dict[str, object] = {"name": path.stem}
    for key, value in data.items():
        if key == "name" or key in COLOURS:
            if not isinstance(value, str) or not value.strip():
                refuse(key, "must be a string in quotes")
                return None
            if key != "name" and not _colour(value):
                refuse(key, f'must be a colour such as "#1a1b26" or "rgb(26,27,38)", not {value!r}')
                return None
            fields[key] = value
        elif key == "dark":
            if not isinstance(value, bool):
                refuse(key, "must be true or false")
                return None
            fields[key] = value
        elif key == "variables":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                refuse(key, 'must be a table of strings ("name" = "value")')
                return None
            fields[key] = dict(value)
        else:
            refuse(
                key, f"is not a theme field (known: name, dark, variables, {', '.join(COLOURS)})"
            )
            return None
    if "primary" not in fields:
        problems.append(f'{path}: a theme needs primary = "#rrggbb"; the theme is skipped.')
        return None
    return Theme(**fields)  # type: ignore[arg-type]


def _colour(value: str) -> bool:
    try:
        Color.parse(value)
    except ColorParseError:
        return False
    return True

"""Every setting the config file, the environment and the flags can give: name, type, default.

One table, so ``config show``, the commented file ``config edit`` creates, validation and the
README cannot drift apart. Defaults are the constants the code used before there was a config
(imported, not copied). Kept import-light: the config is read by headless commands that are
benchmarked against ``--version``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from vendortui.app.checklists.clock import DEFAULT_STALL_DAYS
from vendortui.app.probes.spec import DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_S
from vendortui.models.rules import CANCEL_BY_WARNING_DAYS

KEYMAP_TABLE = "keymap"
PROFILE_KEY = "keymap.profile"
PROFILES = ("default", "vim", "arrows")
"""Keymap profiles (``screens/keymap.py`` holds what each remaps)."""


@dataclass(frozen=True, slots=True)
class Kind:
    """A setting's type: ``check`` returns the accepted value or ``None``; ``what`` completes
    the sentence "must be ..."; ``from_text`` reads an environment variable or a flag."""

    what: str
    check: Callable[[object], object | None]
    from_text: Callable[[str], object] = str


def _text(value: object) -> object | None:
    return value if isinstance(value, str) else None


def _number(low: float, high: float) -> Callable[[object], object | None]:
    def check(value: object) -> object | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value) if low <= value <= high else None

    return check


def _whole(low: int, high: int) -> Callable[[object], object | None]:
    def check(value: object) -> object | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        return value if low <= value <= high else None

    return check


def _choice(options: tuple[str, ...]) -> Callable[[object], object | None]:
    return lambda value: value if value in options else None


TEXT = Kind("a string in quotes", _text)
PATH = Kind('a path in quotes, e.g. "~/team-kb/knowledge.db"', _text)
SECONDS = Kind("a number of seconds from 0.5 to 300", _number(0.5, 300), float)
CONCURRENCY = Kind("a whole number from 1 to 256", _whole(1, 256), int)
WARN_DAYS = Kind("a whole number of days from 0 to 3650", _whole(0, 3650), int)
STALL_DAYS = Kind("a whole number of days from 1 to 3650", _whole(1, 3650), int)
PROFILE = Kind(f"one of {', '.join(repr(p) for p in PROFILES)}", _choice(PROFILES))


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting: dotted ``key`` (``probes.timeout`` is ``timeout`` under ``[probes]``)."""

    key: str
    kind: Kind
    default: object
    help: str
    env: str = ""
    flag: str = ""
    example: str = ""
    """What the commented file shows for an empty default (a default that depends on the
    machine, such as git's user.email, is not written into the file)."""


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "knowledge_base",
        PATH,
        "",
        "the knowledge base to open when --db is not given (empty: the one `vendortui init` "
        "or `clone` chose, else knowledge.db in your user data folder)",
        env="VENDORTUI_DB",
        flag="--db",
        example="~/team-kb/knowledge.db",
    ),
    Setting(
        "theme",
        TEXT,
        "textual-dark",
        "a built-in theme (ctrl+p, then 'theme') or one of yours in themes/*.toml; "
        "textual-ansi keeps your terminal's colours",
        env="VENDORTUI_THEME",
        flag="--theme",
    ),
    Setting(
        "editor",
        TEXT,
        "",
        "the command that edits runbooks and this file (empty: $VISUAL, else $EDITOR)",
        env="VENDORTUI_EDITOR",
        example="vim",
    ),
    Setting(
        "user",
        TEXT,
        "",
        "who you are in every change's stamp (empty: git config user.email, else your OS "
        "user name)",
        env="VENDORTUI_USER",
        example="you@example.com",
    ),
    Setting(
        "probes.timeout",
        SECONDS,
        DEFAULT_TIMEOUT_S,
        "total deadline of each probe request, in seconds",
        env="VENDORTUI_PROBE_TIMEOUT",
    ),
    Setting(
        "probes.concurrency",
        CONCURRENCY,
        DEFAULT_CONCURRENCY,
        "how many probes a sweep runs at once",
        env="VENDORTUI_PROBE_CONCURRENCY",
    ),
    Setting(
        "probes.proxy",
        TEXT,
        "",
        "HTTP(S) proxy for probes (empty: $HTTPS_PROXY / $HTTP_PROXY / $NO_PROXY)",
        env="VENDORTUI_PROBE_PROXY",
        example="http://proxy.example.com:3128",
    ),
    Setting(
        "due.cancel_by_warning_days",
        WARN_DAYS,
        CANCEL_BY_WARNING_DAYS,
        "how many days before a contract's cancel-by date the due list warns",
        env="VENDORTUI_CANCEL_BY_WARNING_DAYS",
    ),
    Setting(
        "due.rollout_stall_days",
        STALL_DAYS,
        DEFAULT_STALL_DAYS,
        "days in one rollout stage before it counts as stalled (overrides the knowledge "
        "base's team setting rollout_stall_days)",
        env="VENDORTUI_ROLLOUT_STALL_DAYS",
    ),
    Setting(
        PROFILE_KEY,
        PROFILE,
        "default",
        'a set of key remappings: "default", "vim" (adds l to open, h to go back) or '
        '"arrows" (arrow keys only: j/k/g/G no longer move); entries below move single '
        "actions",
        env="VENDORTUI_KEYMAP",
    ),
)

BY_KEY: dict[str, Setting] = {setting.key: setting for setting in SETTINGS}

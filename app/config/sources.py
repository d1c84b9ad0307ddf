"""The effective settings: flag > environment (``VENDORTUI_...``) > file > default.

``current()`` is what the rest of vendortui asks. It re-reads the environment on every call
(tests and scripts set a variable to act differently) and the file only when its size or
modification time changed, so calling it per write or per probe costs a ``stat``. Each value
remembers where it came from, for ``vendortui config show``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vendortui.app.config.load import FileLayer, read_file
from vendortui.app.config.locate import config_path
from vendortui.app.config.report import report
from vendortui.app.config.schema import SETTINGS, Setting

DEFAULT, FILE, ENVIRONMENT, FLAG = "default", "file", "environment", "flag"


@dataclass(frozen=True, slots=True)
class Resolved:
    """One effective value and where it came from (``where``: a line, a variable, a flag)."""

    value: Any
    source: str
    where: str = ""


@dataclass
class Config:
    """Every setting resolved, the ``[keymap]`` entries, and the sentences about what in the
    file or the environment was refused (the defaults are used for those)."""

    path: Path
    settings: dict[str, Resolved]
    keymap: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def value(self, key: str) -> Any:
        """The effective value of a setting (``KeyError`` for a name not in the schema)."""
        return self.settings[key].value

    def given(self, key: str) -> bool:
        """Whether the user set ``key`` (flag, environment or file) rather than leaving it."""
        return self.settings[key].source != DEFAULT


_file_cache: dict[Path, tuple[tuple[int, int, int] | None, FileLayer]] = {}


def current(flags: Mapping[str, str | None] | None = None) -> Config:
    """The effective settings; ``flags`` maps setting keys to command-line values."""
    path = config_path()
    layer = _file(path)
    config = Config(path, {}, dict(layer.keymap), dict(layer.lines), list(layer.problems))
    for setting in SETTINGS:
        config.settings[setting.key] = _resolve(setting, layer, flags or {}, config.problems)
    report(config.problems)
    return config


def _file(path: Path) -> FileLayer:
    """The file's layer, parsed again only when the file changed."""
    try:
        info = os.stat(path)
        stamp: tuple[int, int, int] | None = (info.st_mtime_ns, info.st_size, info.st_ino)
    except OSError:
        stamp = None
    cached = _file_cache.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    layer = read_file(path) if stamp is not None else FileLayer(path)
    _file_cache[path] = (stamp, layer)
    return layer


def _resolve(
    setting: Setting, layer: FileLayer, flags: Mapping[str, str | None], problems: list[str]
) -> Resolved:
    flagged = flags.get(setting.key)
    if flagged:
        value = _from_text(setting, flagged, setting.flag, problems)
        if value is not None:
            return Resolved(value, FLAG, setting.flag)
    raw = os.environ.get(setting.env, "") if setting.env else ""
    if raw:
        value = _from_text(setting, raw, setting.env, problems)
        if value is not None:
            return Resolved(value, ENVIRONMENT, setting.env)
    if setting.key in layer.values:
        line = layer.lines.get(setting.key)
        return Resolved(layer.values[setting.key], FILE, f"line {line}" if line else "")
    return Resolved(setting.default, DEFAULT)


def _from_text(setting: Setting, raw: str, name: str, problems: list[str]) -> Any:
    """A value typed as text (a variable, a flag) read as the setting's kind, or ``None``
    (with a sentence) when it is not one."""
    try:
        value = setting.kind.check(setting.kind.from_text(raw.strip()))
    except ValueError:
        value = None
    if value is None:
        problems.append(
            f"{name}={raw[:60]!r} is not {setting.kind.what}; vendortui ignores it for "
            f"{setting.key}."
        )
    return value

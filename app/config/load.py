"""Read and check the config file: every value it gives, or one sentence per thing it gets wrong.

A broken config must never keep anyone out of the knowledge base during an incident, so
nothing here raises: a syntax error means "defaults for everything", an unknown key is
ignored, a value of the wrong type means "the default for that key", and each of those is one
sentence naming the file, the line and the key. ``tomllib`` reports the line of a syntax error
itself; for a value that parsed but is wrong, ``find_line`` finds the line by parsing the file
one line at a time (only when something is wrong, so a good file costs one parse).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vendortui.app.config.schema import BY_KEY, KEYMAP_TABLE, PROFILE_KEY

TABLES = frozenset(key.split(".")[0] for key in BY_KEY if "." in key)
"""The ``[tables]`` a file may hold: ``probes``, ``due``, ``keymap``."""


@dataclass
class FileLayer:
    """What a config file says: checked values by dotted key, the ``[keymap]`` entries by
    binding id, the line of each, and the sentences about what was refused."""

    path: Path
    values: dict[str, object] = field(default_factory=dict)
    keymap: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def read_file(path: Path) -> FileLayer:
    """The file's settings; a missing file is an empty layer, never a problem."""
    layer = FileLayer(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return layer
    except UnicodeDecodeError:
        layer.problems.append(
            f"{path} is not UTF-8 text; vendortui uses the defaults for every setting "
            "until it is fixed."
        )
        return layer
    except OSError as error:
        layer.problems.append(
            f"{path} could not be read ({error.strerror}); vendortui uses the defaults for "
            "every setting."
        )
        return layer
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        layer.problems.append(syntax_sentence(path, error))
        return layer
    _check(layer, data, text)
    return layer


def syntax_sentence(
    path: Path,
    error: tomllib.TOMLDecodeError,
    then: str = "vendortui uses the defaults for every setting until it is fixed",
) -> str:
    """``tomllib``'s message with its position said first (3.11 puts it in the message),
    then what happens meanwhile."""
    message = str(error)
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    where = f", line {found[1]}, column {found[2]}" if found else ""
    reason = message[: found.start()] if found else message
    return f"{path}{where}: not valid TOML ({reason[:1].lower()}{reason[1:]}); {then}."


def _check(layer: FileLayer, data: dict[str, Any], text: str) -> None:
    """Fill ``layer`` from parsed ``data``, refusing what the schema does not accept."""
    for name, value in data.items():
        if name in TABLES and isinstance(value, dict):
            for inner, item in value.items():
                _one(layer, (name, inner), item, text)
        elif name in TABLES:
            line = find_line(text, (name,))
            layer.problems.append(
                f"{_where(layer.path, line)}: {name} must be a table ([{name}] on a line of "
                f"its own, its settings below), not {_shown(value)}; it is ignored."
            )
        else:
            _one(layer, (name,), value, text)


def _one(layer: FileLayer, path: tuple[str, ...], value: object, text: str) -> None:
    """One value at ``path`` (as TOML read it: ``("keymap", "home.filter")``)."""
    key = ".".join(path)
    setting = BY_KEY.get(key)
    line = find_line(text, path)
    if key.startswith(f"{KEYMAP_TABLE}.") and key != PROFILE_KEY:
        binding_id = key.removeprefix(f"{KEYMAP_TABLE}.")
        if isinstance(value, str) and value.strip():
            layer.keymap[binding_id] = value
            if line:
                layer.lines[key] = line
        else:
            layer.problems.append(
                f"{_where(layer.path, line)}: the key for {binding_id!r} must be a string "
                f'such as "ctrl+f" (several: "f,ctrl+f"), not {_shown(value)}; that action '
                "keeps its usual key."
            )
        return
    if setting is None:
        layer.problems.append(
            f"{_where(layer.path, line)}: unknown setting {key!r}{_nearest(key)}; it is ignored."
        )
        return
    checked = setting.kind.check(value)
    if checked is None:
        layer.problems.append(
            f"{_where(layer.path, line)}: {key} must be {setting.kind.what}, not "
            f"{_shown(value)}; vendortui uses the default ({_shown(setting.default)})."
        )
        return
    layer.values[key] = checked
    if line:
        layer.lines[key] = line


def find_line(text: str, key_path: tuple[str, ...]) -> int | None:
    """The line that sets ``key_path`` (or opens it as a table), found by parsing each line
    alone with ``tomllib``, so quoted and dotted keys read exactly as TOML reads them. A key
    inside a multi-line value is not found (``None``)."""
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            parsed = tomllib.loads(stripped)
        except tomllib.TOMLDecodeError:
            continue
        path = _path_of(parsed)
        if stripped.startswith("["):
            table = path
            if table == key_path:
                return number
            continue
        full = table + path
        if full == key_path[: len(full)] and full:
            return number
    return None


def _path_of(parsed: object) -> tuple[str, ...]:
    """The key path a single parsed line names: ``a.b = 1`` and ``[a.b]`` are ``("a", "b")``."""
    path: list[str] = []
    while isinstance(parsed, dict) and len(parsed) == 1:
        ((name, parsed),) = parsed.items()
        path.append(name)
        if isinstance(parsed, list) and parsed and isinstance(parsed[0], dict):
            parsed = parsed[0]
    return tuple(path)


def _where(path: Path, line: int | None) -> str:
    return f"{path}, line {line}" if line else str(path)


def _shown(value: object) -> str:
    """A value as the file would spell it, short: ``"ten"``, ``10``, ``a table``."""
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value[:60])
    return str(value)[:60]


def _nearest(key: str) -> str:
    """`` (did you mean 'theme'?)`` for a near miss, else nothing."""
    from difflib import get_close_matches

    close = get_close_matches(key, BY_KEY, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""

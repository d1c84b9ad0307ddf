"""``vendortui config path|show|edit|keys``: where the config is, what is in effect, edit it.

``path`` and ``show`` are as cheap as ``--version`` plus one small TOML parse (no Textual, no
SQLModel); ``keys`` lists binding ids and needs the screens, so it imports Textual.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from vendortui.app.cli import command
from vendortui.app.cli.common import print_json
from vendortui.app.errors import KbError


@command("config path", "print where the config file is (it may not exist yet)")
def config_path(_args: argparse.Namespace) -> int:
    """The path only, so scripts can ``$EDITOR "$(vendortui config path)"``."""
    from vendortui.app.config.locate import config_path

    print(config_path())
    return 0


def _show_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="as a flag")
    parser.add_argument("--theme", default=argparse.SUPPRESS, help="as a flag")
    parser.add_argument("--json", action="store_true", help="print a JSON array")


@command("config show", "the effective settings and where each came from", _show_args)
def config_show(args: argparse.Namespace) -> int:
    """Every setting: value, then ``default``/``file (line N)``/``environment (VAR)``/``flag``."""
    from vendortui.app.config import current
    from vendortui.app.text import one_line

    flags = {"knowledge_base": getattr(args, "db", None), "theme": getattr(args, "theme", None)}
    config = current(flags)
    rows = []
    for key, resolved in config.settings.items():
        where = f"{resolved.source} ({resolved.where})" if resolved.where else resolved.source
        rows.append({"key": key, "value": resolved.value, "source": resolved.source, "from": where})
    for binding_id, keys in config.keymap.items():
        line = config.lines.get(f"keymap.{binding_id}")
        where = f"file (line {line})" if line else "file"
        rows.append({"key": f"keymap.{binding_id}", "value": keys, "source": "file", "from": where})
    if args.json:
        print_json({"file": str(config.path), "settings": rows, "problems": config.problems})
        return 0
    exists = "" if config.path.exists() else " (not created yet: `vendortui config edit`)"
    print(f"config file: {one_line(str(config.path))}{exists}")
    for row in rows:
        value = _shown(row["key"], row["value"], flags)
        print(f"{row['key']:<30} {one_line(value):<32} {row['from']}")
    return 0


def _shown(key: str, value: object, flags: dict[str, str | None]) -> str:
    """A value as the user reads it; an empty default says what it means in practice."""
    if value != "":
        return str(value)
    if key == "knowledge_base":
        from vendortui.app.paths import resolve_db_path

        return f"({resolve_db_path(flags['knowledge_base'])})"
    if key == "user":
        from vendortui.app.identity import current_user

        return f"({current_user()})"
    if key == "editor":
        for name in ("VISUAL", "EDITOR"):
            if os.environ.get(name):
                return f"(${name}: {os.environ[name]})"
        return "(none)"
    return "(none)"


@command("config edit", "open the config file in your editor (created, commented, if missing)")
def config_edit(_args: argparse.Namespace) -> int:
    """Create the commented file on first use, hand the terminal to the editor, then check
    what was saved (its problems are printed as sentences, like at every start)."""
    from vendortui.app.config import current
    from vendortui.app.config.editor import editor_command
    from vendortui.app.config.locate import config_path
    from vendortui.app.config.template import commented_config

    path = config_path()
    command = editor_command()
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "x", encoding="utf-8") as out:
                out.write(commented_config())
        except FileExistsError:
            pass
        except OSError as error:
            raise KbError(f"Could not create {path} ({error.strerror}).") from None
        print(f"Created {path} with every setting commented out.")
    try:
        result = subprocess.run([*command, str(path)], check=False)
    except OSError as error:
        raise KbError(f"Could not start the editor {command[0]!r} ({error.strerror}).") from None
    if result.returncode != 0:
        raise KbError(f"The editor {command[0]!r} exited with status {result.returncode}.")
    if not current().problems:
        print(f"{path} is fine; `vendortui config show` lists what is in effect.")
    return 0


def _keys_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--markdown", action="store_true", help="the README's table (keys as shipped)"
    )


@command(
    "config keys", "every key binding id with its keys as configured (for [keymap])", _keys_args
)
def config_keys(args: argparse.Namespace) -> int:
    """One line per binding id: id, keys in effect, what it does. Imports the screens."""
    from vendortui.app.config import current
    from vendortui.screens.keymap import check, effective_keymap, markdown, reference

    if args.markdown:
        print(markdown(reference()), end="")
        return 0
    config = current()
    keymap, problems = effective_keymap(config)
    for problem in problems + check(config, keymap):
        print(f"vendortui: {problem}", file=sys.stderr)
    for row in reference(keymap):
        print(f"{row.id:<28} {row.keys:<24} {row.description}")
    return 0

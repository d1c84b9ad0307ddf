"""The commented config file ``vendortui config edit`` creates on first use.

Written from the schema, so it names every setting with its default and its variable, and
stays valid TOML when any of its lines is uncommented (a test uncomments all of them).
"""

from __future__ import annotations

import json
import textwrap

from vendortui.app.config.schema import KEYMAP_TABLE, SETTINGS, Setting

HEAD = """\
# vendortui configuration. Every setting is commented out, so each has its default:
# remove the "# " in front of one to change it.
# What wins: a command-line flag, then a VENDORTUI_* environment variable, then this
# file, then the default. `vendortui config show` lists each effective value and where it
# came from. A mistake here is reported in one sentence and that setting keeps its default.
"""

KEYMAP_EXAMPLES = """\
# Move single actions (ids: `vendortui config keys`, or the README's Keys table);
# several keys are separated by commas.
# "home.filter" = "f"
# "vendor.back" = "escape,q,h"
"""


def toml_value(value: object) -> str:
    """A value as TOML spells it (JSON's string escapes are valid TOML basic strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)


def _entry(setting: Setting, name: str) -> str:
    variable = f"; also ${setting.env}" if setting.env else ""
    flag = f" or {setting.flag}" if setting.flag else ""
    text = f"{setting.help[:1].upper()}{setting.help[1:]}{variable}{flag}."
    comment = "\n".join(textwrap.wrap(text, 88, initial_indent="# ", subsequent_indent="# "))
    shown = setting.default if setting.default != "" else setting.example
    return f"\n{comment}\n# {name} = {toml_value(shown)}\n"


def commented_config() -> str:
    """The whole first-use file."""
    parts = [HEAD]
    table = ""
    for setting in SETTINGS:
        section, _, name = setting.key.rpartition(".")
        if section != table:
            parts.append(f"\n[{section}]\n")
            table = section
        parts.append(_entry(setting, name))
    if table != KEYMAP_TABLE:
        parts.append(f"\n[{KEYMAP_TABLE}]\n")
    parts.append("\n" + KEYMAP_EXAMPLES)
    return "".join(parts)

"""``vendortui config path|show|edit|keys`` as a user runs them, and the commented first file."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from tests.config.conftest import WriteConfig
from tests.core.cli_process import imported_after, run_cli
from vendortui.app.config import current
from vendortui.app.config.load import read_file
from vendortui.app.config.locate import config_path
from vendortui.app.config.schema import SETTINGS
from vendortui.app.config.template import commented_config


def test_path_prints_the_file_even_before_it_exists() -> None:
    out = run_cli("config", "path")
    assert (out.returncode, out.stdout, out.stderr) == (0, f"{config_path()}\n", "")


def test_show_says_where_each_value_came_from(
    write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config('theme = "nord"\n\n[probes]\ntimeout = 3\n[keymap]\n"home.filter" = "f"\n')
    monkeypatch.setenv("VENDORTUI_PROBE_CONCURRENCY", "4")
    out = run_cli("config", "show", "--theme", "dracula", "--json")
    assert out.returncode == 0, out.stderr
    shown = {row["key"]: (row["value"], row["from"]) for row in json.loads(out.stdout)["settings"]}
    assert shown["theme"] == ("dracula", "flag (--theme)")
    assert shown["probes.timeout"] == (3.0, "file (line 4)")
    assert shown["probes.concurrency"] == (4, "environment (VENDORTUI_PROBE_CONCURRENCY)")
    assert shown["due.rollout_stall_days"] == (14, "default")
    assert shown["keymap.home.filter"] == ("f", "file (line 6)")
    text = run_cli("config", "show").stdout
    assert re.search(r"^theme +nord +file \(line 1\)$", text, re.M)
    assert re.search(r"^user +\(tester@example.com\) +default$", text, re.M) is None
    assert re.search(r"^user +\(.+\) +default$", text, re.M)


def test_show_and_path_stay_off_textual_and_sqlmodel(write_config: WriteConfig) -> None:
    write_config('theme = "nord"\n')
    for command in (["config", "show"], ["config", "path"]):
        assert imported_after(command, ("textual", "sqlmodel", "sqlalchemy")) == []


def test_edit_creates_the_commented_file_then_checks_what_was_saved(tmp_path: Path) -> None:
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nsed -i "1i theme = 5" "$1"\n')
    editor.chmod(0o755)
    out = run_cli("config", "edit", env={"EDITOR": str(editor), "VISUAL": ""})
    assert out.returncode == 0, out.stderr
    path = config_path()
    assert out.stdout == f"Created {path} with every setting commented out.\n"
    assert path.read_text() == "theme = 5\n" + commented_config()
    [problem] = out.stderr.splitlines()
    assert problem.startswith(f"vendortui: {path}, line 1: theme must be a string in quotes")
    out = run_cli("config", "edit", env={"EDITOR": "true", "VISUAL": ""})
    assert "Created" not in out.stdout and out.returncode == 0


def test_edit_without_an_editor_is_one_sentence() -> None:
    out = run_cli("config", "edit", env={"EDITOR": "", "VISUAL": ""})
    assert out.returncode == 2
    assert out.stderr.startswith("vendortui: Set $EDITOR (or $VISUAL, or editor in the file")
    assert not config_path().exists()


def test_the_commented_file_is_all_defaults_and_every_line_uncommented_is_valid(
    tmp_path: Path,
) -> None:
    text = commented_config()
    assert tomllib.loads(text) == {"probes": {}, "due": {}, "keymap": {}}
    every = "\n".join(
        line[2:] if re.match(r"# [\w\"][\w.\"]* = ", line) else line for line in text.splitlines()
    )
    path = tmp_path / "config.toml"
    path.write_text(every)
    layer = read_file(path)
    assert layer.problems == []
    assert set(layer.values) == {setting.key for setting in SETTINGS}
    for setting in SETTINGS:
        assert layer.values[setting.key] == (setting.default or setting.example)
    assert layer.keymap == {"home.filter": "f", "vendor.back": "escape,q,h"}


def test_keys_lists_every_binding_id_as_configured(write_config: WriteConfig) -> None:
    write_config('[keymap]\nprofile = "vim"\n"home.filter" = "f"\n"home.nothing" = "x"\n')
    out = run_cli("config", "keys")
    assert out.returncode == 0
    rows = {line.split()[0]: line.split()[1] for line in out.stdout.splitlines()}
    assert rows["home.filter"] == "f"
    assert rows["list.open"] == "enter,l"
    assert rows["app.quit"] == "ctrl+q"
    [problem] = out.stderr.splitlines()
    assert "line 4: there is no key binding with the id 'home.nothing'" in problem
    assert current().problems == []

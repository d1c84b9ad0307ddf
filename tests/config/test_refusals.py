"""A broken config is one sentence (file, line, key) and the defaults for what it got wrong;
never a traceback, never a knowledge base that will not open."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.config.conftest import WriteConfig
from tests.core.cli_process import run_cli
from vendortui.app.config import current
from vendortui.app.config.schema import SETTINGS
from vendortui.app.kb import KnowledgeBase


def one_sentence(problem: str) -> None:
    """One line, ending like a sentence; never a traceback."""
    assert "\n" not in problem and "Traceback" not in problem
    assert problem.endswith(".")


@pytest.mark.parametrize(
    ("text", "line", "key", "why"),
    [
        ("theme = 5\n", 1, "theme", "must be a string in quotes, not 5"),
        ('[probes]\ntimeout = "ten"\n', 2, "probes.timeout", "must be a number of seconds"),
        ("[probes]\ntimeout = 0\n", 2, "probes.timeout", "from 0.5 to 300, not 0"),
        ("[probes]\nconcurrency = 2.5\n", 2, "probes.concurrency", "a whole number"),
        ("[probes]\nconcurrency = true\n", 2, "probes.concurrency", "not true"),
        ("probes.timeout = [1]\n", 1, "probes.timeout", "not a list"),
        ("[due]\n\nrollout_stall_days = 0\n", 3, "due.rollout_stall_days", "from 1 to 3650"),
        ("[due.cancel_by_warning_days]\n", 1, "due.cancel_by_warning_days", "not a table"),
        ('[keymap]\nprofile = "emacs"\n', 2, "keymap.profile", "one of 'default', 'vim'"),
        ('user = "me"\nknowledge_base = 3\n', 2, "knowledge_base", "a path in quotes"),
    ],
)
def test_a_wrong_type_names_file_line_and_key_and_keeps_the_default(
    write_config: WriteConfig, text: str, line: int, key: str, why: str
) -> None:
    path = write_config('editor = "kept"\n' + text)
    config = current()
    [problem] = config.problems
    one_sentence(problem)
    assert problem.startswith(f"{path}, line {line + 1}: {key} must be ")
    assert why in problem
    assert "uses the default" in problem
    assert config.settings[key].source == "default"
    assert config.value("editor") == "kept", "the rest of the file still counts"


@pytest.mark.parametrize(
    ("text", "line", "said"),
    [
        ('them = "nord"\n', 1, "unknown setting 'them' (did you mean 'theme'?); it is ignored."),
        ("[probes]\nretries = 3\n", 2, "unknown setting 'probes.retries' (did you mean"),
        ('[colours]\nbg = "red"\n', 1, "unknown setting 'colours'"),
        ("due = 3\n", 1, "due must be a table"),
        ('"quoted.key" = 1\n', 1, "unknown setting 'quoted.key'"),
        ('[keymap]\n"home.filter" = 6\n', 2, "the key for 'home.filter' must be a string"),
        ('[keymap]\n"home.filter" = " "\n', 2, "the key for 'home.filter' must be a string"),
    ],
)
def test_an_unknown_key_is_named_with_its_line_and_ignored(
    write_config: WriteConfig, text: str, line: int, said: str
) -> None:
    path = write_config('theme = "nord"\n' + text)
    config = current()
    [problem] = config.problems
    one_sentence(problem)
    assert problem.startswith(f"{path}, line {line + 1}: ")
    assert said in problem
    assert config.value("theme") == "nord"


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ('theme = "nord"\nuser = = "x"\n', "line 2, column 8"),
        ('theme = "nord\n', "line 1, column 14"),
        ("[probes]\n[probes]\n", "line 2, column 8"),
        ('theme = "a"\ntheme = "b"\n', "line 2, column 12"),
    ],
)
def test_a_syntax_error_names_line_and_column_and_everything_has_its_default(
    write_config: WriteConfig, text: str, position: str
) -> None:
    path = write_config(text)
    config = current()
    [problem] = config.problems
    one_sentence(problem)
    assert problem.startswith(f"{path}, {position}: not valid TOML (")
    assert problem.endswith("vendortui uses the defaults for every setting until it is fixed.")
    assert all(r.source == "default" for r in config.settings.values())


def test_a_file_that_is_not_utf8_or_not_readable(write_config: WriteConfig) -> None:
    path = write_config("")
    path.write_bytes(b'theme = "\xff"\n')
    [problem] = current().problems
    assert problem == (
        f"{path} is not UTF-8 text; vendortui uses the defaults for every setting until it is "
        "fixed."
    )
    path.unlink()
    path.mkdir()
    [problem] = current().problems
    assert problem.startswith(f"{path} could not be read (") and problem.endswith("every setting.")


@pytest.mark.parametrize(
    "setting",
    [s for s in SETTINGS if s.kind.what.startswith(("a number", "a whole", "one of"))],
    ids=lambda s: s.key,
)
def test_a_wrong_environment_value_is_named_and_ignored(
    setting: object, write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(setting.env, "lots")  # type: ignore[attr-defined]
    config = current()
    [problem] = config.problems
    one_sentence(problem)
    assert problem.startswith(f"{setting.env}='lots' is not ")  # type: ignore[attr-defined]
    assert problem.endswith(f"vendortui ignores it for {setting.key}.")  # type: ignore[attr-defined]
    assert config.settings[setting.key].source == "default"  # type: ignore[attr-defined]


BROKEN = (
    'theme = 5\n[probes]\ntimeout = "soon"\nretries = 2\n[keymap]\n"home.filter" = "f"\n'
    "[due]\nrollout_stall_days = = 3\n"
)


@pytest.mark.parametrize("command", [["vendors"], ["due"], ["show", "acme"], ["config", "show"]])
def test_commands_still_open_the_knowledge_base_with_a_broken_config(
    write_config: WriteConfig, kb: KnowledgeBase, command: list[str]
) -> None:
    kb.add_vendor("Acme")
    path = write_config(BROKEN)
    out = run_cli(*command, "--db", str(kb.path))
    assert out.returncode == 0, out.stderr
    [line] = out.stderr.splitlines()
    assert line == (
        f"vendortui: {path}, line 8, column 22: not valid TOML (invalid value); vendortui uses "
        "the defaults for every setting until it is fixed."
    )
    path.write_text(BROKEN.replace("= = 3", "= 3"))
    out = run_cli(*command, "--db", str(kb.path))
    assert out.returncode == 0, out.stderr
    lines = out.stderr.splitlines()
    assert [re.sub(r":.*", "", line.removeprefix(f"vendortui: {path}, ")) for line in lines] == [
        "line 1",
        "line 3",
        "line 4",
    ]
    assert "Traceback" not in out.stderr
    if command[0] == "vendors":
        assert out.stdout.startswith("Acme\t")


def test_an_unreadable_home_still_opens(kb: KnowledgeBase, tmp_path: Path) -> None:
    out = run_cli(
        "vendors", "--db", str(kb.path), env={"XDG_CONFIG_HOME": "", "HOME": str(tmp_path / "none")}
    )
    assert out.returncode == 0 and out.stderr == ""

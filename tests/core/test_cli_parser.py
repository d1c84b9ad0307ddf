"""The command line's grammar: nested sub-commands, typo suggestions, the log, honest crashes.

Each test runs vendortui as a user does (a real process, a real knowledge-base file, a real
user state folder given through ``XDG_STATE_HOME``), except the help walk, which runs ``main``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.core.cli_process import run_cli
from vendortui.app.cli import COMMANDS, load_commands, main
from vendortui.app.kb import KnowledgeBase


def run(*args: str, state: Path, code: str | None = None) -> subprocess.CompletedProcess[str]:
    """vendortui with its own user state folder (where the log goes)."""
    return run_cli(*args, code=code, env={"XDG_STATE_HOME": str(state)})


def log_file(state: Path) -> Path:
    return state / "vendortui" / "log" / "vendortui.log"


def test_every_command_answers_help_under_its_own_words(
    capsys: pytest.CaptureFixture[str],
) -> None:
    load_commands()
    named = [words for words in COMMANDS if words]
    assert len(named) > 20
    for words in named:
        with pytest.raises(SystemExit) as exited:
            main([*words, "--help"])
        assert exited.value.code == 0
        assert capsys.readouterr().out.startswith(f"usage: vendortui {' '.join(words)} ")


def test_a_vendor_named_like_a_command_is_probed_and_shown(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    kb.add_vendor("list")
    db = str(kb.path)
    probed = run("probe", "run", "list", "--db", db, state=tmp_path)
    assert probed.returncode == 2 and "no probes" in probed.stderr.lower(), probed.stderr
    assert run("probe", "list", "--db", db, state=tmp_path).returncode == 0
    assert run("show", "list", "--db", db, state=tmp_path).stdout.startswith("# list (list)")


@pytest.mark.parametrize(
    ("argv", "suggestion"),
    [
        (["vendrs"], "Did you mean 'vendors'?"),
        (["conflicts", "resolv", "abc"], "Did you mean 'resolve'?"),
        (["checklist", "strat", "a", "b"], "Did you mean 'start'?"),
        (["vendors", "--jsn"], "Did you mean '--json'?"),
        (["show", "acme", "--jason"], "Did you mean '--json'?"),
    ],
)
def test_a_typo_gets_the_nearest_command_in_one_line(
    tmp_path: Path, argv: list[str], suggestion: str
) -> None:
    result = run(*argv, "--db", str(tmp_path / "kb.db"), state=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("vendortui: ") and result.stderr.count("\n") == 1
    assert suggestion in result.stderr
    assert not (tmp_path / "kb.db").exists()


def test_a_vendor_name_close_to_a_probe_command_asks_which_was_meant(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    result = run("probe", "lsit", "--db", str(kb.path), state=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "no vendor called 'lsit'" in result.stderr
    assert "Did you mean `vendortui probe list`?" in result.stderr


def test_options_go_before_or_after_the_command_words(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.add_vendor("Acme")
    db = str(kb.path)
    after = run("vendors", "--db", db, state=tmp_path)
    before = run("--db", db, "vendors", state=tmp_path)
    assert after.returncode == before.returncode == 0
    assert after.stdout == before.stdout and "Acme" in after.stdout


def test_a_group_alone_lists_its_commands(tmp_path: Path) -> None:
    result = run("secret", state=tmp_path)
    assert result.returncode == 0
    for name in ("secret set", "secret check", "secret delete"):
        assert name in result.stdout


def test_verbose_tells_stderr_and_the_log_and_a_quiet_run_writes_no_log(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    db = str(kb.path)
    assert run("vendors", "--db", db, state=tmp_path).returncode == 0
    assert not log_file(tmp_path).exists()
    loud = run("-v", "vendors", "--db", db, state=tmp_path)
    assert loud.returncode == 0 and "vendortui vendors: started" in loud.stderr
    later = run("vendors", "add", "Acme", "--db", db, "--verbose", state=tmp_path)
    assert later.returncode == 0 and "vendortui vendors add: exit 0" in later.stderr
    logged = log_file(tmp_path).read_text()
    assert "vendortui vendors: started" in logged and "vendortui vendors add: exit 0" in logged
    assert "Acme" not in logged  # argument values are never logged


CRASHING = """
import sys
from vendortui.app.cli import command, main

def configure(parser):
    parser.add_argument("value")

@command("boom", "fails on purpose", configure)
def boom(args):
    raise RuntimeError("internal state")

sys.exit(main(["boom", "hunter2"]))
"""


def test_a_crash_says_where_the_traceback_is_and_logs_no_argument(tmp_path: Path) -> None:
    result = run(state=tmp_path, code=CRASHING)
    assert result.returncode == 3
    assert "Traceback" not in result.stderr and "RuntimeError" in result.stderr
    assert str(log_file(tmp_path)) in result.stderr
    logged = log_file(tmp_path).read_text()
    assert "Traceback" in logged and "RuntimeError: internal state" in logged
    assert "hunter2" not in logged


def test_a_broken_install_is_not_reported_as_a_saved_change(tmp_path: Path) -> None:
    """An import error at start: no claim about saving, the log named, the traceback in it."""
    code = (
        "import sys; sys.modules['vendortui.app.db'] = None\n"
        "from vendortui.app.cli import main; sys.exit(main(['vendors']))"
    )
    result = run(state=tmp_path, code=code)
    assert result.returncode == 3
    assert "could not start" in result.stderr and "saved" not in result.stderr
    assert str(log_file(tmp_path)) in result.stderr
    assert "ModuleNotFoundError" in log_file(tmp_path).read_text()

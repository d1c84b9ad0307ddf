"""The command line's grammar: nested sub-commands, typo suggestions, the log, honest crashes.

Each test runs vendortui as a user does (a real process, a real knowledge-base file, a real
user state folder: the shared ``user_dirs`` fixture's ``XDG_STATE_HOME``), except the help
walk, which runs ``main``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.cli_process import run_cli
from tests.user_dirs import UserDirs
from vendortui.app.cli import COMMANDS, load_commands, main
from vendortui.app.kb import KnowledgeBase


def log_file(dirs: UserDirs) -> Path:
    return dirs.state / "vendortui" / "log" / "vendortui.log"


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


def test_a_vendor_named_like_a_command_is_probed_and_shown(kb: KnowledgeBase) -> None:
    kb.add_vendor("list")
    db = str(kb.path)
    probed = run_cli("probe", "run", "list", "--db", db)
    assert probed.returncode == 2 and "no probes" in probed.stderr.lower(), probed.stderr
    assert run_cli("probe", "list", "--db", db).returncode == 0
    assert run_cli("show", "list", "--db", db).stdout.startswith("# list (list)")


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
    result = run_cli(*argv, "--db", str(tmp_path / "kb.db"))
    assert result.returncode == 2
    assert result.stderr.startswith("vendortui: ") and result.stderr.count("\n") == 1
    assert suggestion in result.stderr
    assert not (tmp_path / "kb.db").exists()


def test_a_vendor_name_close_to_a_probe_command_asks_which_was_meant(kb: KnowledgeBase) -> None:
    result = run_cli("probe", "lsit", "--db", str(kb.path))
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "no vendor called 'lsit'" in result.stderr
    assert "Did you mean `vendortui probe list`?" in result.stderr


def test_options_go_before_or_after_the_command_words(kb: KnowledgeBase) -> None:
    kb.add_vendor("Acme")
    db = str(kb.path)
    after = run_cli("vendors", "--db", db)
    before = run_cli("--db", db, "vendors")
    assert after.returncode == before.returncode == 0
    assert after.stdout == before.stdout and "Acme" in after.stdout


def test_a_group_alone_lists_its_commands() -> None:
    result = run_cli("secret")
    assert result.returncode == 0
    for name in ("secret set", "secret check", "secret delete"):
        assert name in result.stdout


def test_verbose_tells_stderr_and_the_log_and_a_quiet_run_writes_no_log(
    kb: KnowledgeBase, user_dirs: UserDirs
) -> None:
    db = str(kb.path)
    assert run_cli("vendors", "--db", db).returncode == 0
    assert not log_file(user_dirs).exists()
    loud = run_cli("-v", "vendors", "--db", db)
    assert loud.returncode == 0 and "vendortui vendors: started" in loud.stderr
    later = run_cli("vendors", "add", "Acme", "--db", db, "--verbose")
    assert later.returncode == 0 and "vendortui vendors add: exit 0" in later.stderr
    logged = log_file(user_dirs).read_text()
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


def test_a_crash_says_where_the_traceback_is_and_logs_no_argument(user_dirs: UserDirs) -> None:
    result = run_cli(code=CRASHING)
    assert result.returncode == 3
    assert "Traceback" not in result.stderr and "RuntimeError" in result.stderr
    assert str(log_file(user_dirs)) in result.stderr
    logged = log_file(user_dirs).read_text()
    assert "Traceback" in logged and "RuntimeError: internal state" in logged
    assert "hunter2" not in logged


def test_a_broken_install_is_not_reported_as_a_saved_change(user_dirs: UserDirs) -> None:
    """An import error at start: no claim about saving, the log named, the traceback in it."""
    code = (
        "import sys; sys.modules['vendortui.app.db'] = None\n"
        "from vendortui.app.cli import main; sys.exit(main(['vendors']))"
    )
    result = run_cli(code=code)
    assert result.returncode == 3
    assert "could not start" in result.stderr and "saved" not in result.stderr
    assert str(log_file(user_dirs)) in result.stderr
    assert "ModuleNotFoundError" in log_file(user_dirs).read_text()

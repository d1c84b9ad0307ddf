"""``vendortui completion``: the scripts driven by the real shells, slugs from a real file.

bash runs its script with ``COMP_WORDS`` set and the completion function called, as readline
would; zsh runs the same function through its own ``bashcompinit`` (``compgen -F``, which is
what zsh's ``_bash_complete`` calls; zsh then keeps the words that start with what is typed,
as ``compadd`` does); fish answers ``complete -C`` for a command line. zsh and fish tests skip
only when the shell is not installed (Debian packages ``zsh`` and ``fish``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.core.cli_process import run_cli
from tests.planting import plant
from vendortui.app.cli import COMMANDS, load_commands
from vendortui.app.cli.parser import build
from vendortui.app.cli.registry import command
from vendortui.app.completion.scripts import SCRIPTS
from vendortui.app.completion.spec import nodes
from vendortui.app.kb import KnowledgeBase

BIN = Path(sys.executable).parent
SHELLS = {name: shutil.which(name) for name in ("bash", "zsh", "fish")}


def _script(shell: str) -> str:
    load_commands()
    return SCRIPTS[shell](nodes(build("0")))


def _env(db: Path | None) -> dict[str, str]:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    if db is not None:
        env["VENDORTUI_DB"] = str(db)
    return env


def bash_complete(script: str, words: list[str], env: dict[str, str], cwd: Path) -> list[str]:
    driver = (
        'source /dev/stdin; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); '
        '_vendortui; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    out = subprocess.run(
        [SHELLS["bash"], "--norc", "-c", driver, "bash", "vendortui", *words],
        input=script, capture_output=True, text=True, timeout=60, env=env, cwd=cwd,
    )  # fmt: skip
    assert out.returncode == 0 and out.stderr == "", out.stderr
    return sorted({line for line in out.stdout.splitlines() if line})


def zsh_complete(script: str, words: list[str], env: dict[str, str], cwd: Path) -> list[str]:
    folder = cwd / ".zsh-driver"
    folder.mkdir(exist_ok=True)
    (folder / "script.zsh").write_text(script)
    driver = (
        "autoload -U compinit && compinit -u -D; source ${0:h}/script.zsh\n"
        'words=(vendortui "$@"); CURRENT=$#words\n'
        'COMP_WORDS=("${words[@]}"); COMP_CWORD=$(( CURRENT - 1 ))\n'
        'compgen -F _vendortui -- "${words[CURRENT]}"\n'
    )
    (folder / "driver.zsh").write_text(driver)
    out = subprocess.run(
        [SHELLS["zsh"], "-f", str(folder / "driver.zsh"), *words],
        capture_output=True, text=True, timeout=60, env={**env, "ZDOTDIR": str(folder)}, cwd=cwd,
    )  # fmt: skip
    assert out.returncode == 0 and out.stderr == "", out.stderr
    typed = words[-1]
    return sorted({line for line in out.stdout.splitlines() if line and line.startswith(typed)})


def fish_complete(script: str, words: list[str], env: dict[str, str], cwd: Path) -> list[str]:
    folder = cwd / ".fish-driver"
    folder.mkdir(exist_ok=True)
    (folder / "vendortui.fish").write_text(script)
    line = " ".join(["vendortui", *words])
    out = subprocess.run(
        [SHELLS["fish"], "--no-config", "-c",
         f"source {folder / 'vendortui.fish'}; complete -C {json.dumps(line)}"],
        capture_output=True, text=True, timeout=60, env={**env, "HOME": str(folder)}, cwd=cwd,
    )  # fmt: skip
    assert out.returncode == 0 and out.stderr == "", out.stderr
    return sorted({row.split("\t")[0] for row in out.stdout.splitlines() if row})


Driver = Callable[[str, list[str], dict[str, str], Path], list[str]]
DRIVERS = {"bash": bash_complete, "zsh": zsh_complete, "fish": fish_complete}


@pytest.fixture(params=list(DRIVERS))
def shell(request: pytest.FixtureRequest) -> str:
    if SHELLS[request.param] is None:
        pytest.skip(f"{request.param} is not installed (Debian package {request.param})")
    return request.param


@pytest.fixture
def complete(shell: str, tmp_path: Path) -> Callable[..., list[str]]:
    script = _script(shell)

    def run(*words: str, db: Path | None = None, cwd: Path = tmp_path) -> list[str]:
        return DRIVERS[shell](script, list(words), _env(db), cwd)

    return run


@pytest.fixture
def vendors_kb(kb: KnowledgeBase) -> KnowledgeBase:
    for name in ("GitHub", "GitLab", "Okta", "Google Workspace"):
        kb.add_vendor(name)
    gone = kb.add_vendor("Gone Vendor")
    kb.delete(type(gone), gone.id)
    return kb


def _top_level() -> list[str]:
    load_commands()
    return sorted({words[0] for words in COMMANDS if words})


def test_commands_and_options_come_from_the_parser(complete, vendors_kb: KnowledgeBase) -> None:
    assert complete("", db=vendors_kb.path) == _top_level()
    assert complete("re", db=vendors_kb.path) == ["report"]
    report = next(n for n in nodes(build("0")) if n.path == "report")
    assert complete("report", "-", db=vendors_kb.path) == sorted(report.options)
    assert complete("report", "--format", "", db=vendors_kb.path) == ["html", "markdown"]
    assert complete("completion", "", db=vendors_kb.path) == ["bash", "fish", "zsh"]
    assert complete("checklist", "", db=vendors_kb.path) == sorted(
        words[1] for words in COMMANDS if len(words) == 2 and words[0] == "checklist"
    )


def test_vendor_slugs_where_a_vendor_goes(complete, vendors_kb: KnowledgeBase) -> None:
    db = vendors_kb.path
    assert complete("show", "g", db=db) == ["github", "gitlab", "google-workspace"]
    assert complete("show", "git", db=db) == ["github", "gitlab"]
    assert complete("show", "", db=db) == ["github", "gitlab", "google-workspace", "okta"]
    assert complete("checklist", "start", "o", db=db) == ["okta"]
    assert complete("checklist", "start", "okta", "", db=db) == [], "a template goes there"
    assert complete("show", "okta", "", db=db) == [], "show takes one vendor"
    assert complete("probe", "run", "okta", "g", db=db) == ["github", "gitlab", "google-workspace"]
    # ``probe okta`` is ``probe run okta``: sub-commands and vendors, then run's options.
    assert complete("probe", "", db=db) == [
        "add",
        "github",
        "gitlab",
        "google-workspace",
        "list",
        "okta",
        "run",
    ]
    assert "--fail-on" in complete("probe", "okta", "--f", db=db)
    assert complete("probe", "okta", "--fail-on", "", db=db) == ["error", "warning"]


def test_the_db_typed_on_the_line_is_the_one_read(
    complete, vendors_kb: KnowledgeBase, tmp_path: Path
) -> None:
    other = KnowledgeBase.open(tmp_path / "other.db")
    other.add_vendor("Zendesk")
    other.db.close()
    assert complete("show", "--db", str(other.path), "", db=vendors_kb.path) == ["zendesk"]
    assert complete("--db", str(other.path), "show", "z", db=vendors_kb.path) == ["zendesk"]


def test_paths_complete_as_files(complete, vendors_kb: KnowledgeBase, tmp_path: Path) -> None:
    (tmp_path / "reports").mkdir()
    (tmp_path / "report-old.html").write_text("x")
    found = complete("report", "--output", "rep", db=vendors_kb.path, cwd=tmp_path)
    assert {"report-old.html"} <= {f.rstrip("/") for f in found}
    assert any(f.rstrip("/") == "reports" for f in found)


def test_unsafe_slugs_are_never_offered(complete, vendors_kb: KnowledgeBase) -> None:
    rows = {row.slug: row.id for row in vendors_kb.vendor_rows()}
    plant(vendors_kb.path, "vendor", rows["github"], slug="gh$(touch pwned)")
    plant(vendors_kb.path, "vendor", rows["gitlab"], slug="g l;rm")
    assert complete("show", "g", db=vendors_kb.path) == ["google-workspace"]


def test_no_file_no_slugs_and_nothing_created(complete, tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    assert complete("show", "", db=missing) == []
    assert not missing.exists()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    assert complete("show", "", db=junk) == []


def test_a_command_registered_later_is_completed_without_editing_a_script(
    vendors_kb: KnowledgeBase, tmp_path: Path
) -> None:
    load_commands()

    def configure(parser) -> None:
        parser.add_argument("vendor", metavar="VENDOR")
        parser.add_argument("--level", choices=("low", "high"))

    command("zz-audit", "a command added by a future module", configure)(lambda args: 0)
    try:
        script = SCRIPTS["bash"](nodes(build("0")))
    finally:
        del COMMANDS[("zz-audit",)]
    env = _env(vendors_kb.path)
    assert "zz-audit" in bash_complete(script, ["zz"], env, tmp_path)
    assert bash_complete(script, ["zz-audit", "--level", ""], env, tmp_path) == ["high", "low"]
    assert bash_complete(script, ["zz-audit", "ok"], env, tmp_path) == ["okta"]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_complete_reads_without_sqlmodel_and_never_writes(vendors_kb: KnowledgeBase) -> None:
    vendors_kb.db.close()
    before = _digest(vendors_kb.path)
    code = (
        "import sys; from vendortui.app.cli import main\n"
        f"main(['__complete', 'slugs', '--db', {str(vendors_kb.path)!r}, 'g'])\n"
        "heavy = ('sqlmodel', 'sqlalchemy', 'textual', 'rich', 'argparse', 'alembic', 'logging')\n"
        "print('loaded:', sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.splitlines() == ["github", "gitlab", "google-workspace", "loaded: []"]
    assert _digest(vendors_kb.path) == before
    assert sorted(p.name for p in vendors_kb.path.parent.iterdir() if "kb.db" in p.name) == [
        "kb.db"
    ]


def test_unknown_complete_requests_print_nothing() -> None:
    for argv in (["__complete"], ["__complete", "templates", "x"], ["__complete", "slugs", "--db"]):
        out = run_cli(*argv)
        assert (out.returncode, out.stdout, out.stderr) == (0, "", "")


def test_completion_refuses_an_unknown_shell_in_one_line() -> None:
    out = run_cli("completion", "tcsh")
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "tcsh" in out.stderr

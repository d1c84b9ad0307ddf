"""Registering the merge and diff (textconv) drivers so plain git handles the database too.

The attribute line goes both in the committed ``.gitattributes`` (teammates get it) and in
``.git/info/attributes`` (in force before ``.gitattributes`` is checked out or committed, and
read by ``git merge-tree``). The driver commands live in ``.git/config`` only: git never takes
commands from a cloned repository, so each clone configures its own, with the absolute path
of the interpreter running now (a PATH lookup or shim doubles the driver's start-up cost).
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from vendortui.app.sync.repo import DB_NAME, TMP_SUFFIX, Repo

DRIVER = "vendortui"
ATTRIBUTES_LINE = f"/{DB_NAME} merge={DRIVER} diff={DRIVER} -text"
IGNORED = (
    f"/{DB_NAME}-journal",
    f"/{DB_NAME}-wal",
    f"/{DB_NAME}-shm",
    f"*{TMP_SUFFIX}",
)


def _command(*words: str) -> str:
    """A shell command line running the installed ``vendortui WORDS`` with this interpreter.

    git runs drivers inside the repository, and a plain ``python -m`` puts the current folder
    first on ``sys.path``: a ``vendortui/__main__.py`` committed by anyone with push access
    would run on every teammate's machine. Isolated mode (``-I``: no current folder, no
    ``PYTHON*`` variables, no user site) imports only what is installed; a package installed
    with ``pip --user`` needs the user site, so there ``-E -P`` keep the same protection.
    """
    return " ".join([shlex.quote(sys.executable), *_isolation(), "-m", "vendortui", *words])


def _isolation() -> tuple[str, ...]:
    import site

    import vendortui

    user_site = site.getusersitepackages()
    if user_site and Path(vendortui.__file__).resolve().is_relative_to(Path(user_site).resolve()):
        return ("-E", "-P")
    return ("-I",)


def _ensure_lines(path: Path, lines: tuple[str, ...]) -> bool:
    """Append the missing ``lines`` to a text file; True if it changed."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    present = {line.strip() for line in text.splitlines()}
    missing = [line for line in lines if line not in present]
    if not missing:
        return False
    if text and not text.endswith("\n"):
        text += "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n".join(missing) + "\n", encoding="utf-8")
    return True


def write_repo_files(repo: Repo) -> list[str]:
    """Ensure the committed ``.gitattributes`` and ``.gitignore``; returns the changed ones."""
    changed = []
    if _ensure_lines(repo.worktree / ".gitattributes", (ATTRIBUTES_LINE,)):
        changed.append(".gitattributes")
    if _ensure_lines(repo.worktree / ".gitignore", IGNORED):
        changed.append(".gitignore")
    return changed


def _settings() -> dict[str, dict[str, str]]:
    """The driver sections this clone must hold: ``{section: {key: value}}``."""
    return {
        f'merge "{DRIVER}"': {
            "name": "vendortui three-way merge of the SQLite knowledge base",
            "driver": _command("merge-driver", "%O", "%A", "%B"),
        },
        f'diff "{DRIVER}"': {"textconv": _command("dump")},
    }


PULL_SECTION = "pull"
PULL_SETTINGS = {"rebase": "false"}
"""``git pull`` merges, so the merge driver runs with ours and theirs the right way round
(during a rebase git swaps them), and a current git, which refuses to pull divergent
branches until told how, pulls at all. Only these keys are ours: the rest of ``[pull]`` is
the user's."""


def configure(repo: Repo) -> None:
    """Register both drivers and the pull mode in ``.git/config``, and the attribute in
    ``.git/info/attributes``.

    Each driver section is removed first, so a key this build does not set (a
    ``diff.vendortui.command`` that would run instead of the textconv, say) does not survive.
    """
    for section, values in _settings().items():
        kind = section.split()[0]
        repo.run("config", "--local", "--remove-section", f"{kind}.{DRIVER}", check=False)
        for key, value in values.items():
            repo.run("config", "--local", f"{kind}.{DRIVER}.{key}", value)
    _set_pull(repo)
    _ensure_lines(repo.gitdir / "info" / "attributes", (ATTRIBUTES_LINE,))


def _set_pull(repo: Repo) -> None:
    for key, value in PULL_SETTINGS.items():
        repo.run("config", "--local", f"{PULL_SECTION}.{key}", value)


def _held_sections(config_text: str) -> dict[str, set[str]]:
    """The lines of each vendortui driver section, and of ``[pull]``, in a ``.git/config``
    text, as git writes it."""
    sections = {*_settings(), PULL_SECTION}
    held: dict[str, set[str]] = {}
    current: set[str] | None = None
    for raw in config_text.splitlines():
        line = raw.strip()
        if line.startswith("["):
            header = line.strip("[]")
            current = held.setdefault(header, set()) if header in sections else None
        elif current is not None and line:
            current.add(line)
    return held


def refresh(repo: Repo) -> bool:
    """Rewrite the drivers and the pull mode a clone holds when they differ from this
    build's; True if it did.

    A clone keeps whatever command was registered when it was made: an older vendortui's
    (``python -m app.sync``, which imports from the working tree), an interpreter since moved,
    or an edited one; and a clone made before ``init``/``clone`` set ``pull.rebase`` lacks it.
    Called on every open, so the common case reads ``.git/config`` as text and starts no
    process; a clone that never registered the drivers is left alone.
    """
    try:
        text = (repo.gitdir / "config").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    held = _held_sections(text)
    pull = held.pop(PULL_SECTION, set())
    if not held:
        return False
    wanted = {
        section: {f"{key} = {value}" for key, value in values.items()}
        for section, values in _settings().items()
    }
    if held != wanted:
        configure(repo)
        return True
    if not {f"{key} = {value}" for key, value in PULL_SETTINGS.items()} <= pull:
        _set_pull(repo)
        return True
    return False

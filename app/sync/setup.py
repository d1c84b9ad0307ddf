"""Setting up a team knowledge base: ``init`` (create or adopt) and ``clone`` (join).

Both leave a clone that plain git handles as well as ``vendortui sync``: the merge and diff
drivers registered, ``git pull`` set to merge (a current git refuses to pull divergent
branches until told how).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

from vendortui.app import dbfile
from vendortui.app.db import Database
from vendortui.app.errors import KbError
from vendortui.app.paths import record_default_db
from vendortui.app.sync import commits, drivers
from vendortui.app.sync.repo import DB_NAME, NETWORK_TIMEOUT, Repo, redact, remote_failure
from vendortui.app.sync.run import preflight


def _remote_has_branches(repo: Repo, url: str) -> bool:
    done = repo.run("ls-remote", "--heads", url, check=False, timeout=NETWORK_TIMEOUT)
    if done.returncode != 0:
        raise KbError(
            f"Could not reach {redact(url)} because {remote_failure(done)}; nothing was changed."
        )
    return bool(done.stdout.strip())


def init(folder: Path, remote: str | None = None, *, source: Path | None = None) -> Path:
    """Create or adopt a team knowledge base in ``folder``; returns the database path."""
    folder = Path(os.path.abspath(folder))
    dbfile.check_folder(folder)
    if source is not None:
        Database.open(source, for_writing=False).close()  # refused before anything is made
    adopting = (folder / ".git").exists()
    repo = Repo(folder, folder / ".git")
    if remote and not adopting:
        folder.mkdir(parents=True, exist_ok=True)
        if _remote_has_branches(repo, remote):
            raise KbError(
                f"{redact(remote)} already holds a repository; join it with "
                f"vendortui clone {redact(remote)} {folder} (nothing was changed)."
            )
    folder.mkdir(parents=True, exist_ok=True)
    if not adopting:
        repo.run("init", "-q", "-b", "main")
    elif repo.operation_in_progress():
        preflight(repo)
    db_path = folder / DB_NAME
    if source is not None and not db_path.exists():
        _copy_database(source, db_path)
    Database.open(db_path, create_folder=True).close()
    changed = drivers.write_repo_files(repo)
    drivers.configure(repo)
    paths = [DB_NAME, *changed]
    repo.run("add", "--", *paths)
    if repo.run("diff", "--cached", "--quiet", "--", *paths, check=False).returncode:
        problem = repo.identity_problem()
        if problem:
            raise KbError(problem)
        repo.run(
            "commit",
            "-q",
            "--no-verify",
            "-m",
            f"vendortui: team knowledge base\n\n{commits.trailers()}",
            "--",
            *paths,
        )
    if remote:
        current = repo.out("remote", "get-url", "origin", check=False)
        if not current:
            repo.run("remote", "add", "origin", remote)
        elif current != remote:
            raise KbError(
                f"{folder} already has a different origin ({redact(current)}); change it with "
                "git remote set-url origin URL, or leave out --remote."
            )
        branch = repo.branch() or "main"
        done = repo.run(
            "push",
            "-q",
            "-u",
            "origin",
            f"HEAD:refs/heads/{branch}",
            check=False,
            timeout=NETWORK_TIMEOUT,
        )
        if done.returncode:
            raise KbError(
                f"The knowledge base is ready in {folder}, but pushing to {redact(remote)} "
                f"failed because {remote_failure(done)}; run vendortui sync when it is reachable."
            )
    record_default_db(db_path)
    return db_path


def _copy_database(source: Path, dest: Path) -> None:
    """Copy an existing knowledge base (validated by ``init``) through SQLite's backup API
    (consistent while in use)."""
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    out = sqlite3.connect(dest)
    try:
        src.backup(out)
    finally:
        src.close()
        out.close()


def _checkout_only_branch(repo: Repo) -> None:
    """A remote whose HEAD names a branch that does not exist (a bare repository created with
    git's old ``master`` default while we push ``main``) clones empty: take its one branch,
    or ``main``, instead."""
    listed = repo.run("branch", "-r", "--format=%(refname:short)").stdout.decode().split()
    branches = [b for b in listed if b != "origin/HEAD" and b.startswith("origin/")]
    pick = (
        "origin/main" if "origin/main" in branches else (branches[0] if len(branches) == 1 else "")
    )
    if pick:
        repo.run("checkout", "-q", "-B", pick.split("/", 1)[1], "--track", pick)


def clone(url: str, folder: Path) -> Path:
    """Join an existing team knowledge base: clone, configure the drivers, make it default."""
    folder = Path(os.path.abspath(folder))
    dbfile.check_folder(folder)
    if folder.exists() and any(folder.iterdir()):
        raise KbError(f"{folder} already exists and is not empty; pass a new folder.")
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    repo = Repo(folder, folder / ".git")
    db_path = folder / DB_NAME
    source = os.path.abspath(url) if os.path.exists(url) else url  # git runs inside folder
    try:
        done = repo.run("clone", "-q", "--", source, ".", check=False, timeout=NETWORK_TIMEOUT)
        if done.returncode:
            raise KbError(
                f"Could not clone {redact(url)} because {remote_failure(done)}; "
                "nothing was changed."
            )
        if not db_path.exists():
            _checkout_only_branch(repo)
        if not db_path.exists():
            raise KbError(
                f"{redact(url)} holds no {DB_NAME}, so it is not a vendortui knowledge base; "
                "create one with vendortui init DIR --remote URL."
            )
        Database.open(db_path, for_writing=False).close()
    except KbError:
        if created:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            for child in folder.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        raise
    drivers.configure(repo)
    record_default_db(db_path)
    return db_path

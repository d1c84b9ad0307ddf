"""Team sync as a service: ``init``, ``clone``, ``sync`` and the merge driver.

The command line and (later) the TUI call these from any thread; ``progress`` receives one
short sentence per step. The order of a sync is chosen so that a kill at any point loses
nothing and the next sync finishes the job:

1. refuse (changing nothing) if git is mid-merge/rebase or other files have changes;
2. fetch, and refuse (changing nothing but remote-tracking refs) if the remote's schema is
   newer than this build knows;
3. commit the local database (``git add`` under SQLite's shared lock, so no torn read);
4. fast-forward or merge: under the exclusive lock, read the live file, build the result in a
   temporary file, write the new commit object, record the swap in ``.git/vendortui``, rename
   the result over the live file; then move index, work tree and branch (``adopt``). A sync
   killed after the rename finds the record and completes the ref update;
5. push; a rejected push (the remote moved) fetches and merges again, a few times.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from vendortui.app.db import Database, connect_raw
from vendortui.app.errors import KbError
from vendortui.app.sync import drivers, merge, summary
from vendortui.app.sync.repo import DB_NAME, NETWORK_TIMEOUT, TMP_SUFFIX, Repo, Upstream, redact
from vendortui.app.sync.swap import LiveLock

Progress = Callable[[str], None]
PUSH_ATTEMPTS = 5
SWAP_RECORD = "swap.json"
STATE_FILE = "state.json"
VERSION_TRAILER = "Vendortui-Version"
SCHEMA_TRAILER = "Vendortui-Schema"


@dataclass
class SyncReport:
    """What a sync did, for the command line and the TUI."""

    path: Path
    committed: str = ""
    """Summary of the local changes committed (empty if there were none)."""
    action: str = "up to date"
    """``up to date``, ``fast-forward``, ``merged``, ``pushed``, ``offline``, ``no remote``."""
    incoming: list[str] = field(default_factory=list)
    """Sentences about what came in, with the names from the data (control chars removed)."""
    new_conflicts: int = 0
    open_conflicts: int = 0
    pushed: bool = False
    remote: str = ""
    problem: str = ""
    """Why the sync could not reach the remote (the local commit is kept)."""

    def headline(self) -> str:
        """One line: what came in and what needs a person."""
        parts = []
        if self.incoming:
            parts.append(
                self.incoming[0]
                + (f" (+{len(self.incoming) - 1} more)" if len(self.incoming) > 1 else "")
            )
        if self.open_conflicts:
            word = "conflict" if self.open_conflicts == 1 else "conflicts"
            parts.append(f"{self.open_conflicts} {word} to resolve")
        if self.problem:
            parts.append(self.problem)
        return "; ".join(parts) or f"{self.action}"

    def lines(self) -> list[str]:
        """The full report as printed by ``vendortui sync``."""
        out = []
        if self.committed:
            out.append(f"Committed local changes: {self.committed}.")
        if self.problem:
            out.append(self.problem)
        elif self.action == "no remote":
            out.append("No remote is configured; add one with git remote add origin URL.")
        else:
            where = f" with {self.remote}" if self.remote else ""
            pushed = ", pushed" if self.pushed and self.action != "pushed" else ""
            out.append(f"Synced{where}: {self.action}{pushed}.")
        if self.incoming:
            out.append("Came in:")
            out += [f"  {line}" for line in self.incoming]
        if self.open_conflicts:
            word = "conflict" if self.open_conflicts == 1 else "conflicts"
            new = f" ({self.new_conflicts} new)" if self.new_conflicts else ""
            out.append(
                f"{self.open_conflicts} {word} to resolve{new}: vendortui conflicts "
                "(a provisional value is in place meanwhile)."
            )
        return out


def _quiet(_message: str) -> None:
    """The default progress callback: say nothing."""


# -- locating and locking -------------------------------------------------------------------


def kb_repo(path: Path) -> Repo:
    """The team repository holding the database file ``path``, or a ``KbError`` saying how
    to make one."""
    repo = Repo.containing(path)
    if repo is None or path.resolve().parent != repo.worktree.resolve():
        raise KbError(
            f"{path} is not in a team knowledge base; create one with vendortui init DIR "
            "or join one with vendortui clone URL DIR."
        )
    if path.name != DB_NAME:
        raise KbError(f"A team knowledge base keeps its data in {DB_NAME}; {path} is not it.")
    return repo


@contextlib.contextmanager
def sync_lock(repo: Repo) -> Iterator[None]:
    """One sync at a time per repository (a second one is refused, not queued)."""
    with (repo.state_dir / "sync.lock").open("a") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise KbError(
                f"Another vendortui sync is running in {repo.worktree}; wait for it to finish."
            ) from None
        yield


def _scratch(repo: Repo) -> Path:
    folder = repo.state_dir / "scratch"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    return folder


def _out_path(path: Path) -> Path:
    """The temporary result, next to the live file so the rename stays on one file system."""
    return path.with_name(f".{path.name}.sync{TMP_SUFFIX}")


def _who(repo: Repo) -> str:
    env = os.environ.get("VENDORTUI_USER")
    if env:
        return env
    email = repo.out("config", "user.email", check=False)
    if email:
        return email
    from vendortui.app.identity import current_user

    return current_user()


def _trailers() -> str:
    import vendortui
    from vendortui.app import dbfile

    schema = dbfile.known_revisions()[-1]
    return f"{VERSION_TRAILER}: {vendortui.__version__}\n{SCHEMA_TRAILER}: {schema}\n"


# -- the swap record (finishing a sync killed after the rename) -------------------------------


def _write_swap_record(repo: Repo, record: dict[str, object]) -> None:
    target = repo.state_dir / SWAP_RECORD
    scratch = target.with_name(SWAP_RECORD + TMP_SUFFIX)
    scratch.write_text(json.dumps(record), encoding="utf-8")
    os.replace(scratch, target)


def finish_interrupted_swap(repo: Repo, path: Path) -> bool:
    """Complete the git side of a swap whose rename happened before the process died.

    The record names the inode of the file that was renamed into place: if the live file is
    still that inode and HEAD has not moved, the rename happened and only the ref update is
    missing. Otherwise the rename never happened and the record is simply dropped.
    """
    record_path = repo.state_dir / SWAP_RECORD
    if not record_path.exists():
        return False
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        done = (
            repo.rev("HEAD") == record["old"]
            and path.exists()
            and os.stat(path).st_ino == record["inode"]
        )
        if done:
            repo.adopt(record["old"], record["new"], record["blob"], record["branch"])
        return bool(done)
    finally:
        record_path.unlink(missing_ok=True)


# -- steps ------------------------------------------------------------------------------------


def preflight(repo: Repo) -> str:
    """Refuse, changing nothing, when git is busy or other files changed; returns the branch."""
    operation = repo.operation_in_progress()
    if operation:
        raise KbError(
            f"A git {operation} is in progress in {repo.worktree}; nothing was changed. "
            f"Finish it (git {operation} --continue) or abort it (git {operation} --abort), "
            "then sync again."
        )
    branch = repo.branch()
    if branch is None:
        raise KbError(
            f"{repo.worktree} is not on a branch (detached HEAD); nothing was changed. "
            "Check out the branch to sync (git switch main), then sync again."
        )
    others = sorted(p for p in repo.changed_paths() if p != DB_NAME)
    if others:
        listed = ", ".join(others[:3]) + (" and more" if len(others) > 3 else "")
        raise KbError(
            f"{repo.worktree} has changes to {listed}, which are not the knowledge base; "
            "nothing was changed. Commit or undo them with git, then sync again."
        )
    return branch


def _fetch(repo: Repo, upstream: Upstream) -> str:
    """Fetch the upstream branch; returns an empty string, or why the remote was unreachable."""
    done = repo.run(
        "fetch",
        "--quiet",
        "--no-tags",
        upstream.remote,
        f"+refs/heads/{upstream.branch}:{upstream.tracking_ref}",
        check=False,
        timeout=NETWORK_TIMEOUT,
    )
    if done.returncode == 0:
        return ""
    if b"couldn't find remote ref" in done.stderr:
        return ""
    return (
        f"Could not reach {upstream.remote} ({repo.error_text(done)}); your changes are "
        "committed locally, sync again when the remote is reachable."
    )


def _check_remote_schema(repo: Repo, commit: str, scratch: Path) -> Path:
    """Extract the remote's database and refuse if its schema is unknown to this build."""
    blob = repo.blob_id(commit, DB_NAME)
    if blob is None:
        raise KbError(
            f"The remote branch has no {DB_NAME}, so it is not a vendortui knowledge base; "
            "nothing was changed."
        )
    theirs = scratch / "theirs.db"
    repo.write_blob(blob, theirs)
    version = repo.trailer(commit, VERSION_TRAILER)
    merge.check_revisions([theirs], hint=f"vendortui {version} or newer" if version else "")
    return theirs


@contextlib.contextmanager
def _shared_lock(path: Path) -> Iterator[None]:
    """SQLite's SHARED lock: writers wait, so a file copy or ``git add`` reads no torn file."""
    conn = connect_raw(path)
    try:
        conn.execute("BEGIN")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        yield
    finally:
        conn.close()


def commit_local(repo: Repo, path: Path, scratch: Path) -> str:
    """Commit the database if it differs from HEAD; returns the summary ("3 vendors")."""
    if DB_NAME not in repo.changed_paths():
        return ""
    problem = repo.identity_problem()
    if problem:
        raise KbError(problem)
    head = repo.rev("HEAD")
    with _shared_lock(path):
        repo.run("add", "--", DB_NAME)
    staged = repo.rev(f":{DB_NAME}")
    phrase = "the knowledge base"
    if head and staged:
        old_blob = repo.blob_id(head, DB_NAME)
        new_file = scratch / "staged.db"
        repo.write_blob(staged, new_file)
        if old_blob:
            old_file = scratch / "head.db"
            repo.write_blob(old_blob, old_file)
            changes = summary.diff(old_file, new_file)
            phrase = summary.counts_phrase(changes) if changes else "schema upgrade"
    repo.run("commit", "-q", "--no-verify", "-m", f"vendortui: {phrase}\n\n{_trailers()}")
    return phrase


def _push(repo: Repo, upstream: Upstream, branch: str) -> bool:
    """Push without force; False when the remote moved meanwhile (fetch and merge again)."""
    done = repo.run(
        "push",
        "--porcelain",
        upstream.remote,
        f"HEAD:refs/heads/{upstream.branch}",
        check=False,
        timeout=NETWORK_TIMEOUT,
    )
    if done.returncode == 0:
        if not repo.out("config", f"branch.{branch}.remote", check=False):
            repo.run("config", f"branch.{branch}.remote", upstream.remote)
            repo.run("config", f"branch.{branch}.merge", f"refs/heads/{upstream.branch}")
        return True
    report = done.stdout.decode(errors="replace")
    if any(line.startswith("!") and "rejected" in line for line in report.splitlines()):
        return False
    raise KbError(
        f"Pushing to {upstream.remote} failed ({repo.error_text(done)}); your changes are "
        "committed locally, sync again later."
    )


@dataclass
class Integration:
    """The outcome of bringing the remote's commits into the local branch."""

    action: str
    incoming: list[str]
    new_conflicts: int


def integrate(
    repo: Repo,
    path: Path,
    branch: str,
    head: str,
    remote: str,
    theirs: Path,
    scratch: Path,
    progress: Progress,
    *,
    remote_name: str = "",
) -> Integration:
    """Fast-forward to, or merge with, ``remote``; the live file is replaced by one rename."""
    base = repo.merge_base(head, remote)
    fast_forward = base == head
    head_blob = repo.blob_id(head, DB_NAME)
    remote_blob = repo.blob_id(remote, DB_NAME)
    assert remote_blob is not None  # checked by _check_remote_schema
    base_file: Path | None = None
    if base is not None:
        base_blob = repo.blob_id(base, DB_NAME)
        if base_blob is not None:
            base_file = scratch / "base.db"
            repo.write_blob(base_blob, base_file)
    ours = scratch / "ours.db"
    out = _out_path(path)
    out.unlink(missing_ok=True)
    who = _who(repo)
    progress("Waiting for the knowledge base lock")
    with LiveLock(path) as live:
        data = live.read()
        ours.write_bytes(data)
        exact = fast_forward and repo.hash_bytes(data) == head_blob
        if fast_forward and not exact and base_file is not None:
            exact = not summary.diff(base_file, ours)
        if exact:
            progress("Fast-forwarding")
            shutil.copyfile(theirs, out)
            new_commit, db_blob, new_conflicts = remote, remote_blob, 0
            action = "fast-forward"
        else:
            progress("Merging")
            theirs_copy = scratch / "theirs-merge.db"
            shutil.copyfile(theirs, theirs_copy)
            sides = [ours, theirs_copy] + ([base_file] if base_file else [])
            merge.bring_to_head(sides)
            stats = merge.merge_files(base_file, ours, theirs_copy, out, who=who)
            db_blob = repo.hash_file(out, write=True)
            what = summary.counts_phrase(summary.diff(ours, out))
            if fast_forward:
                tree = repo.merged_tree(head, head, remote, db_blob)
                parents = [remote]
                title = "vendortui: local edits made during sync"
            else:
                tree = repo.merged_tree(base, head, remote, db_blob)
                parents = [head, remote]
                title = f"vendortui sync: merge {remote_name or remote[:12]}"
            message = f"{title}\n\nFrom the other side: {what}; {stats.conflicts} conflicts.\n\n"
            new_commit = repo.commit_tree(tree, parents, message + _trailers())
            new_conflicts = stats.conflicts
            action = "merged"
        conn = summary.connect_pair(ours, out)
        try:
            conn.execute("ATTACH DATABASE ? AS theirs", (f"{theirs.resolve().as_uri()}?mode=ro",))
            incoming = summary.describe(conn, summary.diff_conn(conn, authors="theirs"))
        finally:
            conn.close()
        _write_swap_record(
            repo,
            {
                "old": head,
                "new": new_commit,
                "blob": db_blob,
                "branch": branch,
                "inode": os.stat(out).st_ino,
            },
        )
        progress("Replacing the knowledge base file")
        live.replace_with(out)
    progress("Recording the result in git")
    repo.adopt(head, new_commit, db_blob, branch)
    (repo.state_dir / SWAP_RECORD).unlink(missing_ok=True)
    return Integration(action, incoming, new_conflicts)


def count_open_conflicts(path: Path) -> int:
    """Open conflicts in the file (0 if the table is missing)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT count(*) FROM conflict WHERE resolved_at IS NULL AND deleted_at IS NULL"
        ).fetchone()[0]
    except sqlite3.Error:
        return 0
    finally:
        conn.close()


def _save_state(repo: Repo, report: SyncReport) -> None:
    state = {
        "synced_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "action": report.action,
        "headline": report.headline(),
    }
    (repo.state_dir / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")


def last_sync(path: Path) -> dict[str, str] | None:
    """When this clone last synced and what happened (local state, never synced itself)."""
    repo = Repo.containing(path)
    if repo is None:
        return None
    try:
        return json.loads((repo.gitdir / "vendortui" / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def sync(path: Path, progress: Progress | None = None) -> SyncReport:
    """Commit local edits, fetch, fast-forward or merge, push. Safe to call from a thread."""
    say = progress or _quiet
    path = Path(os.path.abspath(path))
    repo = kb_repo(path)
    report = SyncReport(path=path)
    with sync_lock(repo):
        say("Checking the repository")
        _out_path(path).unlink(missing_ok=True)
        finish_interrupted_swap(repo, path)
        complete_plain_merge(repo, path)
        branch = preflight(repo)
        db = Database.open(path)
        db.close()
        if db.readonly:
            raise KbError(f"{db.notice} Nothing was synced.")
        scratch = _scratch(repo)
        try:
            return _sync_steps(repo, path, branch, scratch, report, say)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


def _sync_steps(
    repo: Repo, path: Path, branch: str, scratch: Path, report: SyncReport, say: Progress
) -> SyncReport:
    upstream = repo.upstream(branch)
    remote_head: str | None = None
    theirs: Path | None = None
    if upstream is not None:
        report.remote = f"{upstream.remote}/{upstream.branch}"
        say(f"Fetching from {upstream.remote}")
        report.problem = _fetch(repo, upstream)
        remote_head = None if report.problem else repo.rev(upstream.tracking_ref)
        head = repo.rev("HEAD")
        if remote_head and head and not repo.is_ancestor(remote_head, head):
            theirs = _check_remote_schema(repo, remote_head, scratch)
    say("Committing local changes")
    report.committed = commit_local(repo, path, scratch)
    if upstream is None or report.problem:
        report.action = "no remote" if upstream is None else "offline"
        report.open_conflicts = count_open_conflicts(path)
        _save_state(repo, report)
        return report
    for _attempt in range(PUSH_ATTEMPTS):
        head = repo.rev("HEAD")
        assert head is not None
        if remote_head and theirs is not None and not repo.is_ancestor(remote_head, head):
            result = integrate(
                repo,
                path,
                branch,
                head,
                remote_head,
                theirs,
                scratch,
                say,
                remote_name=report.remote,
            )
            report.incoming += result.incoming
            report.new_conflicts += result.new_conflicts
            report.action = result.action
        if repo.rev("HEAD") == remote_head:
            break
        say(f"Pushing to {upstream.remote}")
        if _push(repo, upstream, branch):
            report.pushed = True
            if report.action == "up to date":
                report.action = "pushed"
            break
        say("The remote moved meanwhile; fetching again")
        problem = _fetch(repo, upstream)
        if problem:
            raise KbError(problem)
        remote_head = repo.rev(upstream.tracking_ref)
        if remote_head:
            theirs = _check_remote_schema(repo, remote_head, scratch)
    else:
        raise KbError(
            f"{upstream.remote} kept moving while syncing ({PUSH_ATTEMPTS} tries); your "
            "changes are committed locally, sync again in a moment."
        )
    report.open_conflicts = count_open_conflicts(path)
    repo.refresh()
    _save_state(repo, report)
    return report


# -- plain git: the merge driver and merges it left unfinished --------------------------------


def merge_driver(base: Path, ours: Path, theirs: Path) -> merge.MergeStats:
    """``vendortui merge-driver %O %A %B``: merge into ``ours`` in place, or change nothing."""
    merge.check_revisions([p for p in (base, ours, theirs) if p.stat().st_size])
    out = ours.with_name(ours.name + TMP_SUFFIX)
    shutil.copyfile(ours, out)
    try:
        has_base = base.stat().st_size > 0
        merge.bring_to_head([out, theirs] + ([base] if has_base else []))
        stats = merge.merge_files(base if has_base else None, out, theirs, out, who=_driver_who())
        os.replace(out, ours)
    finally:
        out.unlink(missing_ok=True)
    return stats


def _driver_who() -> str:
    from vendortui.app.identity import current_user

    return current_user()


def complete_plain_merge(repo: Repo, path: Path) -> bool:
    """Finish a plain ``git merge`` that left the database unmerged (no driver configured).

    Same merge as sync: base, ours and theirs from the index stages, *ours* read from the live
    file under the exclusive lock (so edits made meanwhile count), result renamed into place,
    then staged; the merge commit is made when nothing else is left unmerged.
    """
    if not (repo.gitdir / "MERGE_HEAD").exists():
        return False
    rel = path.resolve().relative_to(repo.worktree.resolve()).as_posix()
    listing = repo.out("ls-files", "-u", "--", rel)
    stages = {}
    for line in listing.splitlines():
        meta, _name = line.split("\t", 1)
        _mode, blob, stage = meta.split()
        stages[stage] = blob
    if not stages:
        return False
    if "2" not in stages or "3" not in stages:
        raise KbError(
            f"git left {rel} deleted on one side and changed on the other; keep one with "
            f"git checkout --ours/--theirs {rel} and git add {rel}."
        )
    scratch = _scratch(repo)
    out = _out_path(path)
    try:
        theirs = scratch / "theirs.db"
        repo.write_blob(stages["3"], theirs)
        base: Path | None = None
        if "1" in stages:
            base = scratch / "base.db"
            repo.write_blob(stages["1"], base)
        merge.check_revisions([theirs] + ([base] if base else []))
        with LiveLock(path) as live:
            ours = scratch / "ours.db"
            live.copy_to(ours)
            merge.bring_to_head([ours, theirs] + ([base] if base else []))
            merge.merge_files(base, ours, theirs, out, who=_who(repo))
            blob = repo.hash_file(out, write=True)
            live.replace_with(out)
        repo.run("update-index", "--cacheinfo", f"100644,{blob},{rel}")
        repo.refresh()
        if not repo.out("ls-files", "-u"):
            repo.run("commit", "-q", "--no-edit", "--no-verify")
        return True
    finally:
        out.unlink(missing_ok=True)
        shutil.rmtree(scratch, ignore_errors=True)


# -- creating and joining a team knowledge base ----------------------------------------------


def set_default_db(path: Path) -> None:
    """Make ``path`` the knowledge base vendortui opens when no ``--db`` is given."""
    from vendortui.app.paths import default_db_config

    config = default_db_config()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(str(path) + "\n", encoding="utf-8")


def _remote_has_branches(folder: Path, url: str) -> bool:
    done = subprocess.run(
        ["git", "ls-remote", "--heads", url],
        cwd=folder,
        capture_output=True,
        timeout=NETWORK_TIMEOUT,
        check=False,
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
    )
    if done.returncode != 0:
        message = redact(
            done.stderr.decode(errors="replace").strip().splitlines()[-1:][0]
            if done.stderr.strip()
            else f"exit status {done.returncode}"
        )
        raise KbError(f"Could not reach {redact(url)} ({message}); nothing was changed.")
    return bool(done.stdout.strip())


def init(folder: Path, remote: str | None = None, *, source: Path | None = None) -> Path:
    """Create or adopt a team knowledge base in ``folder``; returns the database path."""
    folder = Path(os.path.abspath(folder))
    if folder.exists() and not folder.is_dir():
        raise KbError(f"{folder} is a file; pass a folder for the team knowledge base.")
    adopting = (folder / ".git").exists()
    if remote and not adopting:
        folder.mkdir(parents=True, exist_ok=True)
        if _remote_has_branches(folder, remote):
            raise KbError(
                f"{redact(remote)} already holds a repository; join it with "
                f"vendortui clone {redact(remote)} {folder}. Nothing was changed."
            )
    folder.mkdir(parents=True, exist_ok=True)
    repo = Repo(folder, folder / ".git")
    if not adopting:
        repo.run("init", "-q", "-b", "main")
    elif repo.operation_in_progress():
        preflight(repo)
    db_path = folder / DB_NAME
    if source is not None and not db_path.exists():
        _copy_database(source, db_path)
    Database.open(db_path).close()
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
            f"vendortui: team knowledge base\n\n{_trailers()}",
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
                f"The knowledge base is ready in {folder} but pushing to {redact(remote)} "
                f"failed ({repo.error_text(done)}); run vendortui sync when it is reachable."
            )
    set_default_db(db_path)
    return db_path


def _copy_database(source: Path, dest: Path) -> None:
    """Copy an existing knowledge base through SQLite's backup API (consistent while in use)."""
    Database.open(source, for_writing=False).close()
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
    if folder.exists() and any(folder.iterdir()):
        raise KbError(f"{folder} already exists and is not empty; pass a new folder.")
    folder.parent.mkdir(parents=True, exist_ok=True)
    created = not folder.exists()
    done = subprocess.run(
        ["git", "clone", "-q", "--", url, str(folder)],
        capture_output=True,
        timeout=NETWORK_TIMEOUT,
        check=False,
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
    )
    db_path = folder / DB_NAME
    try:
        if done.returncode:
            lines = done.stderr.decode(errors="replace").strip().splitlines()
            raise KbError(f"Could not clone {redact(url)} ({redact(lines[-1] if lines else '')}).")
        if not db_path.exists():
            _checkout_only_branch(Repo(folder, folder / ".git"))
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
    drivers.configure(Repo(folder, folder / ".git"))
    set_default_db(db_path)
    return db_path

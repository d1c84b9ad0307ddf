"""The run of a sync: commit local edits, fetch, fast-forward or merge, push.

The command line and the TUI call ``sync`` from any thread; ``progress`` receives one short
sentence per step. The order is chosen so that a kill at any point loses nothing and the
next sync finishes the job:

1. refuse (changing nothing) if git is mid-merge/rebase or other files have changes;
2. fetch, and refuse (changing nothing but remote-tracking refs) if the remote's schema is
   newer than this build knows;
3. commit the local database (``git add`` under SQLite's shared lock, so no torn read);
4. fast-forward or merge: under the exclusive lock, read the live file, build the result in a
   temporary file, write the new commit object, record the swap (``swap_record``), rename
   the result over the live file; then move index, work tree and branch (``adopt``). A sync
   killed after the rename finds the record and completes the ref update;
5. push; a rejected push (the remote moved) fetches and merges again, a few times.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from vendortui.app import dbfile
from vendortui.app.db import Database, connect_raw
from vendortui.app.errors import KbError
from vendortui.app.sync import (
    commits,
    drivers,
    housekeeping,
    merge,
    plain,
    summary,
    swap_record,
    workspace,
)
from vendortui.app.sync.conflicts import count_open
from vendortui.app.sync.repo import DB_NAME, NETWORK_TIMEOUT, Repo, Upstream, redact, remote_failure
from vendortui.app.sync.report import SyncReport, save_state
from vendortui.app.sync.swap import LiveLock

Progress = Callable[[str], None]
PUSH_ATTEMPTS = 5


def _quiet(_message: str) -> None:
    """The default progress callback: say nothing."""


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
    others = sorted(repo.changed_paths(f":(exclude){DB_NAME}"))
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
        f"Could not reach {upstream.remote} because {remote_failure(done)}; nothing was lost, "
        "your changes are committed locally and the next sync sends them."
    )


def _extracted(repo: Repo, blob: str, scratch: Path) -> Path:
    """The blob's bytes as a file in ``scratch``, extracted once per sync: the merge base is
    usually the HEAD whose copy the commit summary already needed. Read only; whoever changes
    a file works on a copy."""
    dest = scratch / f"{blob}.db"
    if not dest.exists():
        repo.write_blob(blob, dest)
    return dest


def _check_remote_schema(repo: Repo, commit: str, scratch: Path) -> Path:
    """Extract the remote's database and refuse if its schema is unknown to this build."""
    blob = repo.blob_id(commit, DB_NAME)
    if blob is None:
        raise KbError(
            f"The remote branch has no {DB_NAME}, so it is not a vendortui knowledge base; "
            "nothing was changed."
        )
    theirs = _extracted(repo, blob, scratch)
    version = repo.trailer(commit, commits.VERSION_TRAILER)
    merge.check_revisions([theirs], hint=f"vendortui {version} or newer" if version else "")
    return theirs


@contextlib.contextmanager
def _shared_lock(path: Path) -> Iterator[sqlite3.Connection]:
    """SQLite's SHARED lock: writers wait, so a file copy or ``git add`` reads no torn file."""
    conn = connect_raw(path)
    try:
        conn.execute("BEGIN")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        yield conn
    finally:
        conn.close()


def _refuse_if_damaged(copy: Path, live: Path) -> None:
    """``PRAGMA quick_check`` on the copy of ``live`` about to be merged: a damaged page must
    not reach the team (each teammate's next sync would take it)."""
    conn = sqlite3.connect(f"{copy.resolve().as_uri()}?mode=ro", uri=True)
    try:
        dbfile.quick_check(conn, live)
    finally:
        conn.close()


def commit_local(repo: Repo, path: Path, scratch: Path) -> str:
    """Commit the database if it differs from HEAD; returns the summary ("3 vendors").

    While SQLite's shared lock is held the live file is exactly what ``git add`` staged, so
    the summary compares HEAD's copy with the live file (no copy of the staged blob).
    """
    problem = repo.identity_problem()
    head = repo.rev("HEAD")
    old_blob = repo.blob_id(head, DB_NAME) if head else None
    with _shared_lock(path) as conn:
        if old_blob is not None and repo.hash_bytes(path.read_bytes()) == old_blob:
            return ""
        dbfile.quick_check(conn, path)
        repo.run("add", "--", DB_NAME)
        if repo.rev(f":{DB_NAME}") == old_blob:
            return ""
        if problem:
            raise KbError(problem)
        phrase = "the knowledge base"
        if old_blob:
            old_file = _extracted(repo, old_blob, scratch)
            changes = summary.diff(old_file, path)
            phrase = summary.counts_phrase(changes) if changes else "schema upgrade"
    repo.run("commit", "-q", "--no-verify", "-m", f"vendortui: {phrase}\n\n{commits.trailers()}")
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
    refused = [
        line.split("\t")[-1]
        for line in done.stdout.decode(errors="replace").splitlines()
        if line.startswith("!")
    ]
    if any(status.startswith("[rejected]") for status in refused):
        return False  # not a fast-forward: the remote moved
    cause = f'the remote declined it ("{redact(refused[0])}")' if refused else remote_failure(done)
    raise KbError(
        f"Could not push to {upstream.remote} because {cause}; nothing was lost, your "
        "changes are committed locally and the next sync sends them."
    )


@dataclass
class Integration:
    """The outcome of bringing the remote's commits into the local branch."""

    action: str
    incoming: list[str]
    new_conflicts: int
    local: str = ""
    """Summary of the local edits the result carries that no commit held yet ("3 vendors")."""


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
            base_file = scratch / "base.db"  # a copy: bring_to_head may migrate it
            shutil.copyfile(_extracted(repo, base_blob, scratch), base_file)
    ours = scratch / "ours.db"
    out = workspace.out_path(path)
    out.unlink(missing_ok=True)
    who = commits.who(repo)
    progress("Waiting for the knowledge base lock")
    with LiveLock(path) as live:
        data = live.read()
        ours.write_bytes(data)
        edited = repo.hash_bytes(data) != head_blob
        if edited:
            _refuse_if_damaged(ours, path)
        mine = []
        if edited and head_blob is not None:
            # base is head when fast-forwarding: its copy (maybe migrated) serves both
            head_file = (
                base_file if fast_forward and base_file else _extracted(repo, head_blob, scratch)
            )
            mine = summary.diff(head_file, ours)
        exact = fast_forward and (not edited or (head_blob is not None and not mine))
        local = summary.counts_phrase(mine) if mine else ""
        if exact:
            progress("Fast-forwarding")
            shutil.copyfile(theirs, out)
        else:
            progress("Merging")
            theirs_copy = scratch / "theirs-merge.db"
            shutil.copyfile(theirs, theirs_copy)
            sides = [ours, theirs_copy] + ([base_file] if base_file else [])
            merge.bring_to_head(sides)
            stats = merge.merge_files(base_file, ours, theirs_copy, out, who=who)
        conn = summary.connect_pair(ours, out)
        try:
            conn.execute("ATTACH DATABASE ? AS theirs", (f"{theirs.resolve().as_uri()}?mode=ro",))
            changes = summary.diff_conn(conn, authors="theirs")
            incoming = summary.describe(conn, changes)
        finally:
            conn.close()
        if exact:
            new_commit, db_blob, new_conflicts = remote, remote_blob, 0
            action = "fast-forward"
        else:
            db_blob = repo.hash_file(out, write=True)
            if fast_forward:
                tree = repo.merged_tree(head, head, remote, db_blob)
                parents = [remote]
                title = f"vendortui: {local or 'local edits made during sync'}"
            else:
                tree = repo.merged_tree(base, head, remote, db_blob)
                parents = [head, remote]
                title = f"vendortui sync: merge {remote_name or remote[:12]}"
            what = summary.counts_phrase(changes)
            mine_line = f"Local edits: {local}.\n" if local else ""
            message = (
                f"{title}\n\n{mine_line}From the other side: {what}; "
                f"{stats.conflicts} conflicts.\n\n"
            )
            new_commit = repo.commit_tree(tree, parents, message + commits.trailers())
            new_conflicts = stats.conflicts
            action = "merged"
        swap_record.write(repo, old=head, new=new_commit, blob=db_blob, branch=branch, renamed=out)
        progress("Replacing the knowledge base file")
        live.replace_with(out)
    progress("Recording the result in git")
    repo.adopt(head, new_commit, db_blob, branch)
    swap_record.clear(repo)
    return Integration(action, incoming, new_conflicts, local)


def sync(path: Path, progress: Progress | None = None) -> SyncReport:
    """Commit local edits, fetch, fast-forward or merge, push. Safe to call from a thread."""
    say = progress or _quiet
    path = Path(os.path.abspath(path))
    dbfile.check_path(path, for_writing=True)
    repo = kb_repo(path)
    report = SyncReport(path=path)
    with workspace.sync_lock(repo):
        say("Checking the repository")
        drivers.refresh(repo)
        workspace.out_path(path).unlink(missing_ok=True)
        swap_record.finish(repo, path)
        plain.complete_plain_merge(repo, path)
        branch = preflight(repo)
        db = Database.open(path)
        if db.readonly:
            raise KbError(f"{db.notice} Nothing was synced.")
        scratch = workspace.scratch(repo)
        try:
            return _sync_steps(repo, db, branch, scratch, report, say)
        finally:
            db.close()
            shutil.rmtree(scratch, ignore_errors=True)


def _sync_steps(
    repo: Repo, db: Database, branch: str, scratch: Path, report: SyncReport, say: Progress
) -> SyncReport:
    path = db.path
    upstream = repo.upstream(branch)
    remote_head: str | None = None
    theirs: Path | None = None
    if upstream is not None:
        report.remote = f"{upstream.remote}/{upstream.branch}"
        say(f"Fetching from {upstream.remote}")
        # A merge needs the tables' columns (importing SQLModel, ~0.3 s): load them while
        # git waits on the network.
        threading.Thread(target=merge.table_specs, name="merge-warm-up", daemon=True).start()
        report.problem = _fetch(repo, upstream)
        remote_head = None if report.problem else repo.rev(upstream.tracking_ref)
        head = repo.rev("HEAD")
        if remote_head and head and not repo.is_ancestor(remote_head, head):
            theirs = _check_remote_schema(repo, remote_head, scratch)
    say("Committing local changes")
    if theirs is None:
        report.committed = commit_local(repo, path, scratch)
    elif (problem := repo.identity_problem()) is not None:
        raise KbError(problem)
    # Otherwise the merge commit carries the local edits (``integrate``): one new copy of
    # the file to hash, compress and push instead of two.
    if upstream is None or report.problem:
        report.action = "no remote" if upstream is None else "offline"
        report.open_conflicts = count_open(db)
        _finish(repo, report, say)
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
            report.committed = report.committed or result.local
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
    report.open_conflicts = count_open(db)
    _finish(repo, report, say)
    return report


def _finish(repo: Repo, report: SyncReport, say: Progress) -> None:
    """Keep the object store packed and remember the outcome."""
    say("Tidying the repository")
    housekeeping.compact(repo)
    save_state(repo, report)

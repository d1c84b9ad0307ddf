"""Git plumbing for sync, through ``git`` subprocesses that each have a timeout.

Sync never lets git write the database file itself: git's checkout truncates and rewrites a
file in place, which a running vendortui could read half-written. Instead the file is
replaced by one rename (see ``swap``) and git is told with plumbing (``update-index
--cacheinfo``, ``read-tree -m -u``, ``update-ref`` with the expected old value), so a crash
between two steps leaves something the next sync can finish.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from vendortui.app.errors import KbError

DB_NAME = "knowledge.db"
"""The database file's name inside a team knowledge base."""
TMP_SUFFIX = ".vendortui-tmp"
"""Suffix of the temporary files sync writes next to the database (ignored by git)."""
LOCAL_TIMEOUT = 60.0
NETWORK_TIMEOUT = 300.0
EMPTY_TREE_INPUT = b""
_CREDENTIALS = re.compile(r"(?<=://)[^/@\s]+@")


def redact(text: str) -> str:
    """Hide ``user:password@`` in URLs: git echoes remote URLs in its messages."""
    return _CREDENTIALS.sub("***@", text)


_CAUSES = (
    (
        (
            "authentication failed",
            "could not read username",
            "could not read password",
            "permission denied",
            "returned error: 401",
            "returned error: 403",
        ),
        "it refused our credentials (check your access to the repository)",
    ),
    (
        (
            "does not appear to be a git repository",
            "repository not found",
            "returned error: 404",
            "does not exist",
            "not found",
        ),
        "no repository exists at that address",
    ),
    (
        (
            "could not resolve host",
            "connection refused",
            "failed to connect",
            "network is unreachable",
            "no route to host",
            "timed out",
            "connection reset",
            "could not read from remote repository",
            "unable to access",
        ),
        "the network connection to it failed",
    ),
)


def remote_failure(done: subprocess.CompletedProcess[bytes]) -> str:
    """Why talking to a remote failed, as a clause that completes "... because ___".

    The usual causes in plain words; anything else quotes git's own whole message.
    """
    lowered = done.stderr.decode(errors="replace").lower()
    for marks, cause in _CAUSES:
        if any(mark in lowered for mark in marks):
            return cause
    return f'git said "{Repo.error_text(done)}"'


def find_gitdir(path: Path) -> tuple[Path, Path] | None:
    """(work tree, git dir) of the repository holding ``path``, by walking up the folders.

    Plain ``os.path`` checks only: ``Database.open`` calls this on every start, so it must
    cost microseconds and start no process.
    """
    folder = os.path.abspath(os.path.dirname(os.fspath(path)) or ".")
    while True:
        dotgit = os.path.join(folder, ".git")
        if os.path.isdir(dotgit):
            return Path(folder), Path(dotgit)
        if os.path.isfile(dotgit):
            try:
                with open(dotgit, encoding="utf-8") as fh:
                    line = fh.readline().strip()
            except OSError:
                return None
            if line.startswith("gitdir:"):
                target = line.removeprefix("gitdir:").strip()
                return Path(folder), Path(os.path.join(folder, target)).resolve()
            return None
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


@dataclass(frozen=True)
class Upstream:
    """Where this branch syncs to: remote name, branch there, and the local tracking ref."""

    remote: str
    branch: str

    @property
    def tracking_ref(self) -> str:
        """The remote-tracking ref that ``git fetch`` updates."""
        return f"refs/remotes/{self.remote}/{self.branch}"


class Repo:
    """One work tree and its git dir; every call is a bounded ``git`` subprocess."""

    def __init__(self, worktree: Path, gitdir: Path) -> None:
        self.worktree = worktree
        self.gitdir = gitdir

    @classmethod
    def containing(cls, path: Path) -> Repo | None:
        """The repository whose work tree holds ``path``, or ``None``."""
        found = find_gitdir(path.resolve())
        return cls(*found) if found else None

    @property
    def state_dir(self) -> Path:
        """Local, never-synced sync state (locks, an interrupted swap's record)."""
        folder = self.gitdir / "vendortui"
        folder.mkdir(exist_ok=True)
        return folder

    # -- running git ---------------------------------------------------------------------

    def run(
        self,
        *args: str,
        input: bytes | None = None,
        env: dict[str, str] | None = None,
        timeout: float = LOCAL_TIMEOUT,
        check: bool = True,
        stdout: int | object = subprocess.PIPE,
    ) -> subprocess.CompletedProcess[bytes]:
        """Run ``git ARGS`` in the work tree; a failure becomes a one-sentence ``KbError``."""
        full_env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", **(env or {})}
        try:
            done = subprocess.run(
                ["git", *args],
                cwd=self.worktree,
                input=input,
                stdout=stdout,  # type: ignore[arg-type]
                stderr=subprocess.PIPE,
                env=full_env,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise KbError(
                f"git {args[0]} did not finish within {timeout:.0f} s; nothing was lost, "
                "run the command again (check the network for fetch and push)."
            ) from None
        except FileNotFoundError:
            raise KbError("git is not installed or not on PATH; install git to sync.") from None
        if check and done.returncode != 0:
            raise KbError(
                f'Running git {args[0]} failed, saying "{self.error_text(done)}"; '
                "try again once the cause is fixed."
            )
        return done

    @staticmethod
    def error_text(done: subprocess.CompletedProcess[bytes]) -> str:
        """git's own message for a failure, whole (its first ``fatal:``/``error:`` line).

        git explains a failure over several lines ("Could not read from remote repository.",
        then "Please make sure you have the correct access rights", then "and the repository
        exists."); the last line alone is half a sentence.
        """
        lines = [ln.strip() for ln in done.stderr.decode(errors="replace").splitlines()]
        lines = [ln for ln in lines if ln and not ln.startswith("hint:")]
        first = lines[0] if lines else ""
        main = next((ln for ln in lines if ln.startswith(("fatal:", "error:"))), first)
        text = main.removeprefix("fatal:").removeprefix("error:").strip().rstrip(".")
        return redact(text or f"exit status {done.returncode}")

    def out(self, *args: str, check: bool = True, env: dict[str, str] | None = None) -> str:
        """``git ARGS`` stdout as stripped text."""
        return self.run(*args, check=check, env=env).stdout.decode().strip()

    # -- questions -----------------------------------------------------------------------

    def operation_in_progress(self) -> str | None:
        """``"merge"``, ``"rebase"``, ... when git is in the middle of one, else ``None``."""
        markers = {
            "MERGE_HEAD": "merge",
            "rebase-merge": "rebase",
            "rebase-apply": "rebase",
            "CHERRY_PICK_HEAD": "cherry-pick",
            "REVERT_HEAD": "revert",
            "BISECT_LOG": "bisect",
        }
        for name, label in markers.items():
            if (self.gitdir / name).exists():
                return label
        return None

    def changed_paths(self, *pathspec: str) -> dict[str, str]:
        """Tracked paths that differ from HEAD (staged or not): path -> two-letter status.

        A ``pathspec`` such as ``:(exclude)knowledge.db`` spares git re-reading that file.
        """
        args = ["status", "--porcelain=v1", "-z", "--untracked-files=no"]
        raw = self.run(*args, *(["--", ".", *pathspec] if pathspec else [])).stdout
        entries = raw.decode(errors="surrogateescape").split("\0")
        changed: dict[str, str] = {}
        skip_next = False
        for entry in entries:
            if skip_next:
                skip_next = False
                continue
            if not entry:
                continue
            code, path = entry[:2], entry[3:]
            changed[path] = code
            skip_next = "R" in code or "C" in code
        return changed

    def rev(self, ref: str) -> str | None:
        """The object id ``ref`` names, or ``None`` when it does not exist."""
        done = self.run("rev-parse", "--verify", "-q", ref, check=False)
        return done.stdout.decode().strip() or None if done.returncode == 0 else None

    def branch(self) -> str | None:
        """The checked-out branch, ``None`` on a detached HEAD."""
        done = self.run("symbolic-ref", "-q", "--short", "HEAD", check=False)
        return done.stdout.decode().strip() or None if done.returncode == 0 else None

    def remotes(self) -> list[str]:
        """Names of the configured remotes."""
        return self.out("remote").split()

    def upstream(self, branch: str) -> Upstream | None:
        """The branch's configured upstream, else ``origin``'s branch of the same name."""
        remote = self.out("config", f"branch.{branch}.remote", check=False)
        merge = self.out("config", f"branch.{branch}.merge", check=False)
        if remote and remote != "." and merge.startswith("refs/heads/"):
            return Upstream(remote, merge.removeprefix("refs/heads/"))
        remotes = self.remotes()
        if "origin" in remotes:
            return Upstream("origin", branch)
        return Upstream(remotes[0], branch) if len(remotes) == 1 else None

    def merge_base(self, a: str, b: str) -> str | None:
        """The best common ancestor of two commits, ``None`` for unrelated histories."""
        done = self.run("merge-base", a, b, check=False)
        return done.stdout.decode().strip() or None if done.returncode == 0 else None

    def is_ancestor(self, a: str, b: str) -> bool:
        """``a`` is ``b`` or one of its ancestors."""
        return self.run("merge-base", "--is-ancestor", a, b, check=False).returncode == 0

    def blob_id(self, commit: str, path: str) -> str | None:
        """The blob of ``path`` at ``commit``, ``None`` if the file is not there."""
        return self.rev(f"{commit}:{path}")

    def write_blob(self, blob: str, dest: Path) -> None:
        """Write a blob's exact bytes to ``dest``, streamed (no copy in memory)."""
        with dest.open("wb") as fh:
            self.run("cat-file", "blob", blob, stdout=fh)

    def hash_file(self, path: Path, *, write: bool) -> str:
        """The blob id of a file's bytes (stored in the object database if ``write``)."""
        args = ["hash-object", "--no-filters", *(["-w"] if write else []), "--", str(path)]
        return self.out(*args)

    def hash_bytes(self, data: bytes) -> str:
        """The blob id of some bytes, without storing them.

        Computed here, as git does (the object format's hash of ``blob SIZE\\0`` and the
        bytes): piping a 23 MB file through ``git hash-object`` costs half a second.
        """
        try:
            config = (self.gitdir / "config").read_text(encoding="utf-8", errors="replace")
        except OSError:
            config = ""
        sha256 = re.search(r"^\s*objectformat\s*=\s*sha256\s*$", config, re.I | re.M)
        digest = hashlib.sha256() if sha256 else hashlib.sha1()
        digest.update(b"blob %d\0" % len(data))
        digest.update(data)
        return digest.hexdigest()

    def identity_problem(self) -> str | None:
        """Why git cannot make a commit here (no user.name/email), else ``None``."""
        done = self.run("var", "GIT_COMMITTER_IDENT", check=False)
        if done.returncode == 0:
            return None
        return (
            f"git does not know who you are in {self.worktree}; set it with "
            'git config user.name "Your Name" and git config user.email you@example.com.'
        )

    def trailer(self, commit: str, key: str) -> str:
        """The newest value of a commit-message trailer in ``commit``'s history, or ``""``."""
        log = self.out("log", "-n", "50", f"--format=%(trailers:key={key},valueonly)", commit)
        return next((line.strip() for line in log.splitlines() if line.strip()), "")

    # -- changing refs, index and work tree ------------------------------------------------

    def merged_tree(self, base: str | None, ours: str, theirs: str, db_blob: str) -> str:
        """A tree merging ``ours`` and ``theirs`` whose database is ``db_blob``.

        A scratch index does the three-way merge of the other files (trivial merges only, no
        drivers run); a real conflict in one of them refuses the sync, naming it.
        """
        scratch = self.state_dir / f"index{TMP_SUFFIX}"
        env = {"GIT_INDEX_FILE": str(scratch)}
        try:
            base_tree = base or self.run("mktree", input=EMPTY_TREE_INPUT).stdout.decode().strip()
            self.run("read-tree", "-i", "-m", "--aggressive", base_tree, ours, theirs, env=env)
            self.run("update-index", "--cacheinfo", f"100644,{db_blob},{DB_NAME}", env=env)
            unmerged = self.out("ls-files", "-u", env=env)
            if unmerged:
                paths = sorted({line.split("\t", 1)[1] for line in unmerged.splitlines()})
                raise KbError(
                    f"Both sides changed {', '.join(paths)} in {self.worktree} differently; "
                    "nothing was changed. Merge those files with git, then sync again."
                )
            return self.out("write-tree", env=env)
        finally:
            scratch.unlink(missing_ok=True)

    def commit_tree(self, tree: str, parents: list[str], message: str) -> str:
        """A new commit object (no ref moves)."""
        args = ["commit-tree", tree]
        for parent in parents:
            args += ["-p", parent]
        return self.run(*args, input=message.encode()).stdout.decode().strip()

    def adopt(self, old: str, new: str, db_blob: str, branch: str) -> None:
        """Move the branch from ``old`` to ``new`` when the database file already holds
        ``db_blob``: the index learns the file, other files are checked out, then the ref
        moves only if it still points at ``old``."""
        self.run("update-index", "--add", "--cacheinfo", f"100644,{db_blob},{DB_NAME}")
        self.run("read-tree", "-m", "-u", old, new)
        self.run("update-ref", "-m", "vendortui sync", f"refs/heads/{branch}", new, old)
        self.refresh()

    def refresh(self) -> None:
        """Refresh the index's stat data so ``git status`` does not re-read the database."""
        self.run("update-index", "-q", "--refresh", check=False)

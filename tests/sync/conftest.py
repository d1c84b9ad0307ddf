"""A team in a temporary folder: a bare remote and clones, real git, isolated config.

Each clone edits its database through the real write path (``Database.write()`` and the
SQLModel models), as the app does. Git sees no machine or user configuration.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from vendortui.app.db import Database
from vendortui.app.sync import run, setup
from vendortui.app.sync.dump import dump
from vendortui.app.sync.report import SyncReport
from vendortui.models import Vendor, utcnow

GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
UNSET = (
    "VENDORTUI_USER",
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
)


TEAM_EXAMPLES = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
"""Hypothesis settings for properties that build a whole team per example (a bare remote,
three clones, real git): seconds each, so few examples and no deadline."""


@pytest.fixture(autouse=True)
def _git_isolation(monkeypatch: pytest.MonkeyPatch) -> None:
    """No global or system git config, and identities come from each clone's own config."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    for key in UNSET:
        monkeypatch.delenv(key, raising=False)


def git(folder: Path, *args: str, check: bool = True) -> str:
    """Run git in ``folder`` and return its stdout."""
    done = subprocess.run(
        ["git", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **GIT_ENV},
        check=False,
    )
    if check and done.returncode:
        raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
    return done.stdout


def set_identity(folder: Path, name: str) -> None:
    """Give a clone its own author."""
    git(folder, "config", "user.name", name)
    git(folder, "config", "user.email", f"{name}@example.com")


class Clone:
    """One teammate's copy of the team knowledge base."""

    def __init__(self, name: str, folder: Path) -> None:
        self.name = name
        self.email = f"{name}@example.com"
        self.folder = folder
        self.db_path = folder / "knowledge.db"

    def write(self, change: Callable[[Any], Any]) -> Any:
        """Run ``change(session)`` in one write transaction on this clone's file."""
        db = Database.open(self.db_path)
        try:
            with db.write() as session:
                return change(session)
        finally:
            db.close()

    def add(self, model: type, **fields: Any) -> str:
        """Insert a row; returns its id."""
        row = model(updated_by=self.email, **fields)

        def insert(session: Any) -> str:
            session.add(row)
            session.flush()
            return row.id

        return self.write(insert)

    def add_vendor(self, slug: str, name: str | None = None, **fields: Any) -> str:
        """Insert a vendor; returns its id."""
        return self.add(Vendor, slug=slug, name=name or slug.title(), **fields)

    def edit(self, model: type, row_id: str, **fields: Any) -> None:
        """Change fields of one row, stamping who and when like the services do."""

        def change(session: Any) -> None:
            row = session.get(model, row_id)
            for key, value in fields.items():
                setattr(row, key, value)
            row.updated_at = utcnow()
            row.updated_by = self.email

        self.write(change)

    def delete(self, model: type, row_id: str) -> None:
        """Tombstone a row."""
        self.edit(model, row_id, deleted_at=utcnow())

    def sync(self, progress: Callable[[str], None] | None = None) -> SyncReport:
        """``vendortui sync`` on this clone."""
        return run.sync(self.db_path, progress)

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Query this clone's file read-only."""
        conn = sqlite3.connect(f"{self.db_path.as_uri()}?mode=ro", uri=True)
        try:
            return [tuple(r) for r in conn.execute(sql, params)]
        finally:
            conn.close()

    def value(self, sql: str, *params: Any) -> Any:
        """The single value of a query."""
        rows = self.rows(sql, *params)
        return rows[0][0] if rows else None

    def dump(self) -> str:
        """The text form of the whole file."""
        return dump(self.db_path)

    def git(self, *args: str, check: bool = True) -> str:
        """Run git in this clone."""
        return git(self.folder, *args, check=check)

    def status(self) -> str:
        """``git status --porcelain`` (empty when clean)."""
        return self.git("status", "--porcelain")


class Team:
    """A bare remote and clones of it."""

    def __init__(self, root: Path, names: tuple[str, ...]) -> None:
        self.root = root
        self.remote = root / "remote.git"
        git(root, "init", "-q", "--bare", "-b", "main", str(self.remote))
        first = root / names[0]
        first.mkdir()
        git(first, "init", "-q", "-b", "main")
        set_identity(first, names[0])
        setup.init(first, str(self.remote))
        self.clones = [Clone(names[0], first)]
        for name in names[1:]:
            self.clones.append(self.join(name))

    def join(self, name: str, *, with_drivers: bool = True) -> Clone:
        """A new teammate: ``vendortui clone`` (or a plain ``git clone``)."""
        folder = self.root / name
        if with_drivers:
            setup.clone(str(self.remote), folder)
        else:
            git(self.root, "clone", "-q", str(self.remote), str(folder))
        set_identity(folder, name)
        return Clone(name, folder)

    def shared_vendor(self, slug: str = "acme") -> str:
        """A vendor the first clone adds and every clone has synced (where most scenarios
        start); returns its id."""
        row_id = self.clones[0].add_vendor(slug)
        self.converge()
        return row_id

    def renamed_while_bob_edits(self) -> str:
        """The shared vendor renamed "Acme Corp" by Alice, who syncs, while Bob (not synced)
        sets its status to "pilot": Bob's next sync or pull has both sides to merge. Returns
        the vendor's id."""
        alice, bob = self.clones[:2]
        row_id = self.shared_vendor()
        alice.edit(Vendor, row_id, name="Acme Corp")
        alice.sync()
        bob.edit(Vendor, row_id, status="pilot")
        return row_id

    def clash(self, row_id: str, *changes: dict[str, Any] | None) -> None:
        """Clone ``i`` applies ``changes[i]`` to the vendor (``None``: deletes it), none of them
        having seen the others', then every clone syncs until all have seen everything."""
        for clone, fields in zip(self.clones, changes, strict=False):
            if fields is None:
                clone.delete(Vendor, row_id)
            else:
                clone.edit(Vendor, row_id, **fields)
        self.converge()

    def converge(self) -> None:
        """Sync every clone until all have seen everything (two rounds suffice)."""
        for _ in range(2):
            for clone in self.clones:
                clone.sync()

    def assert_identical(self) -> None:
        """Every clone holds the same data and has a clean work tree."""
        dumps = {clone.name: clone.dump() for clone in self.clones}
        first = self.clones[0].name
        for name, text in dumps.items():
            assert text == dumps[first], f"{name} differs from {first}"
        for clone in self.clones:
            assert clone.status() == "", f"{clone.name}: {clone.status()}"


@pytest.fixture
def team(tmp_path: Path) -> Team:
    """Alice and Bob, each with a clone of a fresh team knowledge base."""
    return Team(tmp_path, ("alice", "bob"))


@pytest.fixture
def team3(tmp_path: Path) -> Team:
    """Alice, Bob and Carol."""
    return Team(tmp_path, ("alice", "bob", "carol"))

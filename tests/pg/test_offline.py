"""The offline copy: refreshed from the server, opened read-only when the server is gone."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from textual.widgets import Static

from tests import pgserver
from tests.pg.cli import vendortui
from tests.user_dirs import UserDirs
from tests.waiting import wait_for
from vendortui.app import offline
from vendortui.app.db import Database
from vendortui.app.db_pg import PgDatabase, ServerUnreachable
from vendortui.app.errors import KbError, ReadOnlyError
from vendortui.app.kb import KnowledgeBase
from vendortui.app.offline import copy_path, is_current
from vendortui.models import Vendor


@pytest.fixture
def own_server(pg_server: pgserver.PgServer) -> pgserver.PgServer:
    """A server of this test's own, which it stops (the session's serves other tests)."""
    server = pgserver.start_server()
    yield server
    pgserver.remove(server)


def test_the_offline_copy_opens_read_only_when_the_server_is_stopped(
    own_server: pgserver.PgServer, user_dirs: UserDirs
) -> None:
    url = own_server.url()
    kb = KnowledgeBase.open(url)
    vendor = kb.add_vendor("Acme Paging", status="production")
    kb.save_runbook(vendor.id, "# Acme\n\nCall the vendor's hotline.")
    kb.refresh_offline_copy()
    copy = copy_path(url)
    assert copy.exists() and copy.is_relative_to(user_dirs.data / "vendortui")
    kb.update(Vendor, vendor.id, category="after the copy")
    own_server.stop()
    before = copy.read_bytes()
    with pytest.raises(KbError, match="Cannot reach the team server"):
        kb.refresh_offline_copy()
    assert copy.read_bytes() == before, "a failed refresh leaves the previous copy"
    kb.db.close()

    offline = KnowledgeBase.open(url)
    try:
        assert offline.readonly and offline.db.banner.startswith("offline copy from ")
        assert "cannot be reached" in offline.db.notice
        assert len(offline.db.notice.rstrip(".").split(". ")) == 1, "one sentence"
        card = offline.card(offline.find_vendor_id("acme-paging"))
        assert "hotline" in card.runbook.body and card.vendor.category == ""
        with pytest.raises(ReadOnlyError) as refused:
            offline.update(Vendor, vendor.id, category="x")
        assert str(refused.value) == offline.db.notice
    finally:
        offline.db.close()


def test_no_copy_and_no_server_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(ServerUnreachable, match="Cannot reach the team server"):
        KnowledgeBase.open(f"postgresql://nobody@127.0.0.1:{pgserver.free_port()}/kb")


async def test_the_tui_shows_the_offline_banner(own_server: pgserver.PgServer) -> None:
    from vendortui.screens.app import VendorTui

    url = own_server.url()
    kb = KnowledgeBase.open(url)
    kb.add_vendor("Acme Paging")
    kb.refresh_offline_copy()
    kb.db.close()
    own_server.stop()
    offline = KnowledgeBase.open(url)
    app = VendorTui(offline)
    async with app.run_test() as pilot:
        title = app.screen.query_one("#title", Static)
        await wait_for(pilot, lambda: "offline copy from" in str(title.render()))
        assert "read-only" in str(title.render())
    offline.db.close()


def until(condition: Callable[[], object], what: str, cap: float = 120) -> None:
    """Poll ``condition`` (a child process's work) until true; the cap only bounds a hang."""
    deadline = time.monotonic() + cap
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {cap:g} s for {what}; it never came")
        time.sleep(0.05)


def server_mark(url: str) -> str | None:
    db = PgDatabase.open_url(url, for_writing=False)
    try:
        return db.change_mark()
    finally:
        db.close()


def test_a_headless_command_refreshes_the_copy_once_it_has_exited(
    pg_url: str, tmp_path: Path
) -> None:
    """Every successful open refreshes the copy, headless commands too: the command leaves a
    child that copies the server once the command is done, so its own write is in it."""
    added = vendortui(tmp_path, "vendors", "add", "Acme Paging", "--db", pg_url)
    assert added.returncode == 0, added.stderr
    copy = copy_path(pg_url)
    mark = server_mark(pg_url)
    until(lambda: is_current(copy, mark), "the offline copy at the server's change mark")
    kept = Database.open(copy, for_writing=False)
    try:
        with kept.read() as conn:
            names = [row[0] for row in conn.execute("SELECT name FROM vendor")]
    finally:
        kept.close()
    assert names == ["Acme Paging"]


def test_a_read_of_an_unchanged_server_starts_no_child(pg_url: str) -> None:
    """A current copy is not copied again: a read spawns nothing, until anyone writes."""
    db = PgDatabase.open_url(pg_url, for_writing=False)
    try:
        offline.refresh(db, pg_url)
        assert not offline.refresh_after_exit(db), "the copy holds the server's mark"
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute("INSERT INTO setting (id, created_at, updated_at, updated_by, key, value)"
                         " VALUES ('s1', now(), now(), 'psql', 'k', 'v')")  # fmt: skip
        assert not is_current(copy_path(pg_url), db.change_mark()), "any client's write counts"
    finally:
        db.close()
    again = PgDatabase.open_url(pg_url, for_writing=False)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("atexit.register", lambda *args: None)
            assert offline.refresh_after_exit(again), "a stale copy is refreshed"
    finally:
        again.close()


async def test_quitting_the_tui_does_not_wait_for_the_offline_copy(pg_url: str) -> None:
    """The copy waits behind a teammate's lock on a table only the copy reads; the TUI quits
    at once all the same, stopping the child (the previous copy stays, the exit child takes
    over). Before, quitting waited for the child, minutes at the lowest priority under load."""
    from vendortui.screens.app import VendorTui

    kb = KnowledgeBase.open(pg_url)
    kb.add_vendor("Acme Paging")
    with psycopg.connect(pg_url) as teammate:
        teammate.execute("LOCK TABLE conflict IN ACCESS EXCLUSIVE MODE")
        app = VendorTui(kb)
        async with app.run_test() as pilot:
            await wait_for(pilot, lambda: offline._waited_for, "the refreshing child started")
            (child,) = offline._waited_for
        assert child.wait(timeout=120) in offline.STOPPED, "stopped, not waited for"
        teammate.rollback()
    kb.db.close()
    assert not copy_path(pg_url).exists(), "no copy half made"


def test_a_child_finding_the_copy_locked_leaves_a_marker_and_exits(
    pg_url: str, tmp_path: Path
) -> None:
    """Children never queue behind the copy's lock (a loop of commands made one waiting
    process and one whole copy per command): a child that finds the lock held leaves the
    "wanted" marker for the holder, which copies again, and exits at once."""
    import fcntl

    copy = copy_path(pg_url)
    copy.parent.mkdir(parents=True, exist_ok=True)
    with open(copy.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        added = vendortui(tmp_path, "vendors", "add", "Acme Paging", "--db", pg_url)
        assert added.returncode == 0, added.stderr
        wanted = copy.with_suffix(".wanted")
        until(wanted.exists, "the exit child's marker")
        assert not copy.exists(), "the child did not copy behind the holder's back"
    offline.refresh_if_wanted(pg_url)  # the holder's next round, now the lock is free
    assert not wanted.exists() and is_current(copy, server_mark(pg_url))


def test_a_login_without_the_right_to_connect_is_reported_not_hidden_by_the_copy(
    pg_server: pgserver.PgServer, pg_url: str
) -> None:
    """A role the database refuses (no CONNECT right) is a matter for the user or their
    admin, like a wrong password: the copy would hide it behind an "outage" banner."""
    import shutil
    import uuid

    kb = KnowledgeBase.open(pg_url)
    kb.add_vendor("Acme Paging")
    kb.refresh_offline_copy()
    kb.db.close()
    role = f"outsider_{uuid.uuid4().hex[:8]}"
    pg_server.sql(f"CREATE ROLE {role} LOGIN PASSWORD 'outsider-pw'")
    pg_server.sql(f"REVOKE CONNECT ON DATABASE {pg_url.rsplit('/', 1)[1]} FROM PUBLIC")
    url = pg_url.replace("postgres@", f"{role}:outsider-pw@")
    shutil.copyfile(copy_path(pg_url), copy_path(url))  # a copy made when it could connect
    with pytest.raises(KbError, match="permission denied for database"):
        KnowledgeBase.open(url)

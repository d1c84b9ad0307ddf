"""The offline copy: refreshed from the server, opened read-only when the server is gone."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from tests import pgserver
from tests.user_dirs import UserDirs
from tests.waiting import wait_for
from vendortui.app.db_pg import ServerUnreachable
from vendortui.app.errors import KbError, ReadOnlyError
from vendortui.app.kb import KnowledgeBase
from vendortui.app.offline import copy_path
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

"""Live: a teammate's write on the team server shows in an open TUI without a key pressed."""

from __future__ import annotations

import pytest

from tests.waiting import wait_for
from vendortui.app.kb import KnowledgeBase
from vendortui.models import Vendor
from vendortui.screens.app import VendorTui
from vendortui.screens.home import HomeScreen
from vendortui.screens.vendor_list import AttentionList


@pytest.fixture
def teammate(pg_url: str) -> KnowledgeBase:
    """A second connection to the same server: another person's vendortui."""
    other = KnowledgeBase.open(pg_url)
    yield other
    other.db.close()


async def test_vendor_list_attention_and_open_card_follow_a_teammate(
    pg_url: str, teammate: KnowledgeBase
) -> None:
    vendor = teammate.add_vendor("Acme Paging", status="evaluating")
    kb = KnowledgeBase.open(pg_url)
    app = VendorTui(kb)
    async with app.run_test() as pilot:
        home = app.screen_stack[0]
        assert isinstance(home, HomeScreen)
        await wait_for(pilot, lambda: [row.name for row in home.rows] == ["Acme Paging"])

        teammate.add_vendor("Teammate's Vendor")
        await wait_for(pilot, lambda: "Teammate's Vendor" in [row.name for row in home.rows])

        teammate.update(Vendor, vendor.id, status="production")  # no lead: needs attention
        await wait_for(
            pilot,
            lambda: any(
                item.vendor_id == vendor.id for item in home.query_one(AttentionList).items
            ),
            "the attention list shows the teammate's production vendor",
        )

        app.open_vendor(vendor.id)
        await wait_for(pilot, lambda: app.current_vendor() is not None)
        teammate.update(Vendor, vendor.id, category="paging-by-teammate")
        await wait_for(
            pilot, lambda: app.current_vendor().card.vendor.category == "paging-by-teammate"
        )
    kb.db.close()

"""Changes that should start a checklist offer it: PII data added, a vendor moved to sunset."""

from __future__ import annotations

from textual.pilot import Pilot

from tests.tui.test_app import SIZE, open_datadog, screen_text, settle
from vendortui.app.kb import KnowledgeBase
from vendortui.screens.app import VendorTui
from vendortui.screens.confirm import ConfirmScreen
from vendortui.screens.forms import FormScreen


def _runs(kb: KnowledgeBase) -> list[str]:
    return [run.template_key for run in kb.checklists.runs(kb.find_vendor_id("datadog"))]


async def _data_category_form(pilot: Pilot[None]) -> FormScreen:
    """Open Datadog's Data tab and its add form."""
    await open_datadog(pilot)
    await pilot.press("3")
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    assert isinstance(pilot.app.screen, FormScreen)
    return pilot.app.screen


async def test_adding_pii_data_offers_the_new_data_category_checklist(
    tui: VendorTui, tui_kb: KnowledgeBase
) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        form = await _data_category_form(pilot)
        form.query_one("#field-name").value = "Customer e-mails"
        form.query_one("#field-pii_level").value = "high"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(tui.screen, ConfirmScreen)
        assert "'Customer e-mails' carries high PII" in screen_text(tui)
        await pilot.press("y")
        await settle(pilot)
    assert _runs(tui_kb) == ["new-data-category"]


async def test_no_pii_no_offer_and_declining_starts_nothing(
    tui: VendorTui, tui_kb: KnowledgeBase
) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        form = await _data_category_form(pilot)
        form.query_one("#field-name").value = "Build metrics"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(tui.screen, (ConfirmScreen, FormScreen))
    assert _runs(tui_kb) == []


async def test_moving_to_sunsetting_offers_the_sunset_checklist(
    tui: VendorTui, tui_kb: KnowledgeBase
) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        await open_datadog(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = tui.screen
        assert isinstance(form, FormScreen)
        form.query_one("#field-status").value = "sunsetting"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(tui.screen, ConfirmScreen)
        assert "now sunsetting" in screen_text(tui)
        await pilot.press("y")
        await settle(pilot)
    assert _runs(tui_kb) == ["sunset"]

"""Changes that should start a checklist offer it: PII data added, a vendor moved to sunset."""

from __future__ import annotations

from textual.pilot import Pilot

from tests.tui.test_app import SIZE, on_form, open_datadog, screen_text
from tests.waiting import wait_for
from vendortui.app.kb import KnowledgeBase
from vendortui.screens.app import VendorTui
from vendortui.screens.confirm import ConfirmScreen
from vendortui.screens.forms import FormScreen
from vendortui.screens.vendor import VendorScreen


def _runs(kb: KnowledgeBase) -> list[str]:
    return [run.template_key for run in kb.checklists.runs(kb.find_vendor_id("datadog"))]


async def _data_category_form(pilot: Pilot[None]) -> FormScreen:
    """Open Datadog's Data tab and its add form."""
    await open_datadog(pilot)
    await pilot.press("3", "a")
    return await on_form(pilot)


async def test_adding_pii_data_offers_the_new_data_category_checklist(
    tui: VendorTui, tui_kb: KnowledgeBase
) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        form = await _data_category_form(pilot)
        form.query_one("#field-name").value = "Customer e-mails"
        form.query_one("#field-pii_level").value = "high"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(tui.screen, ConfirmScreen), "the offer")
        assert "'Customer e-mails' carries high PII" in screen_text(tui)
        await pilot.press("y")
        await wait_for(pilot, lambda: _runs(tui_kb) == ["new-data-category"], "the run")


async def test_no_pii_no_offer_and_declining_starts_nothing(
    tui: VendorTui, tui_kb: KnowledgeBase
) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        form = await _data_category_form(pilot)
        form.query_one("#field-name").value = "Build metrics"
        await pilot.press("ctrl+s")
        # The form's own input shows the name too: wait for the card's table to list it.
        await wait_for(
            pilot,
            lambda: isinstance(tui.screen, VendorScreen) and "Build metrics" in screen_text(tui),
            "the new category",
        )
        assert not isinstance(tui.screen, (ConfirmScreen, FormScreen)), "no offer for no PII"
    assert _runs(tui_kb) == []


async def test_moving_to_sunsetting_offers_the_sunset_checklist(
    tui: VendorTui, tui_kb: KnowledgeBase
) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        await open_datadog(pilot)
        await pilot.press("e")
        form = await on_form(pilot)
        form.query_one("#field-status").value = "sunsetting"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(tui.screen, ConfirmScreen), "the offer")
        assert "now sunsetting" in screen_text(tui)
        await pilot.press("y")
        await wait_for(pilot, lambda: _runs(tui_kb) == ["sunset"], "the run")

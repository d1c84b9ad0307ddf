"""The Auth tab and the probe sweep, driven with Pilot. The probes point at a closed port on
127.0.0.1, so they really run (no network beyond loopback) and come back ``unreachable``."""

from __future__ import annotations

import socket

import pytest

from tests.probes.proxy import ConnectProxy
from tests.tui.test_app import SIZE, home, on_form, open_datadog, palette_hit, screen_text
from tests.waiting import wait_for
from vendortui.app.kb import KnowledgeBase
from vendortui.models import ProbeConfig
from vendortui.screens.app import VendorTui
from vendortui.screens.auth_panel import AuthPanel
from vendortui.screens.probe_sweep import ProbeSweepScreen
from vendortui.screens.vendor import VendorScreen


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _add_probe(kb: KnowledgeBase, slug: str, name: str) -> ProbeConfig:
    return kb.create(
        ProbeConfig,
        vendor_id=kb.find_vendor_id(slug),
        name=name,
        kind="oidc_discovery",
        issuer=f"https://127.0.0.1:{_closed_port()}",
    )


async def test_auth_tab_runs_probes_and_shows_the_verdict(
    tui: VendorTui, tui_kb: KnowledgeBase
) -> None:
    _add_probe(tui_kb, "datadog", "[bold]discovery[/bold]")
    async with tui.run_test(size=SIZE) as pilot:
        await open_datadog(pilot)
        await pilot.press("6")
        await wait_for(pilot, lambda: "never run" in screen_text(tui), "the probes")
        assert "[bold]discovery[/bold]" in screen_text(tui), "probe names are shown as text"
        await pilot.press("r")
        await wait_for(pilot, lambda: "UNREACHABLE" in screen_text(tui), "the verdict")
        [status] = tui_kb.probes.status(tui_kb.find_vendor_id("datadog"))
        assert status.latest is not None and status.latest.outcome == "unreachable"
        panel = tui.screen.query_one(AuthPanel)
        # Escape goes back once nothing runs (the run ends after its last result is shown).
        await wait_for(pilot, lambda: not panel.check_action("cancel_run", ()), "the run's end")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(tui.screen, VendorScreen), "back home")


async def test_add_probe_form_refuses_a_bad_issuer_next_to_the_field(
    tui: VendorTui, tui_kb: KnowledgeBase
) -> None:
    async with tui.run_test(size=SIZE) as pilot:
        await open_datadog(pilot)
        await pilot.press("6")
        await wait_for(pilot, lambda: "No SSO probes yet" in screen_text(tui), "the auth tab")
        await pilot.press("a")
        form = await on_form(pilot)
        form.query_one("#field-name").value = "disco"
        form.query_one("#field-issuer").value = "ftp://idp.example.com"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "must start with https://" in screen_text(tui), "refusal")
        assert tui.screen is form, "the form stays open on a refusal"
        form.query_one("#field-issuer").value = "https://idp.example.com"
        await pilot.press("ctrl+s")
        datadog = tui_kb.find_vendor_id("datadog")
        await wait_for(pilot, lambda: tui_kb.probes.status(datadog), "the stored probe")
        [status] = tui_kb.probes.status(tui_kb.find_vendor_id("datadog"))
        assert (status.config.name, status.config.issuer) == ("disco", "https://idp.example.com")


async def test_sweep_from_the_palette_shows_progress_and_stores_results(
    tui: VendorTui, tui_kb: KnowledgeBase
) -> None:
    _add_probe(tui_kb, "datadog", "one")
    _add_probe(tui_kb, "okta", "two")
    async with tui.run_test(size=SIZE) as pilot:
        await home(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"probe", "space", *"all")
        await wait_for(pilot, lambda: palette_hit(tui) == "Probe all vendors", "the command")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Sweep done: 2 of 2 probes ran" in screen_text(tui), "sweep")
        assert isinstance(tui.screen, ProbeSweepScreen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(tui.screen, ProbeSweepScreen), "closed")
    outcomes = {
        s.config.name: s.latest.outcome
        for slug in ("datadog", "okta")
        for s in tui_kb.probes.status(tui_kb.find_vendor_id(slug))
    }
    assert outcomes == {"one": "unreachable", "two": "unreachable"}


async def test_auth_tab_says_the_probe_went_through_a_proxy(
    tui: VendorTui, tui_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real CONNECT proxy that cannot reach the (closed) target answers 502: the verdict is
    unreachable, and the list shows the proxy it went through (an information finding that
    every short result shows)."""
    relay = ConnectProxy().start()
    try:
        for name in ("NO_PROXY", "no_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTPS_PROXY", relay.url)
        _add_probe(tui_kb, "datadog", "discovery")
        async with tui.run_test(size=SIZE) as pilot:
            await open_datadog(pilot)
            await pilot.press("6")
            await wait_for(pilot, lambda: "never run" in screen_text(tui), "the probes")
            await pilot.press("r")
            await wait_for(pilot, lambda: "UNREACHABLE" in screen_text(tui), "the verdict")
            shown = screen_text(tui)
            assert f"went through the proxy {relay.url}" in shown
            assert "would not open a tunnel" in shown
    finally:
        relay.stop()

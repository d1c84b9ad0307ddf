"""The Public data tab and the attention items in the real app, driven with Pilot.

The clock is frozen at 2026-12-03 so the data's ages are fixed. Waits are for what the screen
shows, never for time.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console, Group
from textual.widgets import Input, Static

from tests.public_data.conftest import FIXTURES, write_json
from tests.tui.conftest import build
from tests.tui.test_app import SIZE, error_under, on_form, on_vendor, screen_text
from tests.waiting import wait_for
from vendortui.app.cli import main
from vendortui.app.kb import KnowledgeBase
from vendortui.app.public_data import datasets
from vendortui.app.public_data.reduce import UPSTREAM_FILES
from vendortui.screens.app import VendorTui
from vendortui.screens.vendor_list import AttentionList

NOW = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)


@pytest.fixture
def app_kb(tmp_path: Path) -> Iterator[KnowledgeBase]:
    kb = KnowledgeBase.open(tmp_path / "tui.db")
    build(kb)
    yield kb
    kb.db.close()


def panel_text(app: VendorTui) -> str:
    """The panel's whole text (it may be taller than the screen), rendered 200 columns wide."""
    body = app.screen.query_one("#public-body", Static).content
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(body if isinstance(body, Group) else str(body))
    return console.export_text()


async def open_public_tab(pilot, name: str) -> str:  # type: ignore[no-untyped-def]
    """Open ``name``'s card from the home filter, press 8, wait for the panel's data."""
    await wait_for(pilot, lambda: "vendors" in screen_text(pilot.app), "home")
    await pilot.press("slash", *name.lower(), "enter")
    await on_vendor(pilot, name)
    await pilot.press("8")
    await wait_for(pilot, lambda: "Matched on" in panel_text(pilot.app), "the public data panel")
    return panel_text(pilot.app)


async def test_panel_shows_each_fact_with_source_date_and_age(app_kb: KnowledgeBase) -> None:
    app = VendorTui(app_kb, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        text = await open_public_tab(pilot, "Datadog")
        assert "Matched on datadoghq.com" in text
        assert "2FA methods" in text and "TOTP app" in text
        assert "2fa.directory · datadoghq.com · 2026-08-04, 4 months old" in text
        assert "Passkeys" in text and "not listed" in text
        assert "SSO price increase" in text
        assert "provisioning on a higher plan, deprovisioning on a higher plan" in text
        assert "Auto-Provisioning Atlas · datadoghq.com · 2025-05-06, 19 months old; stale" in text
        assert "Disagrees: WebAuthn is marked enforced" in text
        assert "Better option: SCIM" not in text  # Datadog has SCIM recorded
        assert "8 Public data" in screen_text(app)


async def test_hostile_dataset_text_shows_escaped_in_the_panel(
    tmp_path: Path, app_kb: KnowledgeBase
) -> None:
    doc = json.loads((FIXTURES / UPSTREAM_FILES["sso-tax"]).read_text(encoding="utf-8"))
    doc[4]["name"] = "Git[bold]Hub[/bold]\x1b[2J"
    doc[4]["percent_increase"] = "[red]9%"
    assert main(["datasets", "import", str(write_json(tmp_path / "v.json", doc))]) == 0
    app_kb.add_vendor("GitHub", website="https://github.com", sso_protocol="saml")
    app = VendorTui(app_kb, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        text = await open_public_tab(pilot, "GitHub")
        assert "Git[bold]Hub[/bold]\\u001b[2J" in text
        assert "+[red]9%" in text
        assert "\x1b" not in screen_text(app)


async def test_extra_domains_edited_in_the_form_are_matched(app_kb: KnowledgeBase) -> None:
    """Okta has no website: the panel says so; extra domains typed in the form match it."""
    app = VendorTui(app_kb, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        text = await open_public_tab(pilot, "Okta")
        assert "no domain: add a website or extra domains" in text
        await pilot.press("1", "e")
        form = await on_form(pilot)
        field = form.query_one("#field-extra_domains", Input)
        field.value = "okta.com, not a domain!"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "is not a domain" in error_under(form, "extra_domains"))
        field.value = "https://www.okta.com, okta-emea.com"
        await pilot.press("ctrl+s")
        await on_vendor(pilot, "Okta")
        await pilot.press("8")
        await wait_for(
            pilot, lambda: "Matched on okta.com, okta-emea.com" in panel_text(app), "new domains"
        )
        assert "Okta Verify" not in panel_text(app)  # custom method names are not kept
        assert "security keys (WebAuthn)" in panel_text(app)


async def test_attention_list_shows_public_findings_loaded_off_the_ui_thread(
    app_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The datasets load in the attention worker, after the first frame, never on the UI
    thread; the findings arrive at the lowest severity with their reason."""
    threads: list[threading.Thread] = []
    original = datasets.Datasets.__init__

    def recording(self: datasets.Datasets, loaded: dict) -> None:
        threads.append(threading.current_thread())
        original(self, loaded)

    monkeypatch.setattr(datasets.Datasets, "__init__", recording)
    app = VendorTui(app_kb, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        attention = app.screen.query_one(AttentionList)
        await wait_for(
            pilot,
            lambda: any(i.kind == "public_webauthn_no_keys" for i in attention.items),
            "the public finding",
        )
        [item] = [i for i in attention.items if i.kind.startswith("public_")]
        assert (item.vendor, item.severity) == ("Datadog", "info")
        assert item.why.startswith("WebAuthn is marked enforced, but 2fa.directory")
    assert threads and all(t is not threading.main_thread() for t in threads)


def test_start_up_modules_do_not_load_the_datasets() -> None:
    """Importing the app and home screen brings no dataset module: they load on first use."""
    import subprocess
    import sys

    code = (
        "import sys, vendortui.screens.app, vendortui.screens.home, vendortui.screens.vendor; "
        "print(sorted(m for m in sys.modules if m.startswith('vendortui.app.public_data.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = out.stdout.strip()
    assert "datasets" not in loaded and "snapshot" not in loaded, loaded

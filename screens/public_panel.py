"""The vendor's Public data tab: what open datasets say about its sign-in and SSO, and where
that disagrees with what we recorded.

Built on the tab's first visit (``screens.vendor.EXTENSIONS``); the datasets load in a thread
worker (``kb.public_data``), so neither opening the card nor the first frame waits for them.
Every value from a dataset is untrusted text: it is drawn as ``Text`` through ``one_line``
(hidden characters shown escaped, no markup parsed).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from vendortui.app.errors import KbError
from vendortui.app.public_data.facts import Fact, method_label
from vendortui.app.public_data.sources import SOURCES
from vendortui.app.text import one_line

if TYPE_CHECKING:
    from vendortui.app.public_data.check import VendorPublic
    from vendortui.screens.app import VendorTui

FLAG_WORDS = {
    "TRUE": ("yes", "green"),
    "FALSE": ("no", "yellow"),
    "UPGRADE": ("on a higher plan", "yellow"),
    "UNKNOWN": ("unknown", "dim"),
}
KIND_STYLE = {"disagree": "bold yellow", "better": "cyan"}


def _source(fact: Fact, today: date) -> Text:
    """``2fa.directory · datadoghq.com · 2026-08-04, 4 months old`` (yellow when stale)."""
    line = f"{SOURCES[fact.source].title} · {one_line(fact.domain)} · {fact.dated(today)}"
    return Text(line, style="yellow" if fact.stale(today) else "dim")


def _flag(value: str) -> Text:
    word, style = FLAG_WORDS.get(value, (one_line(value), ""))
    return Text(word, style=style)


def facts_table(result: VendorPublic, today: date) -> Table:
    """One row per fact: what, the value, its source with date and age."""
    facts = result.facts
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=2)
    grid.add_column(ratio=3)
    missing = Text("not listed", style="dim")
    if facts.twofa is not None:
        methods = ", ".join(method_label(one_line(m)) for m in facts.twofa.methods)
        grid.add_row(
            "2FA methods", Text(methods or "none offered"), _source(facts.twofa.fact, today)
        )
    else:
        grid.add_row("2FA methods", missing, Text("2fa.directory", style="dim"))
    if facts.passkeys is not None:
        grid.add_row(
            "Passkeys", Text(facts.passkeys.describe()), _source(facts.passkeys.fact, today)
        )
    else:
        grid.add_row("Passkeys", missing, Text("Passkeys directory", style="dim"))
    if facts.sso_prices:
        for price in facts.sso_prices:
            value = Text.assemble(
                (f"+{one_line(price.percent_increase or '?').lstrip('+')}", "bold"),
                f" {one_line(price.name)}: {one_line(price.base_pricing)} -> "
                f"{one_line(price.sso_pricing)}",
            )
            grid.add_row("SSO price increase", value, _source(price.fact, today))
    else:
        grid.add_row("SSO price increase", missing, Text("sso.tax", style="dim"))
    atlas = facts.provisioning
    if atlas is not None:
        scim = Text.assemble(
            "provisioning ",
            _flag(atlas.scim_provisioning),
            ", deprovisioning ",
            _flag(atlas.scim_deprovisioning),
        )
        saml = Text.assemble(_flag(atlas.saml), "; JIT ", _flag(atlas.jit))
        grid.add_row("SCIM", scim, _source(atlas.fact, today))
        grid.add_row("SAML", saml, _source(atlas.fact, today))
    else:
        grid.add_row("SCIM / SAML", missing, Text("Auto-Provisioning Atlas", style="dim"))
    return grid


def findings_text(result: VendorPublic) -> Text:
    """Each finding with its kind, why, and what to do; or that the data agrees."""
    if not result.facts.listed:
        return Text("No public dataset lists this vendor's domains.", style="dim")
    if not result.findings:
        return Text("Public data agrees with what we recorded.", style="green")
    out = Text()
    for finding in result.findings:
        label = "Disagrees" if finding.kind == "disagree" else "Better option"
        out.append(f"{label}: ", style=KIND_STYLE[finding.kind])
        out.append(one_line(finding.why))
        out.append("\n  -> " + one_line(finding.todo) + "\n", style="dim")
    return out


def panel_body(result: VendorPublic, today: date) -> RenderableType:
    """The whole tab: matched domains, the facts table, the findings, where to read more."""
    domains = ", ".join(one_line(d) for d in result.facts.domains)
    head = Text.assemble(
        ("Matched on ", "dim"),
        domains or "no domain: add a website or extra domains (e on the Overview tab)",
    )
    tail = Text(
        "Sources, dates and licenses: `vendortui datasets`. Offline snapshots; "
        "`vendortui datasets import FILE` installs a newer one.",
        style="dim",
    )
    return Group(
        head, Text(), facts_table(result, today), Text(), findings_text(result), Text(), tail
    )


class PublicPanel(VerticalScroll):
    """Public data about one vendor; the screen's r reloads it with the card."""

    app: VendorTui

    DEFAULT_CSS = """
    PublicPanel { height: 1fr; }
    PublicPanel #public-body { height: auto; }
    """

    def __init__(self, vendor_id: str) -> None:
        super().__init__()
        self.vendor_id = vendor_id
        self.can_focus = True

    def compose(self) -> ComposeResult:
        yield Static("Loading public data…", id="public-body")

    def on_mount(self) -> None:
        self.refresh_data()

    @work(thread=True, exclusive=True, group="public-data")
    def refresh_data(self) -> None:
        """Read the vendor and the datasets off the UI thread, then draw."""
        today = self.app.today()
        try:
            result = self.app.kb.public_data(self.vendor_id, today)
        except KbError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        self.app.call_from_thread(self._show, result, today)

    def _show(self, result: VendorPublic, today: date) -> None:
        self.query_one("#public-body", Static).update(panel_body(result, today))

"""ctrl+p: jump to any vendor by name, or run one of the main actions.

Textual's ``Matcher.highlight`` and ``Hit.help`` parse markup, and vendor names are untrusted,
so hits are drawn as plain ``Content`` with the match offsets styled by hand, and help text is
escaped with ``safe``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from vendortui.app.card import status_text
from vendortui.app.queries import VendorRow
from vendortui.app.text import safe, strip_control

if TYPE_CHECKING:
    from vendortui.screens.app import VendorTui

FUZZY_LIMIT = 2_000
"""Above this many vendors, match names by substring first: fuzzy scoring 10k names per
keystroke would make the palette lag."""
MAX_HITS = 50


def _describe(row: VendorRow) -> str:
    lead = f" · lead {row.lead}" if row.lead else ""
    return safe(f"{status_text(row.status, row.rollout_stage, row.rollout_percent)}{lead}")


class VendorCommands(Provider):
    """Every vendor, by name or slug."""

    @property
    def tui(self) -> VendorTui:
        return self.app  # type: ignore[return-value]

    async def discover(self) -> Hits:
        for row in self.tui.vendor_rows()[:MAX_HITS]:
            yield DiscoveryHit(
                Content(strip_control(row.name)),
                partial(self.tui.open_vendor, row.id),
                text=row.name,
                help=_describe(row),
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        rows = self.tui.vendor_rows()
        needle = query.lower().strip()
        if len(rows) > FUZZY_LIMIT:
            rows = [r for r in rows if needle in r.name.lower() or needle in r.slug][:500]
        hits = []
        for row in rows:
            name = strip_control(row.name)
            score, offsets = matcher.fuzzy_search.match(query, name)
            if score > 0:
                display = Content(name)
                for offset in offsets:
                    display = display.stylize(matcher.match_style, offset, offset + 1)
                hits.append((score, row, display))
        hits.sort(key=lambda hit: -hit[0])
        for score, row, display in hits[:MAX_HITS]:
            yield Hit(
                score,
                display,
                partial(self.tui.open_vendor, row.id),
                text=row.name,
                help=_describe(row),
            )


class ActionCommands(Provider):
    """The main actions, so nobody has to remember a key."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app: VendorTui = self.app  # type: ignore[assignment]
        commands: list[tuple[str, str, Callable[[], object]]] = [
            ("Add vendor", "Create a vendor (and its runbook from the template)", app.add_vendor),
            ("People", "Everyone we may need to reach: add, edit, delete", app.action_people),
            ("Home", "Back to the attention list and all vendors", app.go_home),
            ("Probe all vendors", "Run every SSO probe now, with progress", app.action_probe_sweep),
            (
                "Sync with the team",
                "Commit, fetch, merge and push (ctrl+s on home)",
                app.action_sync,
            ),
            ("Resolve sync conflicts", "Fields two people changed differently", app.show_conflicts),
            ("Keys", "Every key on every screen", app.action_help),
        ]
        vendor = app.current_vendor()
        if vendor is not None:
            commands += [
                ("Edit this vendor", "Status, risk, SSO, contract", vendor.action_edit_vendor),
                ("Open runbook", "The runbook tab of this vendor", vendor.focus_runbook),
                (
                    "Mark runbook verified",
                    "Record that you walked through it",
                    vendor.action_verify_runbook,
                ),
                (
                    "Add event",
                    "Breach, incident, rollback, contract change, ...",
                    partial(vendor.switch_and_run, "events", vendor.action_add_event),
                ),
                (
                    "Add role",
                    "Lead, backup, power user, contacts",
                    partial(vendor.switch_and_run, "people", vendor.action_add_role),
                ),
                (
                    "Delete this vendor",
                    "Asks first; leaves a tombstone",
                    vendor.action_delete_vendor,
                ),
            ]
        return commands

    async def discover(self) -> Hits:
        for name, help_text, run in self._commands():
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        for name, help_text, run in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, text=name, help=help_text)

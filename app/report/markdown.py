"""The inventory report as Markdown: a section per risk tier, a short list per vendor.

Every stored string goes through ``app.text.markdown_line`` (hidden characters shown,
Markdown syntax and raw HTML backslash-escaped, line breaks shown as ``\\n``), so a vendor
name can neither add a heading, a link or a list item nor hide text.
"""

from __future__ import annotations

from vendortui.app.report import phrases
from vendortui.app.report.inventory import Inventory, VendorEntry
from vendortui.app.text import markdown_line


def render_markdown(inventory: Inventory, source: str) -> str:
    """The whole report; ``source`` names the knowledge base it was read from."""
    out = [
        "# Vendor inventory",
        "",
        f"{inventory.count} vendors in {markdown_line(source)}, as of {inventory.today}.",
    ]
    for tier, entries in inventory.tiers.items():
        out += ["", f"## {markdown_line(phrases.tier_title(tier))} ({len(entries)})"]
        for entry in entries:
            out += ["", *_vendor(entry)]
    return "\n".join(out) + "\n"


def _vendor(entry: VendorEntry) -> list[str]:
    def item(label: str, text: str) -> str:
        return f"- {label}: {markdown_line(text)}"

    lines = [
        f"### {markdown_line(entry.name)} ({markdown_line(entry.slug)})",
        "",
        item("Status", f"{entry.status}, {entry.category or 'no category'}"),
        item("Lead", phrases.people(entry.leads)),
        item("Backup", phrases.people(entry.backups)),
        item(
            "Data",
            "; ".join(phrases.data_category(cat) for cat in entry.data) or phrases.NONE,
        ),
        item("Recorded posture", ", ".join(phrases.posture(entry))),
        item("Public posture", phrases.public(entry)),
        item("Review", phrases.review(entry)),
        item(
            "Open checklist items",
            "; ".join(phrases.open_run(run) for run in entry.open_runs) or phrases.NONE,
        ),
        item(
            "Latest probe results",
            "; ".join(phrases.probe(result) for result in entry.probes) or "no probes",
        ),
    ]
    return lines

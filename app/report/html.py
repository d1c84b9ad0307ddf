"""The inventory report as one self-contained HTML file: a table per risk tier.

No scripts, no external stylesheets, fonts or images: the CSS is inline and a
Content-Security-Policy forbids loading anything, so the file reads the same offline, in a
mail attachment or an audit archive. ``@media print`` keeps rows whole and repeats table
headers on every page. Every stored string is shown by ``_text``: hidden characters shown
escaped (``one_line``), then ``html.escape`` (quotes included), so data is never markup.
"""

from __future__ import annotations

from html import escape

from vendortui.app.report import phrases
from vendortui.app.report.inventory import Inventory, VendorEntry
from vendortui.app.text import one_line

STYLE = """
:root { color-scheme: light; }
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem;
  color: #1b1b1b; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; border-bottom: 2px solid #444; }
p.meta { color: #555; margin: 0 0 1rem; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #bbb; padding: .3rem .45rem; vertical-align: top; text-align: left;
  overflow-wrap: anywhere; }
th { background: #eee; }
td.vendor b { display: block; }
td.vendor small, .none { color: #666; }
ul { margin: 0; padding-left: 1rem; }
@media print {
  body { margin: 0; font-size: 10px; }
  h2 { break-after: avoid; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  th { background: none; }
}
"""
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'"
COLUMNS = (
    "Vendor",
    "Lead",
    "Backup",
    "Data (PII, encryption)",
    "Recorded posture",
    "Public posture",
    "Review",
    "Open checklist items",
    "Latest probe results",
)


def _text(value: object) -> str:
    """Stored text as HTML text: hidden characters shown, then every markup character escaped."""
    return escape(one_line(value), quote=True)


def _list(lines: list[str], empty: str) -> str:
    if not lines:
        return f'<span class="none">{_text(empty)}</span>'
    if len(lines) == 1:
        return _text(lines[0])
    return "<ul>" + "".join(f"<li>{_text(line)}</li>" for line in lines) + "</ul>"


def render_html(inventory: Inventory, source: str) -> str:
    """The whole report; ``source`` names the knowledge base it was read from."""
    head = "".join(f"<th>{_text(name)}</th>" for name in COLUMNS)
    parts = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        "<title>Vendor inventory</title>\n",
        f"<style>{STYLE}</style>\n</head>\n<body>\n<h1>Vendor inventory</h1>\n",
        f'<p class="meta">{inventory.count} vendors in {_text(source)}, as of '
        f"{inventory.today.isoformat()}.</p>\n",
    ]
    for tier, entries in inventory.tiers.items():
        parts.append(
            f"<section>\n<h2>{_text(phrases.tier_title(tier))} ({len(entries)})</h2>\n"
            f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
        )
        parts.extend(_row(entry) for entry in entries)
        parts.append("</tbody>\n</table>\n</section>\n")
    parts.append("</body>\n</html>\n")
    return "".join(parts)


def _row(entry: VendorEntry) -> str:
    cells = (
        f'<td class="vendor"><b>{_text(entry.name)}</b><small>{_text(entry.slug)}<br>'
        f"{_text(entry.status)}, {_text(entry.category or 'no category')}</small></td>",
        f"<td>{_list([phrases.person(p) for p in entry.leads], phrases.NONE)}</td>",
        f"<td>{_list([phrases.person(p) for p in entry.backups], phrases.NONE)}</td>",
        f"<td>{_list([phrases.data_category(c) for c in entry.data], phrases.NONE)}</td>",
        f"<td>{_list(phrases.posture(entry), phrases.NONE)}</td>",
        f"<td>{_text(phrases.public(entry))}</td>",
        f"<td>{_text(phrases.review(entry))}</td>",
        f"<td>{_list([phrases.open_run(run) for run in entry.open_runs], phrases.NONE)}</td>",
        f"<td>{_list([phrases.probe(result) for result in entry.probes], 'no probes')}</td>",
    )
    return "<tr>" + "".join(cells) + "</tr>\n"

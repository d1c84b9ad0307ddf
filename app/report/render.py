"""The report in a format: read the inventory once, render it as Markdown or HTML."""

from __future__ import annotations

import sqlite3
from datetime import date

from vendortui.app.report.html import render_html
from vendortui.app.report.inventory import read_inventory
from vendortui.app.report.markdown import render_markdown

FORMATS = {"markdown": render_markdown, "html": render_html}


def report_text(conn: sqlite3.Connection, today: date, fmt: str, source: str) -> str:
    """The whole report as text in ``fmt`` (a key of ``FORMATS``)."""
    return FORMATS[fmt](read_inventory(conn, today), source)

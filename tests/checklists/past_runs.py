"""Checklist runs as if walked in the past: due dates, stalls and the walker need history."""

from __future__ import annotations

from datetime import datetime

from vendortui.app.demo import add_run
from vendortui.app.kb import KnowledgeBase
from vendortui.app.sql_writes import rows_writer


def add_past_run(
    kb: KnowledgeBase,
    vendor_id: str,
    template_key: str,
    started: datetime,
    completed: datetime | None,
    done_items: list[str],
) -> str:
    """A run of ``template_key`` started (and completed) at the given moments, with
    ``done_items`` ticked, written the way the demo writes its runs; returns its id."""
    template = kb.checklists.catalog().get(template_key)
    with rows_writer(kb.db) as rows:
        return add_run(rows, vendor_id, template, started, completed, done_items)

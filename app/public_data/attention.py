"""Public-data findings on the attention list (severity ``info``, the lowest): the home screen
computes it in a worker after the first frame, so the datasets load there, not before it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import date

from vendortui.app.attention_item import AttentionItem
from vendortui.app.public_data.check import vendor_public
from vendortui.app.public_data.datasets import load
from vendortui.app.public_data.records import postures


def public_rules(conn: sqlite3.Connection, today: date, within: int) -> Iterable[AttentionItem]:
    """One item per finding of every vendor not retired (``within`` does not apply)."""
    datasets = load()
    for posture in postures(conn):
        for finding in vendor_public(posture, datasets, today).findings:
            yield AttentionItem(
                posture.vendor_id,
                posture.name,
                f"public_{finding.code}",
                "info",
                finding.why,
                finding.todo,
            )

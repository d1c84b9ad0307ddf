"""Planting values the write path refuses, as an older vendortui or a hand-edited file left them.

One-line fields refuse control characters on every write path (``models.one_line``), so tests
of how such stored data is *shown* put it in with plain ``sqlite3``, below that rule.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


def plant(db_path: Path, table: str, row_id: str, **fields: str) -> None:
    """Set ``fields`` of one row directly in the file, bypassing the models' rules."""
    assignments = ", ".join(f"{name} = ?" for name in fields)
    conn = sqlite3.connect(db_path)
    try:
        with conn:
            conn.execute(
                f"UPDATE {table} SET {assignments} WHERE id = ?", (*fields.values(), row_id)
            )
    finally:
        conn.close()

"""Reading and resolving a clone's conflicts as its owner would (sides seen from that clone)."""

from __future__ import annotations

from tests.sync.conftest import Clone
from vendortui.app.db import Database
from vendortui.app.sync import conflicts


def open_conflicts(clone: Clone) -> list[conflicts.ConflictView]:
    """The open conflicts ``vendortui conflicts`` would list on this clone."""
    db = Database.open(clone.db_path)
    try:
        return conflicts.list_open(db, me=clone.email)
    finally:
        db.close()


def resolve(clone: Clone, conflict_id: str, choice: conflicts.Choice) -> None:
    """``vendortui conflicts resolve`` on this clone."""
    db = Database.open(clone.db_path)
    try:
        conflicts.resolve(db, conflict_id, choice, me=clone.email)
    finally:
        db.close()

"""Fields that two clones changed differently: kept for a person to resolve.

The merge stores a provisional value in the row so the knowledge base stays usable, and both
sides here, with who and when.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field

from vendortui.models.base import Synced


class Conflict(Synced, table=True):
    """One field of one row on which two clones disagree."""

    table_name: str
    row_id: str = Field(index=True)
    field: str
    base_value: str | None = None
    ours_value: str | None = None
    theirs_value: str | None = None
    ours_by: str = ""
    ours_at: datetime | None = None
    theirs_by: str = ""
    theirs_at: datetime | None = None
    provisional: str = ""
    resolved_at: datetime | None = None
    resolved_by: str = ""
    resolution: str = ""

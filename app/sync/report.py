"""What a sync did (``SyncReport``) and the clone's record of its last sync.

``state.json`` in ``.git/vendortui`` is local, never synced: when this clone last synced,
what it did and its headline, readable without starting git.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from vendortui.app.sync.repo import Repo

STATE_FILE = "state.json"


@dataclass
class SyncReport:
    """What a sync did, for the command line and the TUI."""

    path: Path
    committed: str = ""
    """Summary of the local changes committed (empty if there were none)."""
    action: str = "up to date"
    """``up to date``, ``fast-forward``, ``merged``, ``pushed``, ``offline``, ``no remote``."""
    incoming: list[str] = field(default_factory=list)
    """Sentences about what came in, with the names from the data (control chars removed)."""
    new_conflicts: int = 0
    open_conflicts: int = 0
    pushed: bool = False
    remote: str = ""
    problem: str = ""
    """Why the sync could not reach the remote (the local commit is kept)."""

    def headline(self) -> str:
        """One line: what came in and what needs a person."""
        parts = []
        if self.incoming:
            parts.append(
                self.incoming[0]
                + (f" (+{len(self.incoming) - 1} more)" if len(self.incoming) > 1 else "")
            )
        if self.open_conflicts:
            word = "conflict" if self.open_conflicts == 1 else "conflicts"
            parts.append(f"{self.open_conflicts} {word} to resolve")
        if self.problem:
            parts.append(self.problem)
        return "; ".join(parts) or f"{self.action}"

    def lines(self) -> list[str]:
        """The full report as printed by ``vendortui sync``."""
        out = []
        if self.committed:
            out.append(f"Committed local changes: {self.committed}.")
        if self.problem:
            out.append(self.problem)
        elif self.action == "no remote":
            out.append("No remote is configured; add one with git remote add origin URL.")
        else:
            where = f" with {self.remote}" if self.remote else ""
            pushed = ", pushed" if self.pushed and self.action != "pushed" else ""
            out.append(f"Synced{where}: {self.action}{pushed}.")
        if self.incoming:
            out.append("Came in:")
            out += [f"  {line}" for line in self.incoming]
        if self.open_conflicts:
            word = "conflict" if self.open_conflicts == 1 else "conflicts"
            new = f" ({self.new_conflicts} new)" if self.new_conflicts else ""
            out.append(
                f"{self.open_conflicts} {word} to resolve{new}: vendortui conflicts "
                "(a provisional value is in place meanwhile)."
            )
        return out


def save_state(repo: Repo, report: SyncReport) -> None:
    """Remember when this clone synced and what happened."""
    state = {
        "synced_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "action": report.action,
        "headline": report.headline(),
    }
    (repo.state_dir / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")

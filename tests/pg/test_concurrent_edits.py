"""Twenty processes editing the same vendors at once: no lost update, every collision told.

Each (vendor, field) must have a history that is one chain: starting from the initial value,
every saved edit was loaded from the value the previous saved edit left, the chain uses
every saved edit once and ends at the stored value. Two saves from the same loaded value
would be a lost update; a refused edit must have loaded a value the chain had moved past.
Fields are split between workers (even: category, odd: description), so two workers saving
different fields of one row at once must both land.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from vendortui.app.kb import KnowledgeBase

ROUNDS = 10
ROOT = Path(__file__).resolve().parents[2]


def kb_location(kb: KnowledgeBase) -> str:
    return kb.db.url if kb.db.kind == "postgresql" else str(kb.path)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("backend", "workers"),
    # A file's writers wait on SQLite's busy handler, which is not fair: past a handful of
    # processes one can starve beyond the 5 s busy timeout. The server queues them.
    [("sqlite", 6), ("postgresql", 20)],
)
def test_twenty_writers_lose_nothing_and_every_collision_is_refused(
    kb: KnowledgeBase, tmp_path: Path, workers: int
) -> None:
    ids = [kb.add_vendor(f"Shared Vendor {n}", category="start", description="start").id
           for n in range(3)]  # fmt: skip
    kb.db.close()
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    argv = [sys.executable, "-m", "tests.pg.edit_worker", kb_location(kb)]
    processes = [
        subprocess.Popen(
            [*argv, str(w), str(ROUNDS), str(barrier), str(workers)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(workers)
    ]
    attempts = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        attempts += [json.loads(line) for line in out.splitlines()]
    assert len(attempts) == workers * (len(ids) + ROUNDS)

    stored = {(card.vendor.id, f): getattr(card.vendor, f)
              for card in map(kb.card, ids) for f in ("category", "description")}  # fmt: skip
    chains: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for one in attempts:
        chains[(one["vendor"], one["field"])].append(one)
    refused = 0
    for key, tries in chains.items():
        saved = {}
        for one in tries:
            if one["outcome"] == "saved":
                assert one["loaded"] not in saved, f"lost update on {key}: two saves from one value"
                saved[one["loaded"]] = one["new"]
        value, seen = "start", ["start"]
        while value in saved:
            value = saved.pop(value)
            seen.append(value)
        assert not saved, f"saves on {key} that did not follow the stored chain: {saved}"
        assert stored[key] == value, f"{key} stored {stored[key]!r}, the last save was {value!r}"
        for one in tries:
            if one["outcome"] == "refused":
                refused += 1
                loaded_at, current_at = seen.index(one["loaded"]), seen.index(one["current"])
                assert current_at > loaded_at, f"{key}: refused with no newer value: {one}"
    first_wave = workers // 2 - 1
    assert refused >= len(ids) * 2 * first_wave, "every worker but one per field collided first"

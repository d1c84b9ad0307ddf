"""One teammate editing vendors, run as its own process by ``test_concurrent_edits``.

``python -m tests.pg.edit_worker DB WORKER ROUNDS BARRIER_DIR WORKERS``: loads every vendor,
waits until all workers have loaded (so the first saves all start from the same values and
must collide), then saves; afterwards loads and saves one field at a time. Each attempt is
printed as a JSON line: vendor, field, the value loaded, the value saved, and the outcome.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from vendortui.app.dburl import location
from vendortui.app.kb import ChangedMeanwhile, KnowledgeBase
from vendortui.models import Vendor

FIELDS = ("category", "description")


def attempt(kb: KnowledgeBase, row: Vendor, field: str, new: str) -> dict[str, object]:
    loaded = getattr(row, field)
    record: dict[str, object] = {"vendor": row.id, "field": field, "loaded": loaded, "new": new}
    try:
        kb.update(Vendor, row.id, expected={field: loaded}, **{field: new})
    except ChangedMeanwhile as error:
        record.update(outcome="refused", current=error.current)
    else:
        record["outcome"] = "saved"
    return record


def wait_for_everyone(barrier: Path, worker: int, workers: int) -> None:
    """A file per worker; go when all are there (a condition, polled)."""
    (barrier / f"ready-{worker}").touch()
    while len(list(barrier.glob("ready-*"))) < workers:
        time.sleep(0.005)


def main(db: str, worker: int, rounds: int, barrier: Path, workers: int) -> None:
    kb = KnowledgeBase.open(location(db))
    ids = [row.id for row in kb.vendor_rows()]
    field = FIELDS[worker % 2]
    first = [kb.card(vendor_id).vendor for vendor_id in ids]
    wait_for_everyone(barrier, worker, workers)
    for row in first:
        print(json.dumps(attempt(kb, row, field, f"w{worker}-first-{row.slug}")), flush=True)
    for n in range(rounds):
        row = kb.card(ids[(worker + n) % len(ids)]).vendor
        print(json.dumps(attempt(kb, row, field, f"w{worker}-{n}")), flush=True)
    kb.db.close()


if __name__ == "__main__":
    db, worker, rounds, barrier, workers = sys.argv[1:]
    main(db, int(worker), int(rounds), Path(barrier), int(workers))

"""The team server's figures, against a throwaway local PostgreSQL (tests/pgserver.py).

Start-up to the vendor list over a server, as a ratio to a minimal Textual app measured in
the same run (and the file's ratio beside it); filter keystroke and vendor screen at 10,000
vendors as ratios to the same file's, measured in the same run; how long a teammate's write
takes to show in an open TUI (LISTEN/NOTIFY); 20 processes x 100 compare-and-set edits of
the same vendors (throughput, and no lost update);
``vendortui migrate`` of a 10,000-vendor file.

    .venv/bin/python bench/pg.py [--runs 5] [--vendors 10000]

Exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from startup import (  # noqa: E402
    MINIMAL_APP,
    VENDORTUI,
    Terminal,
    first_frame,
    interactive,
    make_files,
    median_ms,
    verdicts,
)

from tests import pgserver  # noqa: E402
from vendortui.app.kb import ChangedMeanwhile, KnowledgeBase  # noqa: E402
from vendortui.app.transfer import migrate  # noqa: E402
from vendortui.models import Vendor  # noqa: E402

WRITERS, EDITS, SHARED = 20, 100, 20
TARGETS = {
    "start-up over a server, demo (x baseline)": 2.5,
    "start-up over a server, 10k vendors (x baseline)": 3.0,
    "filter keystroke, server / file, 10k (median)": 1.2,
    "vendor screen open, server / file, 10k (median)": 1.5,
    "teammate's change visible (ms, max)": 1000.0,
    "migrate 10k-vendor file to server (s)": 10.0,
}


def writer(url: str, worker: int, ids: list[str]) -> int:
    """EDITS compare-and-set appends to shared vendors' descriptions; retries on refusal."""
    kb = KnowledgeBase.open(url)
    refused = 0
    for n in range(EDITS):
        vendor_id = ids[(worker * 7 + n) % len(ids)]
        while True:
            loaded = kb.card(vendor_id).vendor.description
            try:
                kb.update(
                    Vendor,
                    vendor_id,
                    expected={"description": loaded},
                    description=f"{loaded} w{worker}.{n}",
                )
                break
            except ChangedMeanwhile:
                refused += 1
    kb.db.close()
    return refused


def writers(url: str) -> tuple[float, int, int]:
    """(edits per second, refusals retried, edits found in the stored rows)."""
    kb = KnowledgeBase.open(url)
    ids = [kb.add_vendor(f"Shared {n}", description="start").id for n in range(SHARED)]
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(WRITERS) as pool:
        refused = sum(pool.starmap(writer, [(url, w, ids) for w in range(WRITERS)]))
    elapsed = time.perf_counter() - started
    found = sum(len(kb.card(i).vendor.description.split()) - 1 for i in ids)
    kb.db.close()
    return WRITERS * EDITS / elapsed, refused, found


def teammate_latency(url: str, samples: int = 5) -> list[float]:
    """Seconds from a teammate's commit until the open TUI draws the new vendor count."""
    kb = KnowledgeBase.open(url)
    total = len(kb.vendor_rows())
    terminal = Terminal(VENDORTUI, url)
    seconds = []
    try:
        terminal.wait_for(f"{total} of {total} vendors")
        terminal.drain(0.5)
        for n in range(samples):
            terminal.drain()
            mark = len(terminal.buffer)
            sent = time.perf_counter()
            kb.add_vendor(f"Teammate Vendor {n}", allow_similar=True)
            total += 1
            seconds.append(terminal.wait_for(f"{total} of {total} vendors", since=mark) - sent)
    finally:
        terminal.close()
        kb.db.close()
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="start-up runs per case (median)")
    parser.add_argument("--vendors", type=int, default=10_000, help="synthetic vendors")
    args = parser.parse_args()

    server = pgserver.start_server()
    try:
        with tempfile.TemporaryDirectory(prefix="vendortui-bench-") as folder:
            demo_db, demo_count, big_db = make_files(Path(folder), args.vendors)
            for name in ("demo", "big", "writers"):
                server.sql(f"CREATE DATABASE {name}")
            demo_url, big_url = server.url("demo"), server.url("big")
            migrate(demo_db, demo_url)
            started = time.perf_counter()
            migrate(big_db, big_url)
            migrate_s = time.perf_counter() - started
            big_kb = KnowledgeBase.open(big_url)
            big_rows = big_kb.vendor_rows()
            big_kb.db.close()
            total = len(big_rows)

            demo_mark, big_mark = (
                f"{demo_count} of {demo_count} vendors",
                f"{total} of {total} vendors",
            )
            cases = {
                "baseline": lambda: first_frame(MINIMAL_APP, ("baseline-ready",)),
                "file demo": lambda: first_frame(VENDORTUI, (demo_mark,), str(demo_db)),
                "server demo": lambda: first_frame(VENDORTUI, (demo_mark,), demo_url),
                "file 10k": lambda: first_frame(VENDORTUI, (big_mark,), str(big_db)),
                "server 10k": lambda: first_frame(VENDORTUI, (big_mark,), big_url),
            }
            for run in cases.values():
                run()
            samples: dict[str, list[float]] = {name: [] for name in cases}
            for _ in range(args.runs):
                for name, run in cases.items():
                    samples[name].append(run()[0])  # wall clock, as startup.py judges
            ms = {name: median_ms(values) for name, values in samples.items()}
            keystrokes, opens, _rss = interactive(big_url, total, big_rows)
            file_keystrokes, file_opens, _rss = interactive(big_db, total, big_rows)
            latency = teammate_latency(demo_url)
            rate, refused, found = writers(server.url("writers"))
    finally:
        pgserver.remove(server)

    baseline = ms["baseline"]
    figures = {
        "start-up over a server, demo (x baseline)": ms["server demo"] / baseline,
        "start-up over a server, 10k vendors (x baseline)": ms["server 10k"] / baseline,
        "filter keystroke, server / file, 10k (median)": median_ms(keystrokes)
        / median_ms(file_keystrokes),
        "vendor screen open, server / file, 10k (median)": median_ms(opens) / median_ms(file_opens),
        "teammate's change visible (ms, max)": max(latency) * 1000,
        "migrate 10k-vendor file to server (s)": migrate_s,
    }
    print(f"median of {args.runs} runs; first frame written to a pty")
    for name, value in ms.items():
        print(f"  {name:<12} {value:7.0f} ms  ({value / baseline:4.2f}x baseline)")
    print(
        f"  10k filter keystroke: server {median_ms(keystrokes):.0f} ms, file "
        f"{median_ms(file_keystrokes):.0f} ms; vendor screen open: server "
        f"{median_ms(opens):.0f} ms, file {median_ms(file_opens):.0f} ms"
    )
    print(f"  teammate's change visible: {', '.join(f'{s * 1000:.0f}' for s in latency)} ms")
    print(
        f"  {WRITERS} writers x {EDITS} compare-and-set edits on {SHARED} vendors: "
        f"{rate:.0f} edits/s, {refused} refusals retried, {found} of {WRITERS * EDITS} edits "
        "stored" + ("" if found == WRITERS * EDITS else "  LOST UPDATES")
    )
    missed = verdicts(figures, TARGETS) + (found != WRITERS * EDITS)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

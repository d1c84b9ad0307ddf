"""A 5 MB runbook (a pasted log) against the runbook template, in the real app (headless).

Each case runs in a fresh child process with its own knowledge base: open the vendor, then
time the runbook tab from the key until its first screen is drawn, until the whole text is
parsed, the end key until the last line is drawn, and a resize until the new width is drawn.
Memory: the child's peak RSS (``ru_maxrss``) and, in a second child per case, the peak of
Python allocations from opening the tab to the end (``tracemalloc``, which slows the run, so
its times are not used). The small runbook is the baseline measured in the same run.

    .venv/bin/python bench/huge_text.py [--size-mb 5]

Targets (issue 10): first screen within 0.5 s and within 2x the baseline's; peak RSS under
200 MB; a resize within 2x the baseline's (it renders only what is visible). Exits 1 if one
is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZE = (120, 40)
LOG_LINE = "2025-06-01T12:{m:02d}:00Z INFO worker-{w} GET /api/v1/items/{n} status=200 took={n}ms\n"


def runbook(size_mb: float) -> str:
    """The template, then a pasted log as a paragraph and again fenced, to ``size_mb``."""
    from vendortui.app.kb import runbook_template

    head = runbook_template()
    if size_mb <= 0:
        return head + "\n## The end\n\nLast line of the runbook.\n"
    lines, size, n = [], 0, 0
    while size < size_mb * 1e6 / 2:
        line = LOG_LINE.format(m=n % 60, w=n % 17, n=n)
        lines.append(line)
        size += len(line)
        n += 1
    log = "".join(lines)
    return (
        f"{head}\n## Pasted log\n\n{log}\n## Fenced\n\n```text\n{log}```\n\n"
        "## The end\n\nLast line of the runbook.\n"
    )


async def measure(size_mb: float, trace: bool) -> dict[str, float]:
    from vendortui.app.kb import KnowledgeBase
    from vendortui.screens.app import VendorTui
    from vendortui.screens.block_view import BlockView
    from vendortui.screens.vendor import VendorScreen

    folder = Path(tempfile.mkdtemp(prefix="vendortui-bench-"))
    kb = KnowledgeBase.open(folder / "kb.db")
    vendor = kb.add_vendor("Datadog")
    body = runbook(size_mb)
    kb.save_runbook(vendor.id, body)
    app = VendorTui(kb)
    out: dict[str, float] = {"bytes": len(body)}
    async with app.run_test(size=SIZE) as pilot:

        async def until(condition: Callable[[], object]) -> float:
            start = time.perf_counter()
            while not condition():
                if time.perf_counter() - start > 60:
                    raise SystemExit(f"gave up waiting at line {sys._getframe(1).f_lineno}")
                await asyncio.sleep(0.002)
            return time.perf_counter() - start

        app.open_vendor(vendor.id)
        await until(lambda: isinstance(app.screen, VendorScreen) and app.screen.card is not None)
        await until(lambda: app.screen.query("#runbook-view") and app.screen.is_mounted)
        screen = app.screen
        assert isinstance(screen, VendorScreen)
        view = screen.query_one("#runbook-view", BlockView)
        out["rss_before_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if trace:
            tracemalloc.start()
        start = time.perf_counter()
        screen.action_show_tab("runbook")
        await until(lambda: "What the integration does" in view.visible_text())
        out["first_screen_s"] = time.perf_counter() - start
        await until(lambda: view.complete)
        out["parsed_s"] = time.perf_counter() - start
        start = time.perf_counter()
        view.focus()
        await pilot.press("G")
        await until(lambda: "Last line of the runbook." in view.visible_text())
        out["end_s"] = time.perf_counter() - start
        await pilot.press("g")
        await until(lambda: "What the integration does" in view.visible_text())
        start = time.perf_counter()
        await pilot.resize_terminal(SIZE[0] - 20, SIZE[1])
        await until(lambda: view.size.width == SIZE[0] - 20)
        await until(lambda: "What the integration does" in view.visible_text())
        out["resize_s"] = time.perf_counter() - start
        if trace:
            out["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
    out["rss_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kb.db.close()
    return out


def child(size_mb: float, trace: bool) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", str(size_mb)] + (["--trace"] if trace else [])
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    if result.returncode != 0:
        sys.exit(f"child failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=5.0)
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(asyncio.run(measure(args.child, args.trace))))
        return 0
    small, huge = child(0, False), child(args.size_mb, False)
    small["traced_peak_mb"] = child(0, True)["traced_peak_mb"]
    huge["traced_peak_mb"] = child(args.size_mb, True)["traced_peak_mb"]
    size = f"{huge['bytes'] / 1e6:.1f} MB"
    print(f"{'':24}{'template':>10}{size:>12}{'ratio':>9}")
    rows = (
        ("first screen (s)", "first_screen_s"),
        ("whole text parsed (s)", "parsed_s"),
        ("end key to last line (s)", "end_s"),
        ("resize to redrawn (s)", "resize_s"),
        ("peak RSS (MB)", "rss_peak_mb"),
        ("RSS before the tab (MB)", "rss_before_mb"),
        ("tracemalloc peak (MB)", "traced_peak_mb"),
    )
    for label, key in rows:
        ratio = huge[key] / small[key] if small[key] else float("nan")
        print(f"{label:24}{small[key]:>10.3f}{huge[key]:>12.3f}{ratio:>8.1f}x")
    missed = [
        name
        for name, ok in (
            ("first screen within 0.5 s", huge["first_screen_s"] <= 0.5),
            (
                "first screen within 2x the template's",
                huge["first_screen_s"] <= 2 * small["first_screen_s"],
            ),
            ("peak RSS under 200 MB", huge["rss_peak_mb"] < 200),
            ("resize within 2x the template's", huge["resize_s"] <= 2 * small["resize_s"]),
        )
        if not ok
    ]
    for name in missed:
        print(f"MISSED: {name}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

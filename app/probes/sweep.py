"""Run many probes at once, never more than ``concurrency`` in flight.

Probes spend nearly all their time waiting on the network, so a bounded fan-out turns a
one-by-one sweep of minutes into seconds without hammering anyone. Cancelling the awaiting task
cancels every probe still running (``TaskGroup``); reports already delivered through
``on_progress`` stay delivered.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from vendortui.app.probes.findings import ProbeReport, Recorder
from vendortui.app.probes.runner import run_probe
from vendortui.app.probes.spec import DEFAULT_CONCURRENCY, ProbeSpec

SecretLookup = Callable[[ProbeSpec], str | None]
Progress = Callable[[int, int, ProbeSpec, ProbeReport], object]


async def sweep(
    specs: Sequence[ProbeSpec],
    *,
    secret_for: SecretLookup | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_progress: Progress | None = None,
) -> list[ProbeReport]:
    """Run every spec (machine checks; interactive kinds report ``probe.needs_user``).

    ``secret_for(spec)`` is asked only for specs with a ``secret_ref``; if it raises (no keyring),
    that probe reports ``probe.secret_unavailable`` with the exception's message, which the
    secret store guarantees is secret-free. Reports come back in the order of ``specs``.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    semaphore = asyncio.Semaphore(concurrency)
    reports: list[ProbeReport | None] = [None] * len(specs)
    done = 0

    async def one(index: int, spec: ProbeSpec) -> None:
        nonlocal done
        async with semaphore:
            report = await _run_one(spec, secret_for)
        reports[index] = report
        done += 1
        if on_progress is not None:
            on_progress(done, len(specs), spec, report)

    async with asyncio.TaskGroup() as group:
        for index, spec in enumerate(specs):
            group.create_task(one(index, spec))
    return [r for r in reports if r is not None]


async def _run_one(spec: ProbeSpec, secret_for: SecretLookup | None) -> ProbeReport:
    if secret_for is None or not spec.secret_ref:
        return await run_probe(spec)
    try:
        secret = secret_for(spec)
    except Exception as exc:  # the store's message is the useful part
        rec = Recorder()
        rec.error("probe.secret_unavailable", str(exc))
        return rec.report(datetime.now(UTC), time.perf_counter())
    return await run_probe(spec, secret=secret)

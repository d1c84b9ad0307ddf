"""Where a probe's time goes: on the wire, waiting for a person, or in vendortui itself.

A probe's total duration mixes the vendor's latency with our own work (building the client,
parsing, key import, signature checks, and waiting for the event loop while other probes of a
sweep run). ``Timing`` measures the wire alone, so a report can say "40 ms of network" instead of
"400 ms", and it keeps the probe's own deadline accounting: how late the latest bounded step
ended after its deadline, which is what shows whether the deadline really held.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass


@dataclass(slots=True)
class Timing:
    """Wire time (summed over requests) and deadline overrun (worst over bounded steps)."""

    network_ms: float = 0.0
    late_ms: float = 0.0
    deadline_at: float | None = None
    """The loop time of the nearest deadline of the bounded steps under way (they nest: a
    device-flow poll holds requests), so a request knows how long it may still wait."""

    def time_left(self) -> float:
        """Seconds until the current step's deadline (infinite outside a bounded step)."""
        if self.deadline_at is None:
            return float("inf")
        return self.deadline_at - asyncio.get_running_loop().time()

    @contextmanager
    def wire(self) -> Iterator[None]:
        """Count the enclosed time (one request, sent until its body is read) as network."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.network_ms += (time.perf_counter() - start) * 1000

    @asynccontextmanager
    async def deadline(self, seconds: float) -> AsyncIterator[None]:
        """``asyncio.timeout(seconds)``, noting how long after the deadline the block ended.

        A deadline that holds ends its block within a few milliseconds of it; one that does not
        (CPU work hogging the event loop, a blocking call) shows here as seconds.
        """
        start = time.perf_counter()
        outer = self.deadline_at
        mine = asyncio.get_running_loop().time() + seconds
        self.deadline_at = mine if outer is None else min(mine, outer)
        try:
            async with asyncio.timeout_at(mine):
                yield
        finally:
            self.deadline_at = outer
            over = (time.perf_counter() - start - seconds) * 1000
            self.late_ms = max(self.late_ms, round(over, 2))

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
        try:
            async with asyncio.timeout(seconds):
                yield
        finally:
            over = (time.perf_counter() - start - seconds) * 1000
            self.late_ms = max(self.late_ms, round(over, 2))

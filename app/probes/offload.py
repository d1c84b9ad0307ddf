"""CPU-heavy probe work (parsing, key import, signature checks) off the event loop, on a deadline.

A sweep runs dozens of probes on one event loop: a step that computes for seconds on the loop
(an XML document of 750,000 elements) starves every other probe's deadline. Here the work runs
in a thread with its own recorder, merged back only if it finished in time; on the deadline the
thread is told to stop (``stop`` is set; the work checks it between elements or keys) and the
probe carries on with a finding instead.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import TypeVar

from vendortui.app.probes.findings import Recorder

T = TypeVar("T")
Work = Callable[[Recorder, threading.Event], T]


SMALL_INPUT = 16 << 10
"""Bytes of input (a token, a metadata file) below which the work is small."""
FEW_KEYS = 4
"""Keys to import or try below which the work is small."""


def is_small(size: int, keys: int = 0) -> bool:
    """Whether work on this input takes well under a millisecond: less than the thread hop (a
    real JWKS of a few keys, one token, one IdP's metadata), so it may run in place."""
    return size < SMALL_INPUT and keys <= FEW_KEYS


async def off_loop(
    rec: Recorder, seconds: float, what: str, work: Work[T], *, inline: bool = False
) -> T | None:
    """Run ``work(child_recorder, stop)`` in a thread within ``seconds``; None if it ran out.

    ``inline`` (see ``is_small``) runs small work right here instead.
    """
    child = rec.child()
    stop = threading.Event()
    if inline:
        result = work(child, stop)
        rec.merge(child)
        return result
    try:
        async with rec.timing.deadline(seconds):
            result = await asyncio.to_thread(work, child, stop)
    except TimeoutError:
        rec.error(
            "probe.too_slow",
            f"checking {what} did not finish within {seconds:g} s",
            "The machine may be very busy; re-run the probe.",
        )
        return None
    finally:
        stop.set()
    rec.merge(child)
    return result

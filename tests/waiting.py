"""Waiting in Pilot tests: for a condition, never for a length of time.

A busy machine (CI with other jobs, every core taken) stretches how long a worker, a mount or
a repaint takes, so a fixed pause passes on a laptop and fails there. ``wait_for`` polls the
condition between turns of the app's event loop; the cap only turns a hang into a failure
that says what never happened.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from textual.css.query import NoMatches, WrongType
from textual.pilot import Pilot

CAP = float(os.environ.get("VENDORTUI_WAIT_CAP", "60"))
"""Seconds before a wait fails the test. Generous on purpose: it is never waited out when the
condition comes true, so it only bounds how long a broken test hangs."""


async def wait_for(pilot: Pilot[object], condition: Callable[[], object], what: str = "") -> None:
    """Let the app run until ``condition()`` is true. A condition that queries a widget not
    mounted yet (``NoMatches``, ``WrongType``) counts as not true yet."""
    deadline = time.monotonic() + CAP
    while True:
        try:
            if condition():
                return
        except (NoMatches, WrongType):
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {CAP:g} s for {what or 'a condition'}; it never came")
        await pilot.pause()

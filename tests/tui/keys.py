"""Keys sent the way a terminal sends a burst: all at once, with no pause between them.

``Pilot.press`` waits for the app to go idle after every key, which a paste, a fast typist over
SSH or ``tmux send-keys`` never do; those arrive in one read and the driver posts every key
before the app has handled the first. ``burst`` posts them the same way, through the driver.
"""

from __future__ import annotations

from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot


def burst(pilot: Pilot[object], *keys: str) -> None:
    """Post ``keys`` (Pilot's key names, or single characters) to the app in one go."""
    driver = pilot.app._driver
    assert driver is not None
    for key in keys:
        name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
        char = key if len(key) == 1 else {"enter": "\r", "escape": "\x1b", "space": " "}.get(key)
        event = events.Key(name, char)
        event.set_sender(pilot.app)
        driver.send_message(event)

"""The newest notification stays on screen: older ones give way when the stack is too tall.

Textual 8.2.8 stacks notifications (toasts) bottom-up in a ``ToastRack`` docked at the bottom
of the screen, the newest last. When the stack is taller than the screen the rack keeps its top
and the newest toasts fall below the bottom edge, and its own ``scroll_end`` cannot help: the
rack is ``visibility: hidden`` (only the toasts are drawn), so it has no region to scroll. At
80x24 a toast is half the width (40 cells), a refusal to copy wraps to four lines, and five or
six notices in a few seconds (copying one value after another) hid the last one: the one that
says what was just copied, or that it was not.

``keep_newest_visible`` runs after each notification has been laid out and dismisses the oldest
toasts until the stack fits, so the screen always shows the most recent ones whole.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.css.query import NoMatches
from textual.widgets._toast import Toast, ToastRack

if TYPE_CHECKING:
    from textual.app import App
    from textual.notifications import Notification


def keep_newest_visible(app: App[object], newest: Notification) -> None:
    """Once ``newest`` is laid out, dismiss the oldest toasts that push it off the screen."""
    screen = app.screen
    try:
        rack = screen.get_child_by_type(ToastRack)
    except NoMatches:
        return  # a screen without notifications (none in tests unless asked for)
    toasts = list(rack.query(Toast))
    mine = next((i for i, toast in enumerate(toasts) if toast._notification is newest), None)
    if mine is None or not toasts[mine].region:
        if newest in app._notifications:
            # The rack mounts it in its own task; it is measured after a later refresh.
            app.call_after_refresh(keep_newest_visible, app, newest)
        return
    room = screen.size.height - rack.styles.margin.bottom
    excess = sum(_height(toast) for toast in toasts) - room
    for older in toasts[:mine]:
        if excess <= 0:
            break
        excess -= _height(older)
        older._expire()


def _height(toast: Toast) -> int:
    """The rows ``toast`` takes in the stack, its margin included."""
    return toast.outer_size.height + toast.styles.margin.top

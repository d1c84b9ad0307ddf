"""Keys typed ahead go, in order, to whatever the key before them opened.

A burst of keys (a paste, a fast typist over SSH, ``tmux send-keys``) arrives in one read.
Textual forwards each key to the widget focused at that moment, at once; but a key that opens
an input or a screen only takes effect later, in other message queues (``focus()`` is a
``call_later``; a pushed screen composes in its own task; a vendor card is read in a worker).
So ``/datadog`` used to leave the filter empty while ``d`` ran the home screen's Delete.

``TypeAhead`` queues the keys that come from the terminal and lets one through at a time: the
next key waits until every message pump of the DOM has handled what it was given and no queue
fills again (the key has bubbled up to the App, which ran its binding, and everything the
binding posted has been handled: a focus change, ``Input.Submitted``, a tab's activation, a
new screen's compose) and until every *hold* is released. Holds cover what message queues do
not show: a pushed or popped screen (until it has composed and focused) and a vendor card or
a form's data read in a thread worker (until the screen it opens is up).

``when_idle`` runs background work (the attention list, warm-up imports) only once the keys
typed ahead have all landed: a thread running Python code takes the GIL for up to 5 ms each
time the UI thread's event loop lets it go, and a key takes dozens of such hops, so at launch
``/GitLa`` + Enter took three times as long with those threads running. For the same reason
a burst draws nothing for the screen it passes through (``_batch_burst``) and the home
screen's footer is rebuilt once, after it (``BindingsWhenIdle``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from textual import events
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.timer import Timer

if TYPE_CHECKING:
    from vendortui.screens.app import VendorTui

FAILSAFE = 10.0
"""Seconds after which a hold lets keys through anyway: a bug that forgets to release a hold
must never leave the keyboard dead. Every path releases its hold long before that."""

MAX_ROUNDS = 100
"""How many times one key waits for a busy node before the next key goes anyway: something
that never stops posting (a bug, an endless animation) must not stop the keyboard."""

BATCH_LIMIT = 0.5
"""Seconds a burst may keep the screen from being redrawn: a long burst still shows its
progress twice a second."""

Release = Callable[[], None]


class TypeAhead:
    """The App's key queue: one terminal key at a time, each after the last one landed."""

    def __init__(self, app: VendorTui) -> None:
        self.app = app
        self.waiting: deque[events.Event] = deque()
        self.holds: set[object] = set()
        self.in_flight = False
        self.rounds = 0
        self.idle_jobs: list[Callable[[], object]] = []
        self.drawn = False
        """Set once the first screen has been drawn; a burst never hides the first frame."""
        self._batch: AbstractContextManager[None] | None = None
        self._batch_timer: Timer | None = None

    # Holds ------------------------------------------------------------------------------------

    def hold(self) -> Release:
        """Stop delivering keys until the returned function is called (idempotent)."""
        token = object()
        self.holds.add(token)
        timer = self.app.set_timer(FAILSAFE, lambda: release())

        def release() -> None:
            if token in self.holds:
                self.holds.discard(token)
                timer.stop()
                # Through the App's queue: a focus() asked for just before runs first.
                self.app.call_later(self.pump)

        return release

    def hold_until_settled(self, node: MessagePump) -> None:
        """Hold keys until ``node`` (a screen just pushed or resumed) has handled everything
        queued for it so far (compose, mount, resume, its focus) and the App has too."""
        self.after(node, self.hold())

    def after(self, node: MessagePump, then: Release) -> None:
        """Call ``then`` once ``node`` and then the App have processed what is queued now."""

        def passed() -> None:
            if not self.app.call_later(then):
                then()

        if not node.call_later(passed):
            passed()

    def when_idle(self, job: Callable[[], object]) -> None:
        """Call ``job`` after the next refresh once no typed key waits, is in flight or held
        (at once if none does)."""
        self.idle_jobs.append(job)
        self._run_idle()

    def _run_idle(self) -> None:
        if self.in_flight or self.holds or self.waiting:
            return
        self.end_batch()
        jobs, self.idle_jobs = self.idle_jobs, []
        for job in jobs:
            self.app.call_after_refresh(job)

    # Frames a burst passes through -----------------------------------------------------------

    def first_frame(self) -> None:
        """The first screen has been drawn: a burst typed during start-up may now hide what
        it passes through."""
        self.drawn = True
        self._batch_burst()

    def _batch_burst(self) -> None:
        """While more than one key is on its way, let nothing be redrawn (``batch_update``).

        Each key of ``/GitLa`` + Enter changed the home screen, and each change was laid out
        and rendered (the first one everything mounted since the first frame), only to be
        covered by the card a moment later: about a fifth of the launch-to-card time. The
        batch ends when the keys have landed, when a screen is pushed or popped (the new one
        draws at once), or after ``BATCH_LIMIT``.
        """
        if self._batch is not None or not self.drawn:
            return
        if len(self.waiting) + self.in_flight > 1:
            self._batch = self.app.batch_update()
            self._batch.__enter__()
            self._batch_timer = self.app.set_timer(BATCH_LIMIT, self.end_batch)

    def end_batch(self) -> None:
        """Let the screen be redrawn again (called when a screen is pushed or popped)."""
        batch, self._batch = self._batch, None
        if batch is not None:
            if self._batch_timer is not None:
                self._batch_timer.stop()
            batch.__exit__(None, None, None)
            if self.app.screen_stack:  # none left while the app shuts down
                self.app.screen.refresh()

    # Delivery ---------------------------------------------------------------------------------

    def feed(self, event: events.Event) -> None:
        """A key or a paste from the terminal: queue it and deliver what may go now.

        Keys typed while vendortui is still starting reach a terminal that is not yet in raw
        mode, which turns Enter into a line feed (``ctrl+j``); nothing here binds ``ctrl+j``,
        so it is taken as the Enter it was.
        """
        if isinstance(event, events.Key) and event.key == "ctrl+j":
            event = events.Key("enter", "\r")
        self.waiting.append(event)
        self._batch_burst()

    async def pump(self) -> None:
        """Deliver the next waiting key if nothing is in flight or held."""
        if self.in_flight or self.holds or not self.waiting or self.app._exit:
            self._run_idle()
            return
        self.in_flight = True
        self.rounds = 0
        await self.app.dispatch_typed(self.waiting.popleft())
        self.app.call_later(self._settle)

    def _nodes(self) -> set[MessagePump]:
        """Where the last key's effects may still be on their way: the App, the screen, the
        focused widget and its parents (the key's path), and any node with messages queued."""
        app = self.app
        nodes: set[MessagePump] = {app, app.screen}
        node: MessagePump | None = app.focused
        while node is not None and node is not app:
            nodes.add(node)
            node = node._parent
        for screen in app.screen_stack:
            nodes.update(
                n for n in screen.walk_children(with_self=True) if n._message_queue.qsize()
            )
        return nodes

    def _quiet(self) -> bool:
        """No message queued anywhere (checked in the App's task, so the App is between
        messages; the App's own queue holds the callback being run)."""
        if self.app._message_queue.qsize():
            return False
        return not any(
            node._message_queue.qsize()
            for screen in self.app.screen_stack
            for node in screen.walk_children(with_self=True)
        )

    def _settle(self) -> None:
        """Deliver the next key once the DOM is quiet.

        A key's effects travel as messages: the key bubbles from the focused widget to the App
        (which runs the binding), the binding posts more (``Input.Submitted``, a tab's
        ``TabActivated``, ``focus()``'s callback), a new screen composes in its own task. Each
        round queues a callback behind what each node of ``_nodes`` holds (it runs once the
        node is done with those, a handler still awaiting included); when all have run, the
        App looks again. The key is done after a round that began and ended with nothing
        queued anywhere: one that began busy may have queued its callback on a node before
        the key reached it, and that node may still be in the middle of handling it.
        """
        nodes = self._nodes()
        left = len(nodes)
        started_quiet = self._quiet()

        def counted() -> None:
            nonlocal left
            left -= 1
            if left:
                return
            self.rounds += 1
            if (started_quiet and self._quiet()) or self.rounds >= MAX_ROUNDS:
                self.in_flight = False
                self.app.call_later(self.pump)
            else:
                self._settle()

        def passed() -> None:
            if not self.app.call_later(counted):
                counted()

        for node in nodes:
            if not node.call_later(passed):
                passed()


class BindingsWhenIdle(Screen):
    """A screen whose footer is redrawn once the keys typed ahead have landed.

    Textual's ``Footer`` recomposes every key it shows whenever the screen's bindings may have
    changed (mount, each focus change), about the cost of a whole frame. A burst such as
    ``/GitLa`` + Enter at launch changes focus on the way to the card and never reads the
    footer it passes through, so those rebuilds only delayed the card; one rebuild after the
    burst shows the bindings in effect. With no key waiting it happens after the next refresh.
    """

    app: VendorTui
    _bindings_due = False

    def refresh_bindings(self) -> None:
        if not self._bindings_due:
            self._bindings_due = True
            self.app.typeahead.when_idle(self._publish_bindings)

    def _publish_bindings(self) -> None:
        self._bindings_due = False
        super().refresh_bindings()

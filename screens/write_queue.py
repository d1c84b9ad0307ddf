"""A screen's writes to the knowledge base, one at a time and in order, off the UI thread.

A write waits for SQLite's write lock, which a teammate's process (a sync, a long import) may
hold for up to the busy timeout; on the UI thread that wait would freeze every key. A screen
hands each write to its ``WriteQueue`` with what to do once it is saved and once it failed;
the write runs in a thread worker and both answers run back on the UI thread. One write at a
time keeps them in the order they were asked for (a tick and its undo, ticks before
completing the run), as they were when they ran on the UI thread.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Generic, TypeVar

from textual.app import App
from textual.dom import DOMNode

from vendortui.app.errors import KbError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Write(Generic[T]):
    """One queued write: ``work`` runs in a thread; ``saved`` or ``failed`` on the UI thread."""

    work: Callable[[], T]
    saved: Callable[[T], object]
    failed: Callable[[KbError], object]


class WriteQueue:
    """Writes of one screen (``owner`` runs the workers), run one after another."""

    def __init__(self, owner: DOMNode) -> None:
        self.owner = owner
        self.waiting: deque[Write[Any]] = deque()
        self.running = False
        self._idle: list[Callable[[], object]] = []

    @property
    def pending(self) -> int:
        """How many writes are queued or running."""
        return len(self.waiting) + self.running

    def submit(
        self,
        work: Callable[[], T],
        saved: Callable[[T], object],
        failed: Callable[[KbError], object],
    ) -> None:
        """Queue ``work``; it runs after every write submitted before it."""
        self.waiting.append(Write(work, saved, failed))
        self._next()

    def when_idle(self, callback: Callable[[], object]) -> None:
        """Call ``callback`` once no write is queued or running (at once if none is)."""
        if self.pending:
            self._idle.append(callback)
        else:
            callback()

    def _next(self) -> None:
        if self.running:
            return
        if not self.waiting:
            idle, self._idle = self._idle, []
            for callback in idle:
                callback()
            return
        self.running = True
        self.owner.call_after_refresh(self._start, self.waiting.popleft())

    def _start(self, write: Write[Any]) -> None:
        """Start the worker once the change the screen drew is on screen: a thread started
        before the repaint would compete with it for the interpreter."""
        app = self.owner.app
        self.owner.run_worker(partial(self._run, app, write), thread=True, group="writes")

    def _run(self, app: App[Any], write: Write[Any]) -> None:
        """In the worker thread: the write, then its answer handed to the UI thread."""
        try:
            result = write.work()
        except KbError as error:
            app.call_from_thread(self._finish, write.failed, error)
        else:
            app.call_from_thread(self._finish, write.saved, result)

    def _finish(self, answer: Callable[[Any], object], value: object) -> None:
        self.running = False
        try:
            answer(value)
        finally:
            self._next()

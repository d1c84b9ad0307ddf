"""Knowledge-base files built once per session and copied per test.

A filled fixture costs a write transaction a row (about half a second for the TUI's data,
seconds on a busy machine); a copy of the result is the same bytes in a millisecond. The
session fixtures that build them live in the conftest files; tests about creating, migrating
or filling a file open their own path instead.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.user_dirs import isolate_user
from vendortui.app.kb import KnowledgeBase


def copy_of(template: Path, path: Path) -> Path:
    """``template`` copied to ``path`` (a fresh file of the test's own); returns ``path``."""
    shutil.copyfile(template, path)
    return path


def built(path: Path, fill: Callable[[KnowledgeBase], object] = lambda _kb: None) -> Path:
    """The knowledge base at ``path`` (created if new) filled by ``fill``; returns ``path``.

    Built under an isolated user of its own: pytest builds session templates before any
    test's autouse isolation, and the demo load used to stamp the developer's real identity.
    """
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate_user(monkeypatch, path.parent)
        kb = KnowledgeBase.open(path)
        try:
            fill(kb)
        finally:
            kb.db.close()
    return path


@contextmanager
def opened_copy(template: Path, path: Path) -> Iterator[KnowledgeBase]:
    """A knowledge base open on a copy of ``template`` at ``path``, closed afterwards."""
    kb = KnowledgeBase.open(copy_of(template, path))
    try:
        yield kb
    finally:
        kb.db.close()

"""Knowledge-base files built once per session and copied per test.

Creating a file runs every Alembic revision (about 0.4 s, seconds on a busy machine) and a
filled fixture adds a write transaction a row; a copy of the result is the same bytes in a
millisecond. The session fixtures that build them live in the conftest files; tests about
creating, migrating or filling a file open their own path instead.
"""

from __future__ import annotations

import shutil
from pathlib import Path


def copy_of(template: Path, path: Path) -> Path:
    """``template`` copied to ``path`` (a fresh file of the test's own); returns ``path``."""
    shutil.copyfile(template, path)
    return path

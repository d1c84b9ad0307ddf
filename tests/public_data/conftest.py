"""Public data tests: an isolated user data folder, upstream-shaped files, small datasets.

``XDG_DATA_HOME`` points into the test's folder (the shared ``user_dirs`` fixture) so an import
never touches the developer's own copies, and the process-wide loaded datasets are dropped
before and after each test.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from vendortui.app.public_data import datasets

FIXTURES = Path(__file__).with_name("fixtures")
SHARED = next(
    (
        parent / "shared" / "datasets"
        for parent in Path(__file__).resolve().parents
        if (parent / "shared" / "datasets" / "SOURCES.md").is_file()
    ),
    Path("/nonexistent"),
)
"""The real upstream files (``../shared/datasets`` of the checkout), when this machine has
them; the project never needs them to run, so tests that read them skip elsewhere."""


@pytest.fixture(autouse=True)
def _forget_datasets() -> Iterator[None]:
    datasets.forget()
    yield
    datasets.forget()


@pytest.fixture
def upstream(tmp_path: Path) -> Path:
    """A writable folder holding the four upstream excerpts."""
    folder = tmp_path / "upstream"
    shutil.copytree(FIXTURES, folder)
    return folder


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def real_file(name: str) -> Path:
    """One of the real upstream files, or skip (they live outside the repository)."""
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"the real upstream file {name} is not on this machine")
    return path

"""Helpers for the import/export tests: knowledge bases in real files, the command line run
in-process as ``main`` (its exit code, stdout and stderr), and the stable text of a file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.templates import built, copy_of, opened_copy
from vendortui.app.cli import main
from vendortui.app.demo import load_demo
from vendortui.app.kb import KnowledgeBase
from vendortui.app.sync.dump import dump


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """``cli("import", FILE, ...)`` -> Result; ``--db`` is the caller's to give."""

    def run(*argv: str) -> Result:
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def demo_template(kb_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo loaded once per session (per xdist worker); ``demo_kb`` copies it."""
    return built(
        copy_of(kb_template, tmp_path_factory.mktemp("demo-template") / "kb.db"), load_demo
    )


@pytest.fixture
def demo_kb(demo_template: Path, tmp_path: Path) -> Iterator[KnowledgeBase]:
    """The demo knowledge base (15 vendors, people, probes, checklist runs)."""
    with opened_copy(demo_template, tmp_path / "demo.db") as kb:
        yield kb


@pytest.fixture
def empty_db(kb_template: Path, tmp_path: Path) -> Path:
    """A second, empty knowledge base file to import into."""
    return copy_of(kb_template, tmp_path / "target.db")


def text_of(path: Path) -> str:
    """``vendortui dump`` of a file: every row of every table, stable."""
    return dump(path)


def refused_cleanly(result: Result, *words: str) -> None:
    """Exit 2, one line on stderr naming ``words``, no traceback, nothing on stdout."""
    assert result.code == 2, (result.out, result.err)
    assert result.err.count("\n") == 1, result.err
    assert "Traceback" not in result.err
    for word in words:
        assert word in result.err, result.err


def reimport_changes_nothing(cli, file: Path, db: Path) -> None:
    """Importing ``file`` into ``db`` again says so and leaves every row as it was."""
    before = text_of(db)
    again = cli("import", str(file), "--db", str(db))
    assert again.code == 0 and again.out.strip().endswith("nothing to change."), again
    assert text_of(db) == before

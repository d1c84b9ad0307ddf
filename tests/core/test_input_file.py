"""One reader for every file a user names to bring in (``app.input_file.read_input``): each
kind of name that is not a readable regular file of a sane size is one sentence, through both
commands that read such files (``import`` and ``datasets import``), real files only."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from vendortui.app.errors import KbError
from vendortui.app.input_file import MB, read_input
from vendortui.app.interchange.source import MAX_FILE_BYTES, read_text
from vendortui.app.public_data.snapshot import MAX_UPSTREAM_BYTES, read_upstream


def _missing(tmp: Path) -> Path:
    return tmp / "nope.csv"


def _folder(tmp: Path) -> Path:
    return tmp


def _pipe(tmp: Path) -> Path:
    os.mkfifo(tmp / "pipe.csv")
    return tmp / "pipe.csv"


def _control_characters(tmp: Path) -> Path:
    return tmp / "evil\x1b[2J.csv"


KINDS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "missing": (
        _missing,
        "{p} is not a file (there is no file of that name); give the file to import.",
    ),
    "folder": (_folder, "{p} is not a file: it is a folder; give the file to import."),
    "pipe": (
        _pipe,
        "{p} is not a file: it is a pipe, socket or device; give the file to import.",
    ),
    "control characters": (
        _control_characters,
        "{e} is not a file (there is no file of that name); give the file to import.",
    ),
}


READERS: dict[str, tuple[Callable[[Path], object], int]] = {
    "import": (read_text, MAX_FILE_BYTES),
    "datasets import": (read_upstream, MAX_UPSTREAM_BYTES),
}


def _refusal(read: Callable[[Path], object], path: Path) -> str:
    """The sentence ``read`` refuses ``path`` with, read on a thread so a reader that opened a
    pipe (and would wait for a writer forever) fails the test instead of hanging it."""
    said: list[str] = []

    def run() -> None:
        with pytest.raises(KbError) as refused:
            read(path)
        said.append(str(refused.value))

    reader = threading.Thread(target=run, daemon=True)
    reader.start()
    reader.join(60)
    assert said, f"{path} was not refused (a pipe opened for reading waits for a writer)"
    return said[0]


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_unreadable_name_is_one_sentence(
    kind: str, reader: str, tmp_path: Path
) -> None:
    make, sentence = KINDS[kind]
    path = make(tmp_path)
    escaped = str(path).replace("\x1b", "\\u001b")
    assert _refusal(READERS[reader][0], path) == sentence.format(p=path, e=escaped)


@pytest.mark.parametrize("reader", READERS)
def test_a_file_over_the_limit_is_refused_before_it_is_read(reader: str, tmp_path: Path) -> None:
    read, limit = READERS[reader]
    path = tmp_path / "huge.json"
    with path.open("wb") as out:
        out.truncate(limit + MB)  # sparse: the size is real, no disk or memory is used
    assert _refusal(read, path).startswith(f"{path} is {limit // MB + 1} MB; ")


def test_a_regular_file_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "ok.json"
    path.write_bytes(b'{"a": 1}')
    assert read_input(path, 8, "too big.") == b'{"a": 1}'
    assert read_upstream(path) == {"a": 1}
    with pytest.raises(KbError, match=r"is 0 MB; too big\.$"):
        read_input(path, 7, "too big.")

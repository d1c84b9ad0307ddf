"""Hostile and broken files: one sentence, exit 2, the knowledge base byte-for-byte unchanged,
and bounded memory and time (the bombs run in a child process under an address-space limit)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.interchange.conftest import refused_cleanly
from vendortui.app.interchange.records import COLUMN_NAMES
from vendortui.app.kb import KnowledgeBase

ALIAS_BOMB = "\n".join(
    ["a: &a [x, x, x, x, x, x, x, x, x]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]" for i in range(8)]
)
"""Nine levels of nine aliases: 9^9 (387 million) strings if a loader expanded them."""

CASES = {
    "binary.csv": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 50, ["binary"]),
    "wide.csv": (
        (",".join(f"c{i}" for i in range(100_000)) + "\n" + "," * 99_999 + "\n").encode(),
        ["100000 columns"],
    ),
    "cell.csv": (
        ('name,description\nAcme,"' + "x" * 1_048_576 + '"\n').encode(),
        ["line 2", "field larger than field limit"],
    ),
    "mixed.csv": (
        "name,category\nCaf\u00e9,one\n".encode() + "Cr\u00e8me,two\n".encode("latin-1"),
        ["line 3 is not UTF-8", "0xE8", "mixes encodings"],
    ),
    "bomb.yaml": (ALIAS_BOMB.encode(), ["line 1", "anchor or alias"]),
    "tag.yaml": (
        b"kind: Resource\nmetadata: !!python/object/apply:os.system [echo pwned]\n",
        ["line 2", "tag:yaml.org,2002:python/object/apply:os.system", "remove the tag"],
    ),
    "local-tag.yaml": (b"kind: !vendor Resource\n", ["'!vendor'"]),
    "deep.yaml": (b"a: " + b"[" * 100 + b"]" * 100 + b"\n", ["nests deeper than 32"]),
    "broken.yaml": (b"a: [1, 2\nb: }\n", ["is not valid YAML"]),
    "empty.csv": (b"", ["is empty"]),
    "utf16-broken.csv": (b"\xff\xfe" + b"a\x00\x00\xd8", ["starts like UTF-16"]),
    "notes.pdf": (b"%PDF-1.4", ["cannot tell the format", "--format"]),
}


def _limited() -> None:
    """Child process: at most 1.5 GB of address space (an expanded bomb needs far more)."""
    limit = 1536 * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_is_one_sentence_and_writes_nothing(
    demo_kb: KnowledgeBase, tmp_path: Path, name: str
) -> None:
    data, words = CASES[name]
    path = tmp_path / name
    path.write_bytes(data)
    before = demo_kb.path.read_bytes()
    for extra in ([], ["--dry-run"]):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "vendortui",
                "import",
                str(path),
                "--db",
                str(demo_kb.path),
                *extra,
            ],
            capture_output=True,
            text=True,
            timeout=60,
            preexec_fn=_limited,
            env={**os.environ},
        )
        assert result.returncode == 2, result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
        for word in words:
            assert word in result.stderr, result.stderr
        assert result.stdout == ""
    assert demo_kb.path.read_bytes() == before


def test_a_file_too_large_to_be_an_inventory(kb: KnowledgeBase, tmp_path: Path, cli) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.truncate(65 * 1024 * 1024)
    refused_cleanly(cli("import", str(path), "--db", str(kb.path)), "65 MB", "split it")


def test_missing_file_and_folder(kb: KnowledgeBase, tmp_path: Path, cli) -> None:
    refused_cleanly(cli("import", str(tmp_path / "nope.csv"), "--db", str(kb.path)), "no file")
    folder = tmp_path / "dir.csv"
    folder.mkdir()
    refused_cleanly(cli("import", str(folder), "--db", str(kb.path)), "is a folder")


def test_header_only_is_nothing_to_change(kb: KnowledgeBase, tmp_path: Path, cli) -> None:
    path = tmp_path / "header.csv"
    path.write_text(",".join(COLUMN_NAMES) + "\n", encoding="utf-8")
    result = cli("import", str(path), "--db", str(kb.path))
    assert result.code == 0 and "nothing to change" in result.out


def test_export_to_a_missing_folder(kb: KnowledgeBase, tmp_path: Path, cli) -> None:
    target = tmp_path / "no" / "such" / "out.csv"
    result = cli("export", "--db", str(kb.path), "--output", str(target))
    refused_cleanly(result, f"The folder {target.parent} does not exist")
    assert not target.parent.exists()

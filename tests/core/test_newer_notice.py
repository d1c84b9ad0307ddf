"""A knowledge base from a newer vendortui: its read-only sentence is said once, per command."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

from vendortui.app.kb import KnowledgeBase


@pytest.mark.parametrize("command", [["vendors"], ["vendors", "add", "Other"], ["due"]])
def test_newer_schema_sentence_is_printed_once(kb: KnowledgeBase, command: list[str]) -> None:
    kb.add_vendor("Acme")
    with sqlite3.connect(kb.path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    before = kb.path.read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "vendortui", *command, "--db", str(kb.path)],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
    )
    assert result.stderr.count("newer vendortui") == 1, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert kb.path.read_bytes() == before

"""The command line, run as a user runs it: a real process, real files, real exit codes."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.core.cli_process import imported_after, run_cli
from vendortui.app.kb import KnowledgeBase


def vendortui(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = run_cli(*args)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_version_and_help() -> None:
    assert vendortui("--version").stdout.startswith("vendortui ")
    out = vendortui("--help").stdout
    for name in ("demo", "vendors", "vendors add", "show"):
        assert f"  {name} " in out
    assert "--db" in vendortui("show", "--help").stdout


def test_demo_is_idempotent_and_lists_vendors(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.db")
    assert "Added 15 demo vendors" in vendortui("demo", "--db", db).stdout
    assert "nothing added" in vendortui("demo", "--db", db).stdout
    rows = json.loads(vendortui("vendors", "--db", db, "--json").stdout)
    assert len(rows) == 15
    assert {"id", "slug", "name", "status"} <= set(rows[0])
    plain = vendortui("vendors", "--db", db).stdout.splitlines()
    assert len(plain) == 15 and plain[0].startswith("1Password\t1password\tproduction")


def test_vendors_add_then_show(tmp_path: Path) -> None:
    db = str(tmp_path / "kb.db")
    slug = vendortui("vendors", "add", "Acme Paging", "--category", "paging", "--db", db).stdout
    assert slug.strip() == "acme-paging"
    card = vendortui("show", "Acme Paging", "--db", db).stdout
    assert card.startswith("# Acme Paging (acme-paging)")
    assert "- Lead: NONE" in card
    data = json.loads(vendortui("show", "acme-paging", "--db", db, "--json").stdout)
    assert data["category"] == "paging" and data["people"] == []


def test_bad_status_is_one_sentence_not_a_traceback(tmp_path: Path) -> None:
    result = vendortui(
        "vendors", "add", "Acme", "--status", "gone", "--db", str(tmp_path / "k.db"), check=False
    )
    assert result.returncode == 2
    assert result.stderr.startswith("vendortui: status: must be one of")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["vendors"], ["show", "x"], ["demo"], []])
def test_garbage_file_gives_one_line_and_stays_unchanged(
    tmp_path: Path, command: list[str]
) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(b"\x00garbage" * 100)
    result = vendortui(*command, "--db", str(path), check=False)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "not a SQLite database" in result.stderr
    assert path.read_bytes() == b"\x00garbage" * 100


def test_unknown_vendor_is_a_clear_error(tmp_path: Path) -> None:
    db = str(tmp_path / "kb.db")
    vendortui("vendors", "add", "Acme", "--db", db)
    result = vendortui("show", "nobody", "--db", db, check=False)
    assert result.returncode == 2 and "no vendor called 'nobody'" in result.stderr


def test_hostile_names_print_without_terminal_escapes(kb: KnowledgeBase) -> None:
    vendor = kb.add_vendor("Evil Corp")
    with sqlite3.connect(kb.path) as conn:  # stored by an older vendortui: the rule refuses it
        conn.execute(
            "UPDATE vendor SET name = ? WHERE id = ?", ("Evil\x1b]0;owned\x07Corp", vendor.id)
        )
    conn.close()
    out = vendortui("vendors", "--db", str(kb.path)).stdout
    assert "\x1b" not in out and "Evil\\u001b]0;owned\\u0007Corp" in out


@pytest.mark.parametrize("command", [["vendors"], ["show", "acme"], ["vendors", "--json"]])
def test_headless_commands_never_import_textual(kb: KnowledgeBase, command: list[str]) -> None:
    kb.add_vendor("Acme")
    assert imported_after([*command, "--db", str(kb.path)], ("textual", "vendortui.screens")) == []


def test_list_command_does_not_import_sqlmodel(kb: KnowledgeBase) -> None:
    assert imported_after(["vendors", "--db", str(kb.path)], ("sqlmodel", "sqlalchemy")) == []

"""``vendortui migrate``: file -> server -> file keeps every row, stamp and tombstone."""

from __future__ import annotations

from pathlib import Path

import psycopg

from tests.core.cli_process import run_cli
from vendortui.app.kb import KnowledgeBase
from vendortui.app.sync.dump import dump
from vendortui.models import Vendor


def demo_file(path: Path) -> None:
    """The demo knowledge base (checklist runs with ticks, events) plus a tombstone."""
    assert run_cli("demo", "--db", str(path)).returncode == 0
    kb = KnowledgeBase.open(path)
    try:
        gone = kb.add_vendor("Gone Vendor")
        kb.delete(Vendor, gone.id)
    finally:
        kb.db.close()


def test_file_to_server_to_file_gives_an_identical_dump(pg_url: str, tmp_path: Path) -> None:
    source, back = tmp_path / "source.db", tmp_path / "back.db"
    demo_file(source)
    out = run_cli("migrate", str(source), pg_url)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    vendor_line = next(line for line in lines if line.startswith("vendor "))
    assert vendor_line.endswith("ok") and "sha256" in vendor_line
    assert lines[-1].endswith("every table matches.")
    with psycopg.connect(pg_url) as conn:
        ticks = conn.execute("SELECT count(*) FROM checklist_tick").fetchone()[0]
        tombstones = conn.execute(
            "SELECT count(*) FROM vendor WHERE deleted_at IS NOT NULL"
        ).fetchone()[0]
    assert ticks > 0 and tombstones == 1
    out = run_cli("migrate", pg_url, str(back))
    assert out.returncode == 0, out.stderr
    assert dump(back) == dump(source)
    for words in (("dump", pg_url), ("dump", "--db", pg_url), ("--db", pg_url, "dump")):
        printed = run_cli(*words)
        assert printed.returncode == 0, printed.stderr
        assert printed.stdout == dump(source), f"{words}: the server prints the file's text"


def test_a_server_that_already_holds_data_is_refused_untouched(pg_url: str, tmp_path: Path) -> None:
    kb = KnowledgeBase.open(pg_url)
    kb.add_vendor("Already Here")
    kb.db.close()
    source = tmp_path / "source.db"
    demo_file(source)
    out = run_cli("migrate", str(source), pg_url)
    assert out.returncode == 2
    assert "already holds a knowledge base" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM vendor").fetchone()[0] == 1


def test_two_files_or_an_existing_target_file_are_one_sentence(pg_url: str, tmp_path: Path) -> None:
    source = tmp_path / "source.db"
    demo_file(source)
    out = run_cli("migrate", str(source), str(tmp_path / "other.db"))
    assert out.returncode == 2 and "one knowledge-base file and one postgresql://" in out.stderr
    out = run_cli("migrate", pg_url, str(source))
    assert out.returncode == 2 and "already exists; name a new file" in out.stderr

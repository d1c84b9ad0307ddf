"""The commands as a user runs them: a real process, the format from the extension, stdout."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.core.cli_process import imported_after, run_cli
from tests.interchange.conftest import refused_cleanly
from vendortui.app.kb import KnowledgeBase


def test_export_to_stdout_is_csv_and_reads_back(demo_kb: KnowledgeBase, empty_db: Path) -> None:
    out = run_cli("export", "--db", str(demo_kb.path))
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout, newline="")))
    assert len(rows) == 15 and rows[0]["name"] == "1Password"
    sheet = empty_db.parent / "stdout.csv"
    sheet.write_text(out.stdout, encoding="utf-8", newline="")
    imported = run_cli("import", str(sheet), "--db", str(empty_db))
    assert imported.returncode == 0 and "15 new vendors" in imported.stdout


def test_export_never_imports_sqlmodel(demo_kb: KnowledgeBase, tmp_path: Path) -> None:
    for fmt in ("csv", "json", "yaml"):
        target = str(tmp_path / f"out.{fmt}")
        modules = imported_after(
            ["export", "--db", str(demo_kb.path), "--output", target], ("sqlmodel", "textual")
        )
        assert modules == [], (fmt, modules)


def test_format_from_the_extension_or_given(demo_kb: KnowledgeBase, tmp_path: Path, cli) -> None:
    target = tmp_path / "inventory.dat"
    refused_cleanly(cli("export", "--db", str(demo_kb.path), "--output", str(target)), "--format")
    assert (
        cli(
            "export", "--db", str(demo_kb.path), "--output", str(target), "--format", "backstage"
        ).code
        == 0
    )
    assert target.read_text(encoding="utf-8").startswith("---\napiVersion:")
    dry = cli(
        "import", str(target), "--db", str(demo_kb.path), "--format", "backstage", "--dry-run"
    )
    assert dry.code == 0 and "nothing to change" in dry.out


def test_readme_documents_every_csv_column() -> None:
    from vendortui.app.interchange.records import COLUMNS

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Import and export", 1)[1].split("\n## ", 1)[0]
    documented = [line.split("`")[1] for line in section.splitlines() if line.startswith("| `")]
    assert documented == [column.name for column in COLUMNS]

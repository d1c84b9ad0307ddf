"""``vendortui due`` and ``vendortui checklist ...`` as cron and scripts run them: real
processes, real exit codes, one sentence on errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.checklists.conftest import SHIPPED, SMALL, write
from tests.core.cli_process import run_cli as vendortui
from vendortui.app.kb import KnowledgeBase


def test_due_exit_codes_follow_fail_on(tmp_path: Path) -> None:
    db = str(tmp_path / "kb.db")
    KnowledgeBase.open(Path(db)).db.close()
    empty = vendortui("due", "--fail-on", "due", "--db", db)
    assert (empty.returncode, empty.stdout) == (0, "Nothing is due in the next 30 days.\n")
    kb = KnowledgeBase.open(Path(db))
    trial = kb.add_vendor("Trial", status="evaluating")
    run = kb.checklists.start_run(trial.id, "new-data-category")
    kb.checklists.mark(kb.checklists.detail(run.id).items[0].id, "blocked", reason="no sample")
    assert vendortui("due", "--fail-on", "overdue", "--db", db).returncode == 0
    assert vendortui("due", "--fail-on", "due", "--db", db).returncode == 1
    assert vendortui("due", "--db", db).returncode == 0, "without --fail-on, listing is success"
    vendor = kb.add_vendor("Acme", status="production")
    run = kb.checklists.start_run(vendor.id, "rollout")
    kb.checklists.mark(kb.checklists.detail(run.id).items[0].id, "blocked", reason="no access")
    kb.db.close()
    result = vendortui("due", "--fail-on", "overdue", "--db", db)
    assert result.returncode == 1
    assert "overdue             Acme: In production with no integration lead" in result.stdout
    assert 'Acme: Rollout: blocked on "A lead and a backup are named' in result.stdout
    assert "-> Clear the blocker, then mark the item again" in result.stdout
    assert result.stdout.rstrip().endswith("to know.")
    entries = json.loads(vendortui("due", "--json", "--db", db).stdout)
    blocked = [e for e in entries if e["kind"] == "checklist_blocked"]
    assert blocked[0]["vendor"] == "Acme" and blocked[0]["severity"] == "due"
    assert {"vendor_id", "why", "todo", "when"} <= set(blocked[0])


def test_due_refuses_a_bad_window_in_one_sentence(tmp_path: Path) -> None:
    result = vendortui("due", "--within", "-1", "--db", str(tmp_path / "kb.db"))
    assert result.returncode == 2
    assert result.stderr == "vendortui: --within must be between 0 and 3650 days.\n"


def test_start_list_show_a_run(kb: KnowledgeBase, vendor_id: str) -> None:
    db = str(kb.path)
    started = vendortui("checklist", "start", "acme-observability", "annual-review", "--db", db)
    assert started.returncode == 0, started.stderr
    run_id = started.stdout.strip()
    assert "Started Annual review (version 1, 20 items) for Acme Observability." in started.stderr
    listed = vendortui("checklist", "list", "--db", db).stdout.splitlines()
    assert listed == [
        f"{run_id}\tAcme Observability\tAnnual review v1\tin progress\t0/20 done\t"
        f"started {kb.checklists.run(run_id).started_at.date()}"
    ]
    assert vendortui("checklist", "list", "Acme Observability", "--db", db).stdout.count("\n") == 1
    item = kb.checklists.detail(run_id).items[0]
    kb.checklists.mark(item.id, "done", evidence_url="https://trust.example/questionnaire")
    markdown = vendortui("checklist", "show", run_id[:13], "--db", db)
    assert markdown.returncode == 0
    assert markdown.stdout.startswith("# Annual review: Acme Observability\n")
    assert "  - Evidence: <https://trust.example/questionnaire>" in markdown.stdout
    assert (
        markdown.stdout == vendortui("checklist", "show", run_id, "--markdown", "--db", db).stdout
    )
    data = json.loads(vendortui("checklist", "show", run_id, "--json", "--db", db).stdout)
    assert data["run"]["id"] == run_id and len(data["items"]) == 20
    assert data["items"][0]["by"] == "tester@example.com"
    as_json = json.loads(vendortui("checklist", "list", "--json", "--db", db).stdout)
    assert as_json[0]["counts"]["done"] == 1


def test_show_writes_to_a_new_file_only_when_asked(
    kb: KnowledgeBase, vendor_id: str, tmp_path: Path
) -> None:
    db = str(kb.path)
    run = kb.checklists.start_run(vendor_id, "sunset")
    printed = vendortui("checklist", "show", run.id, "--db", db).stdout
    target = tmp_path / "exports" / "sunset.md"
    missing = vendortui("checklist", "show", run.id, "--output", str(target), "--db", db)
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr == (
        f"vendortui: The folder {target.parent} does not exist; create it or choose another.\n"
    )
    target.parent.mkdir()
    saved = vendortui("checklist", "show", run.id, "-o", str(target), "--db", db)
    assert (saved.returncode, saved.stdout, saved.stderr) == (0, "", f"Saved {target}\n")
    assert target.read_text() == printed
    again = vendortui("checklist", "show", run.id, "--json", "-o", str(target), "--db", db)
    assert again.returncode == 2
    assert again.stderr == f"vendortui: {target} already exists; give a new file name.\n"
    assert target.read_text() == printed, "an existing file is never replaced"
    as_json = target.with_suffix(".json")
    assert (
        vendortui("checklist", "show", run.id, "--json", "-o", str(as_json), "--db", db).returncode
        == 0
    )
    assert json.loads(as_json.read_text())["run"]["id"] == run.id
    assert sorted(p.name for p in target.parent.iterdir()) == ["sunset.json", "sunset.md"]


def test_checklist_errors_are_one_sentence(kb: KnowledgeBase, vendor_id: str) -> None:
    db = str(kb.path)
    for args, message in [
        (("start", "acme-observability", "launch"), "no checklist template called 'launch'"),
        (("start", "nobody", "rollout"), "There is no vendor called 'nobody'"),
        (
            (
                "show",
                "0000",
            ),
            "There is no checklist run '0000'",
        ),
    ]:
        result = vendortui("checklist", *args, "--db", db)
        assert result.returncode == 2
        assert result.stderr.startswith("vendortui: ") and message in result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_templates_and_import(kb: KnowledgeBase, tmp_path: Path) -> None:
    db = str(kb.path)
    listed = vendortui("checklist", "templates", "--db", db).stdout.splitlines()
    assert sorted(line.split("\t")[0] for line in listed) == sorted(SHIPPED)
    template = write(tmp_path / "tiny-rollout.yaml", SMALL)
    added = vendortui("checklist", "import", str(template), "--db", db)
    assert added.stdout == "Added template 'tiny-rollout' version 1 (5 items).\n"
    again = vendortui("checklist", "import", str(template), "--db", db)
    assert again.stdout == "Already have template 'tiny-rollout' version 1 (5 items).\n"
    rows = json.loads(vendortui("checklist", "templates", "--json", "--db", db).stdout)
    mine = next(row for row in rows if row["key"] == "tiny-rollout")
    assert mine == {
        "key": "tiny-rollout",
        "version": 1,
        "title": "Tiny rollout",
        "kind": "rollout",
        "items": 5,
        "origin": "knowledge base",
    }
    broken = write(tmp_path / "broken.yaml", "key: broken\nversion: 1\ntitle: B\nkind: sunset\n")
    refused = vendortui("checklist", "import", str(broken), "--db", db)
    assert refused.returncode == 2
    assert refused.stderr == f"vendortui: {broken}, line 1: the template needs a 'sections' list.\n"


def test_due_imports_neither_textual_nor_sqlmodel(kb: KnowledgeBase, vendor_id: str) -> None:
    kb.checklists.start_run(vendor_id, "rollout")
    probe = (
        "import sys, io, json, contextlib; from vendortui.app.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()): main(['due', '--db', {str(kb.path)!r}])\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'vendortui.screens', 'sqlmodel', 'sqlalchemy'))))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == []

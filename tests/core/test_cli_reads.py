"""Read commands stay off SQLModel, so do writes on a file, none import Alembic, and the
stdlib reads say the same.

What a command imports is checked in a fresh interpreter (``sys.modules`` after it ran); the
timing itself is in ``bench/commands.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.core.cli_process import imported_after
from vendortui.app.demo import load_demo
from vendortui.app.kb import KnowledgeBase
from vendortui.app.probes.findings import ProbeReport
from vendortui.app.probes.listing import probe_lines
from vendortui.app.sync.dump import dump
from vendortui.models import ProbeConfig
from vendortui.models.enums import ProbeOutcome


@pytest.mark.parametrize(
    "command",
    [
        ["show", "okta"],
        ["show", "okta", "--json"],
        ["probe", "list"],
        ["probe", "list", "--json"],
        ["due"],
        ["checklist", "templates"],
        ["conflicts"],
    ],
)
def test_read_commands_never_import_sqlmodel(kb: KnowledgeBase, command: list[str]) -> None:
    load_demo(kb)
    argv = [*command, "--db", str(kb.path)]
    assert imported_after(argv, ("sqlmodel", "sqlalchemy", "pydantic", "textual")) == []


@pytest.mark.parametrize(
    "command",
    [
        ["vendors", "add", "Acme"],
        ["probe", "add", "okta", "--kind", "oidc_discovery", "--issuer", "https://x.example"],
        ["checklist", "start", "okta", "annual-review"],
    ],
)
def test_writes_on_a_current_file_never_import_alembic(
    kb: KnowledgeBase, command: list[str]
) -> None:
    load_demo(kb)
    assert imported_after([*command, "--db", str(kb.path)], ("alembic", "mako", "textual")) == []


WRITES = [
    ["vendors", "add", "Acme"],
    ["probe", "add", "okta", "--kind", "oidc_discovery", "--issuer", "https://x.example"],
    ["checklist", "start", "okta", "annual-review"],
    ["checklist", "import", "TEMPLATE"],
    ["demo"],
]
"""Every write command ``bench/commands.py`` times."""


@pytest.mark.parametrize("command", WRITES)
def test_writes_on_a_file_never_import_sqlalchemy(
    kb: KnowledgeBase, command: list[str], tmp_path: Path
) -> None:
    """Importing SQLAlchemy alone is over twice ``--version``: a file takes ``app.sql_writes``."""
    load_demo(kb)
    template = tmp_path / "team-review.yaml"
    shipped = Path(__file__).resolve().parents[2] / "seed_data/checklists/annual-review.yaml"
    template.write_text(shipped.read_text().replace("key: annual-review", "key: team-review", 1))
    argv = [str(template) if part == "TEMPLATE" else part for part in command]
    before = dump(kb.path)
    packages = ("sqlmodel", "sqlalchemy", "pydantic", "alembic", "textual")
    assert imported_after([*argv, "--db", str(kb.path)], packages) == []
    assert (dump(kb.path) != before) == (command != ["demo"]), "the write happened"


def test_the_probe_list_reading_equals_the_auth_tab_reading(kb: KnowledgeBase) -> None:
    """Latest outcome, time and duration history, per probe, as ``ProbeService.status``."""
    load_demo(kb)
    rows = kb.vendor_rows()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for number, row in enumerate(rows[:3]):
        config = kb.create(
            ProbeConfig,
            vendor_id=row.id,
            name=f"extra {number}",
            kind="oidc_discovery",
            issuer="https://login.example.com",
        )
        for run in range(12 + number):
            outcome = ProbeOutcome.FAIL if run % 5 == 0 else ProbeOutcome.PASS
            kb.probes.record(
                config,
                ProbeReport(outcome, (), {}, 100 * (run + 1), start + timedelta(hours=run)),
            )
    with kb.db.read() as conn:
        lines = probe_lines(conn)
    expected = [
        (
            row.name,
            s.config.name,
            s.config.kind,
            s.latest.outcome if s.latest else None,
            s.latest.started_at if s.latest else None,
            s.durations_ms,
            s.creeping,
        )
        for row in rows
        for s in kb.probes.status(row.id)
    ]
    got = [
        (
            line.vendor,
            line.probe,
            line.kind,
            line.outcome,
            line.checked,
            line.durations_ms,
            line.creeping,
        )
        for line in lines
    ]
    assert got == expected
    assert any(line.creeping for line in lines) and len(got) > 3
    with kb.db.read() as conn:
        only = probe_lines(conn, {rows[1].id})
    assert {line.vendor for line in only} == {rows[1].name}

"""The command line against a team server, in a fresh process sealed from this machine's
credentials and files."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.core.cli_process import run_cli


def vendortui(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``vendortui ARGS`` with no libpq password anywhere (no PGPASSWORD, a password file under
    ``home`` that does not exist) and no VENDORTUI_* settings. ``home`` is the test's
    ``tmp_path``: the shared ``user_dirs`` fixture already put every XDG folder there, so all
    the files the command writes land under it."""
    return run_cli(
        *args,
        stdin=stdin,
        without=("PG", "VENDORTUI_"),
        env={"PGPASSFILE": str(home / "no-pgpass")},
    )


def files_holding(home: Path, secret: str) -> list[Path]:
    """Every file under ``home`` with ``secret`` in it (the log, config, offline copy...)."""
    return [p for p in home.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]

"""Running the command line as a user runs it: a fresh interpreter, real files, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def run_cli(
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    code: str | None = None,
    stdin: str | None = None,
    without: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    """``python -m vendortui ARGS`` (or ``python -c CODE``) fed ``stdin``, with ``env`` over
    the environment less the variables whose names start with one of ``without``."""
    command = ["-c", code] if code else ["-m", "vendortui", *args]
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(without)}
    return subprocess.run(
        [sys.executable, *command],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**inherited, **(env or {})},
    )


def imported_after(argv: list[str], packages: tuple[str, ...]) -> list[str]:
    """Run one command in a fresh interpreter; which of ``packages`` did it import?"""
    code = (
        "import sys, io, json, contextlib; from vendortui.app.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    exit_code = main({argv!r})\n"
        "assert exit_code == 0, exit_code\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {packages!r})))"
    )
    out = run_cli(code=code)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)

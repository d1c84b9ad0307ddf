"""The app in a real pseudo-terminal: keys typed ahead in one write while every core is busy,
and the $EDITOR round trip (the app suspends, the editor runs with the terminal, the app
resumes and saves; Pilot's headless driver cannot suspend). Every wait is for bytes on the
screen; the timeouts only turn a hang into a failure."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import stat
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.tui.conftest import build
from vendortui.app.kb import KnowledgeBase

ROOT = Path(__file__).resolve().parents[2]
LAUNCH = (
    "import sys; from pathlib import Path; from vendortui.app.kb import KnowledgeBase; "
    "from vendortui.screens.app import VendorTui; "
    "VendorTui(KnowledgeBase.open(Path(sys.argv[1]))).run()"
)


class Pty:
    """The app on a 120x40 pty, with everything it wrote."""

    def __init__(self, db: Path, env: dict[str, str]) -> None:
        # Textual takes its size from $COLUMNS/$LINES before the pty's own size, and pytest's
        # import of readline exports COLUMNS=80 LINES=24 to its xdist workers: under -n the
        # app ran at 80x24, alone at 120x40. The pty's size is the one the test means.
        env = {name: value for name, value in env.items() if name not in ("COLUMNS", "LINES")}
        pid, fd = pty.fork()
        if pid == 0:
            fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
            os.chdir(ROOT)
            os.execve(sys.executable, [sys.executable, "-c", LAUNCH, str(db)], env)
        self.pid, self.fd, self.output = pid, fd, b""

    def expect(self, text: str, timeout: float = 60) -> None:
        """Wait until ``text`` has been written since the last ``send``."""
        deadline = time.monotonic() + timeout
        while text.encode() not in self.output:
            left = deadline - time.monotonic()
            assert left > 0, f"{text!r} never appeared"
            if select.select([self.fd], [], [], left)[0]:
                self.output += os.read(self.fd, 1 << 16)

    def send(self, keys: str) -> None:
        self.output = b""
        os.write(self.fd, keys.encode())

    def close(self) -> None:
        os.write(self.fd, b"\x11")  # ctrl+q
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and os.waitpid(self.pid, os.WNOHANG)[0] == 0:
            if select.select([self.fd], [], [], 0.05)[0]:
                try:
                    os.read(self.fd, 1 << 16)
                except OSError:
                    break
        else:
            if os.waitpid(self.pid, os.WNOHANG)[0] == 0:
                os.kill(self.pid, 9)
                os.waitpid(self.pid, 0)
        os.close(self.fd)


def test_edit_runbook_in_editor_suspends_and_resumes(tmp_path: Path) -> None:
    db = tmp_path / "kb.db"
    kb = KnowledgeBase.open(db)
    build(kb)
    kb.db.close()
    script = tmp_path / "editor.sh"
    script.write_text(
        '#!/bin/sh\n[ -t 0 ] && [ -t 1 ] && echo tty > "$0.saw"\n'
        'printf "\\nAdded in the editor.\\n" >> "$1"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "PYTHONPATH": str(ROOT),
        "EDITOR": str(script),
        "VENDORTUI_USER": "editor@example.com",
    }
    env.pop("VISUAL", None)
    app = Pty(db, env)
    try:
        app.expect("3 of 3 vendors")
        app.send("/datadog\r")
        app.expect("Risk tier")
        app.send("4")
        app.expect("Verified")
        app.send("E")
        app.expect("Runbook saved")
    finally:
        app.close()
    assert (tmp_path / "editor.sh.saw").read_text() == "tty\n", "the editor had the terminal"
    kb = KnowledgeBase.open(db)
    runbook = kb.card(kb.find_vendor_id("datadog")).runbook
    kb.db.close()
    assert runbook.body.endswith("\nAdded in the editor.\n")
    assert runbook.updated_by == "editor@example.com"


@contextmanager
def every_core_busy() -> Iterator[None]:
    """One busy-looping process per core for the duration (killed after, by their pids)."""
    loops = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"])
        for _ in range(os.cpu_count() or 2)
    ]
    try:
        yield
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()


def test_a_burst_typed_at_launch_opens_the_card_and_its_runbook(tmp_path: Path) -> None:
    """``/GitLa``, enter and ``4`` in ONE write, sent as soon as the list is drawn, while
    every core is busy: the filter gets every letter, enter opens GitLab, 4 its runbook, and
    no letter reaches the home screen's keys (``a`` would open the new-vendor form)."""
    db = tmp_path / "kb.db"
    kb = KnowledgeBase.open(db)
    build(kb)
    kb.add_vendor("GitLab", category="ci")
    kb.db.close()
    env = {**os.environ, "TERM": "xterm-256color", "PYTHONPATH": str(ROOT)}
    with every_core_busy():
        app = Pty(db, env)
        try:
            app.expect("4 of 4 vendors")
            app.send("/GitLa\r4")
            app.expect("Keep this short")
            assert b"GitLab" in app.output
            assert b"Add a vendor" not in app.output
        finally:
            app.close()
    kb = KnowledgeBase.open(db)
    names = [row.name for row in kb.vendor_rows()]
    kb.db.close()
    assert names == ["Datadog", "GitLab", "LaunchDarkly", "Okta"]


def test_keys_typed_before_the_app_has_the_terminal_still_open_the_card(tmp_path: Path) -> None:
    """Typed the moment ``vendortui`` is launched (as ``tmux send-keys`` or a fast typist do),
    the burst meets a terminal not yet in raw mode, whose line discipline turns Enter into a
    line feed: ``/GitLa``, Enter, ``4`` must still open GitLab's runbook."""
    db = tmp_path / "kb.db"
    kb = KnowledgeBase.open(db)
    build(kb)
    kb.add_vendor("GitLab", category="ci")
    kb.db.close()
    env = {**os.environ, "TERM": "xterm-256color", "PYTHONPATH": str(ROOT)}
    app = Pty(db, env)
    try:
        app.send("/GitLa\r4")
        app.expect("Keep this short")
        assert b"GitLab" in app.output
    finally:
        app.close()


def test_start_up_path_does_not_import_sqlmodel() -> None:
    """The first frame must not wait for SQLModel (about 270 ms to import): the app and the
    home screen import without it, and so does the vendor screen the warm-up prepares for."""
    code = (
        "import sys, screens.app, screens.home, screens.vendor_list, screens.vendor; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlmodel', 'sqlalchemy')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"

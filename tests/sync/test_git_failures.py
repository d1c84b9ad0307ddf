"""Every git failure reaches the user as one whole sentence that says what happened.

git explains a failure over several lines; a message built from its last line alone read
"Could not reach origin (and the repository exists.)". Each remote that can fail (nothing
listening, no repository at the path or ``file://`` URL, credentials refused, a push the
server declines) is tried against each operation that talks to a remote.
"""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.sync.conftest import Team, git
from vendortui.app.errors import KbError
from vendortui.app.sync.setup import clone, init
from vendortui.models import Vendor


def assert_one_sentence(text: str) -> None:
    """One sentence: capitalised, one line, one full stop at the end, brackets balanced."""
    assert "\n" not in text, text
    assert text[0].isupper(), text
    assert text.endswith(".") and not text.endswith(".."), text
    outside_quotes = re.sub(r'"[^"]*"', '""', text[:-1])
    assert not re.search(r"[.!?]\s+[A-Z]", outside_quotes), f"two sentences: {text}"
    assert outside_quotes.count("(") == outside_quotes.count(")"), text
    assert not re.search(r"\(\s*and ", text), f"half of git's message: {text}"


class _Refuse(BaseHTTPRequestHandler):
    """An HTTP git server that wants credentials for everything."""

    def do_GET(self) -> None:
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="team"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def refusing_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Refuse)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/team.git"
    finally:
        server.shutdown()
        server.server_close()


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/team.git"


KINDS = {
    "nothing listening": "network connection",
    "no repository at a path": "no repository exists",
    "no repository at a file URL": "no repository exists",
    "credentials refused": "refused our credentials",
}


def _url(kind: str, tmp_path: Path, refusing_url: str) -> str:
    return {
        "nothing listening": _closed_port_url(),
        "no repository at a path": str(tmp_path / "gone.git"),
        "no repository at a file URL": (tmp_path / "gone.git").as_uri(),
        "credentials refused": refusing_url,
    }[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_an_unreachable_remote_during_sync_is_one_sentence(
    team: Team, kind: str, refusing_url: str
) -> None:
    alice, _bob = team.clones
    alice.add_vendor("acme")
    alice.git("remote", "set-url", "origin", _url(kind, team.root, refusing_url))
    report = alice.sync()
    assert report.action == "offline"
    assert_one_sentence(report.problem)
    assert report.problem.startswith("Could not reach origin because")
    assert KINDS[kind] in report.problem
    assert "nothing was lost" in report.problem
    assert alice.status() == ""  # committed locally


@pytest.mark.parametrize("kind", KINDS)
def test_init_and_clone_against_an_unreachable_remote_are_one_sentence(
    tmp_path: Path, kind: str, refusing_url: str
) -> None:
    url = _url(kind, tmp_path, refusing_url)
    for attempt in (lambda: init(tmp_path / "new", url), lambda: clone(url, tmp_path / "join")):
        with pytest.raises(KbError) as refused:
            attempt()
        assert_one_sentence(str(refused.value))
        assert KINDS[kind] in str(refused.value)
        assert "nothing was changed" in str(refused.value)
    assert not (tmp_path / "join").exists()


def test_a_push_the_remote_declines_is_one_sentence(team: Team) -> None:
    alice, _bob = team.clones
    hook = team.remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'frozen for the audit' >&2\nexit 1\n")
    hook.chmod(0o755)
    acme = alice.add_vendor("acme")
    with pytest.raises(KbError) as refused:
        alice.sync()
    message = str(refused.value)
    assert_one_sentence(message)
    assert message.startswith("Could not push to origin because the remote declined it")
    assert "nothing was lost" in message
    hook.unlink()
    alice.edit(Vendor, acme, name="Acme Corp")
    assert alice.sync().pushed  # the kept local commit goes out with the next sync


def test_a_failing_local_git_command_is_one_sentence(team: Team) -> None:
    alice, _bob = team.clones
    from vendortui.app.sync.repo import Repo

    repo = Repo(alice.folder, alice.folder / ".git")
    with pytest.raises(KbError) as refused:
        repo.run("cat-file", "blob", "0" * 40)
    assert_one_sentence(str(refused.value))
    git(alice.folder, "status")  # the repository is untouched


def test_the_sentence_check_rejects_git_s_message_cut_in_half() -> None:
    with pytest.raises(AssertionError):
        assert_one_sentence("Could not reach origin (and the repository exists.).")
    with pytest.raises(AssertionError):
        assert_one_sentence("Could not reach origin. Your changes are committed.")

"""Fixtures every test shares: an isolated environment and a fresh knowledge base on disk."""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import pytest

from tests import pgserver
from tests.templates import built, copy_of
from tests.user_dirs import UserDirs, isolate_user
from vendortui.app.kb import KnowledgeBase


@pytest.fixture(autouse=True)
def user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> UserDirs:
    """Never touch the developer's own knowledge base, config, logs, data or identity.

    Every XDG base folder points into the test's ``tmp_path`` (platformdirs reads them; child
    processes inherit them), so no test writes into the real user's ``~/.local`` or
    ``~/.config``. Tests that look at those files take this fixture by name.
    """
    return isolate_user(monkeypatch, tmp_path)


BACKENDS = ("sqlite", "postgresql")


MEMORY_DISK = "/dev/shm"
MEMORY_DISK_NEEDED = 2 * 1024**3
"""Free bytes /dev/shm must have: the suite keeps pytest's last three runs of temporary files
(synthetic 10,000-vendor files, git clones) there."""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "both_backends: run each test with `kb` on a file and on a real PostgreSQL"
    )
    _temporary_files_in_memory()


def _temporary_files_in_memory() -> None:
    """Put temporary files (every ``tmp_path``, the sync tests' teams, child processes' own)
    in memory when the machine has ``/dev/shm`` and ``TMPDIR`` does not name a place.

    SQLite commits with ``synchronous=FULL`` and git flushes its objects: on a disk shared
    with other jobs, building and syncing a three-clone team took 20-30 % less wall time in
    memory (two sync test files together, 6 % less, measured side by side). The files stay
    real (the same SQLite, git, locks and renames); only a power cut would differ, and no
    test simulates one. Set in the controller before xdist starts its workers, which inherit it.
    A ``/dev/shm`` with less than ``MEMORY_DISK_NEEDED`` free is not used.
    """
    if "TMPDIR" in os.environ or not os.access(MEMORY_DISK, os.W_OK | os.X_OK):
        return
    room = os.statvfs(MEMORY_DISK)
    if room.f_bavail * room.f_frsize < MEMORY_DISK_NEEDED:
        return  # a container's /dev/shm (64 MB by default) is too small: stay on disk
    os.environ["TMPDIR"] = MEMORY_DISK
    tempfile.tempdir = None  # recomputed from TMPDIR on next use


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked ``both_backends`` (the service-level ones) run once per backend."""
    if "kb" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_backends"):
        metafunc.parametrize("backend", BACKENDS)


@pytest.fixture
def backend() -> str:
    """The backend ``kb`` uses: a file unless the test is marked ``both_backends``."""
    return "sqlite"


@pytest.fixture(scope="session")
def kb_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty knowledge-base file migrated to head once per session (per xdist worker).

    Tests get copies (``tests.templates``); those about creating or migrating a file open
    their own path instead.
    """
    return built(tmp_path_factory.mktemp("kb-template") / "kb.db")


@pytest.fixture
def kb(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> KnowledgeBase:
    """A new, migrated, empty knowledge base in a real file (or on a real server)."""
    if backend == "sqlite":
        template = request.getfixturevalue("kb_template")
        base = KnowledgeBase.open(copy_of(template, tmp_path / "kb.db"))
    else:
        base = KnowledgeBase.open(request.getfixturevalue("pg_url"))
    yield base
    base.db.close()


@pytest.fixture(scope="session")
def pg_server() -> pgserver.PgServer:
    """A real PostgreSQL server for this test session (one per xdist worker), stopped at the
    end. Skips when the server binaries are missing, which fails under ``VENDORTUI_CI=1``."""
    try:
        server = pgserver.start_server()
    except FileNotFoundError:
        pytest.skip(f"{pgserver.MISSING} are not installed (apt-get install postgresql)")
    yield server
    pgserver.remove(server)


@pytest.fixture(scope="session")
def pg_template(pg_server: pgserver.PgServer) -> str:
    """A database migrated to head once per session; each test gets a copy of it."""
    from vendortui.app.db_pg import PgDatabase

    pg_server.sql("CREATE DATABASE kb_template")
    PgDatabase.open_url(pg_server.url("kb_template")).close()
    return "kb_template"


@pytest.fixture
def pg_url(pg_server: pgserver.PgServer, pg_template: str) -> str:
    """The URL of a new database for this test, at head, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex}"
    pg_server.sql(f"CREATE DATABASE {name} TEMPLATE {pg_template}")
    yield pg_server.url(name)
    pg_server.sql(f"DROP DATABASE {name} WITH (FORCE)")


REAL_PARTS = (
    "Secret Service",
    "Node.js",
    "npm",
    pgserver.MISSING,
    "is not installed (Debian package",
)
"""Skip reasons that mean a real part (keyring daemon, the OpenID Provider, PostgreSQL, a
shell) was missing."""


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """Under CI (``VENDORTUI_CI=1``, set by ``.ci/run``) a missing real part fails the test.

    On a laptop those tests skip with a reason; in CI a skip would let the keyring or probe
    tests silently test nothing, so it becomes a failure naming what is missing.
    """
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("VENDORTUI_CI") and isinstance(report.longrepr, tuple):
        reason = str(report.longrepr[2])
        if any(part in reason for part in REAL_PARTS):
            report.outcome = "failed"
            report.longrepr = f"CI must run this with its real part: {reason}"

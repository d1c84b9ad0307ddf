"""The built wheel carries the snapshots and license notices, and works from them alone."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.core.test_install import _run, env, wheel  # noqa: F401 (fixtures)
from vendortui.app.public_data.sources import SOURCES


def test_wheel_holds_every_snapshot_and_notice(wheel: Path) -> None:  # noqa: F811
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for key, source in SOURCES.items():
        assert f"vendortui/app/public_data/snapshots/{key}.json.gz" in names
        assert f"vendortui/app/public_data/notices/{source.notice}" in names


def test_installed_commands_read_the_shipped_snapshots(env: Path, tmp_path: Path) -> None:  # noqa: F811
    listing = _run(env, tmp_path, env / "bin" / "vendortui", "datasets")
    assert listing.returncode == 0, listing.stderr
    assert "3352 entries" in listing.stdout and "site-packages" in listing.stdout
    assert _run(env, tmp_path, env / "bin" / "vendortui", "demo").returncode == 0
    check = _run(env, tmp_path, env / "bin" / "vendortui", "public-check", "datadog")
    assert check.returncode == 0, check.stderr
    assert "WebAuthn is marked enforced" in check.stdout

"""The built wheel installs beside packages that claim common top-level names, and runs.

vendortui's layers sit at the top of the repository (``app/``, ``models/``...) but install as
``vendortui.app``, ``vendortui.models``...; a neighbour that ships its own ``app`` and
``models`` must keep them, and vendortui must keep working.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "README.md", "vendortui", "app", "models", "screens", "seed_data")
NEIGHBOUR = {
    "app/__init__.py": "NAME = 'the neighbour app'\n",
    "models/__init__.py": "NAME = 'the neighbour models'\n",
    "screens/__init__.py": "NAME = 'the neighbour screens'\n",
}
IMPORT_EVERYTHING = """
import importlib, json, pkgutil, vendortui
names = [m.name for m in pkgutil.walk_packages(vendortui.__path__, 'vendortui.')
         if '.migrations' not in m.name and not m.name.endswith('__main__')]
for name in names:
    importlib.import_module(name)
import app, models, screens
print(json.dumps({'modules': len(names), 'neighbours': [app.NAME, models.NAME, screens.NAME]}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """vendortui built as a wheel from a copy of the sources (nothing is written to the repo)."""
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, src / name)
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return next(out.glob("vendortui-*.whl"))


@pytest.fixture(scope="module")
def env(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the neighbour package and the vendortui wheel.

    vendortui's dependencies come from the test environment's site-packages through a ``.pth``
    line (no download); its editable vendortui is not visible there, since only the new
    environment's own site folder has its ``.pth`` files processed.
    """
    home = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=False).create(home)
    python = home / "bin" / "python"
    purelib = Path(
        subprocess.check_output(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
        ).strip()
    )
    (purelib / "deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    for name, text in NEIGHBOUR.items():
        (purelib / name).parent.mkdir(parents=True, exist_ok=True)
        (purelib / name).write_text(text)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return home


def _run(env: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    return subprocess.run(
        [str(a) for a in args],
        cwd=tmp_path,
        env={**environ, "VENDORTUI_DB": str(tmp_path / "kb.db")},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_wheel_holds_one_top_level_package(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        tops = {name.split("/")[0] for name in archive.namelist()}
    assert tops == {
        "vendortui",
        wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1] + ".dist-info",
    }


def test_installed_beside_a_package_with_app_and_models(env: Path, tmp_path: Path) -> None:
    done = _run(env, tmp_path, env / "bin" / "python", "-c", IMPORT_EVERYTHING)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["modules"] > 50
    assert report["neighbours"] == [text.split("'")[1] for text in NEIGHBOUR.values()]

    demo = _run(env, tmp_path, env / "bin" / "vendortui", "demo")
    assert demo.returncode == 0, demo.stderr
    assert "demo vendors" in demo.stdout
    listing = _run(env, tmp_path, env / "bin" / "python", "-m", "vendortui", "vendors", "--json")
    assert listing.returncode == 0, listing.stderr
    assert "datadog" in {row["slug"] for row in json.loads(listing.stdout)}
    card = _run(env, tmp_path, env / "bin" / "vendortui", "show", "datadog")
    assert card.returncode == 0, card.stderr
    assert "Datadog" in card.stdout


def test_version_comes_from_the_package_metadata(env: Path, tmp_path: Path, wheel: Path) -> None:
    done = _run(env, tmp_path, env / "bin" / "vendortui", "--version")
    assert done.stdout.strip() == f"vendortui {wheel.name.split('-')[1]}"

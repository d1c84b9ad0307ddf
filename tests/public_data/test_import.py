"""``vendortui datasets [list]`` and ``datasets import FILE``: a newer upstream file replaces
that dataset for this user; anything else is one sentence and leaves what is in use alone."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.public_data.conftest import FIXTURES, real_file, write_json
from vendortui.app.cli import main
from vendortui.app.public_data.datasets import load
from vendortui.app.public_data.reduce import UPSTREAM_FILES
from vendortui.app.public_data.snapshot import user_copy


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def listing(capsys: pytest.CaptureFixture[str]) -> dict[str, dict]:
    code, out, _ = run(capsys, "datasets", "list", "--json")
    assert code == 0
    return {row["source"]: row for row in json.loads(out)}


def test_list_names_source_date_license_entries_and_attribution(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "datasets")
    assert code == 0
    assert "2fa.directory [2fa]: 3352 entries, 2026-08-04, commit f3ac2ab71c6f" in out
    assert "CC BY 4.0" in out and "Apache License 2.0" in out and "MIT License" in out
    assert out.count("Reduced by vendortui to:") == 4
    rows = listing(capsys)
    assert {k: (r["entries"], r["origin"]) for k, r in rows.items()} == {
        "2fa": (3352, "shipped"),
        "passkeys": (368, "shipped"),
        "sso-tax": (150, "shipped"),
        "atlas": (85, "shipped"),
    }
    for row in rows.values():
        assert Path(row["license_text"]).is_file()


@pytest.mark.parametrize("key", list(UPSTREAM_FILES))
def test_import_of_a_real_upstream_file_replaces_that_dataset(
    key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Detected from its shape, stored in the user data folder, in use at once."""
    path = FIXTURES / UPSTREAM_FILES[key]
    count = len(json.loads(path.read_text(encoding="utf-8")))
    code, out, err = run(capsys, "datasets", "import", str(path), "--date", "2026-11-30")
    assert (code, err) == (0, "")
    assert f"{count} entries from 2026-11-30 now in use" in out
    assert user_copy(key).is_file()
    row = listing(capsys)[key]
    assert (row["entries"], row["date"], row["origin"]) == (
        count,
        "2026-11-30",
        str(user_copy(key)),
    )
    others = [r for k, r in listing(capsys).items() if k != key]
    assert all(r["origin"] == "shipped" for r in others)


def test_the_full_real_file_imports(capsys: pytest.CaptureFixture[str]) -> None:
    path = real_file(UPSTREAM_FILES["2fa"])
    code, out, _ = run(capsys, "datasets", "import", str(path))
    assert code == 0 and "3352 entries" in out
    mtime_day = (
        __import__("datetime")
        .datetime.fromtimestamp(os.stat(path).st_mtime, __import__("datetime").UTC)
        .date()
    )
    assert listing(capsys)["2fa"]["date"] == mtime_day.isoformat()


def _refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    before = {key: user_copy(key).exists() for key in UPSTREAM_FILES}
    code, out, err = run(capsys, "datasets", "import", *argv)
    assert code == 2, (out, err)
    assert out == ""
    assert err.startswith("vendortui: ") and err.count("\n") == 1 and "Traceback" not in err
    assert {key: user_copy(key).exists() for key in UPSTREAM_FILES} == before
    return err


def test_a_file_in_the_wrong_shape_names_the_first_offending_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads((FIXTURES / UPSTREAM_FILES["sso-tax"]).read_text(encoding="utf-8"))
    doc[5]["vendor_url"] = ["https://x.com"]
    err = _refused(capsys, str(write_json(tmp_path / "vendors.json", doc)))
    assert "$[5].vendor_url: expected a string" in err
    assert "Nothing was replaced" in err


def test_a_refused_import_keeps_the_previous_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "datasets", "import", str(FIXTURES / UPSTREAM_FILES["atlas"]))
    kept = user_copy("atlas").read_bytes()
    doc = json.loads((FIXTURES / UPSTREAM_FILES["atlas"]).read_text(encoding="utf-8"))
    doc[0]["SAML"] = True
    err = _refused(capsys, str(write_json(tmp_path / "apps.json", doc)))
    assert "$[0].SAML: expected one of TRUE, FALSE, UPGRADE, UNKNOWN" in err
    assert user_copy("atlas").read_bytes() == kept


HOSTILE_FILES = {
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "is not UTF-8 text"),
    "not json": (b"methods: [totp]\n", "is not JSON"),
    "deep": (b"[" * 100_000 + b"]" * 100_000, "nested deeper than 32 levels"),
    "empty object": (b"{}", "Cannot tell which dataset"),
    "a number": (b"42", "Cannot tell which dataset"),
    "no entries": (b'[{"Domain": 1, "SCIM Provisioning": "TRUE"}]', "$[0].Name: expected a string"),
}


@pytest.mark.parametrize("name", list(HOSTILE_FILES))
def test_hostile_files_are_one_sentence(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, expected = HOSTILE_FILES[name]
    path = tmp_path / "all.json"
    path.write_bytes(data)
    assert expected in _refused(capsys, str(path))


def test_huge_file_is_refused_before_it_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "all.json"
    with path.open("wb") as out:
        out.truncate(25 * 1024 * 1024)
    assert "is 25 MB" in _refused(capsys, str(path))


def test_source_date_and_file_name_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = str(FIXTURES / UPSTREAM_FILES["2fa"])
    assert "no dataset 'nope'" in _refused(capsys, good, "--source", "nope")
    assert "is not in the shape of sso.tax" in _refused(capsys, good, "--source", "sso-tax")
    assert "not a date" in _refused(capsys, good, "--date", "yesterday")
    assert "in the future" in _refused(capsys, good, "--date", "2999-01-01")
    assert "missing.json is not a file" in _refused(capsys, str(tmp_path / "missing.json"))
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    assert "pipe.json is not a file" in _refused(capsys, str(fifo))
    assert "is not a file" in _refused(capsys, str(tmp_path))
    hostile = tmp_path / "evil\x1b[2J.json"
    hostile.write_bytes(b"\xff")
    err = _refused(capsys, str(hostile))
    assert "\x1b" not in err and "evil\\u001b[2J.json" in err


def test_a_damaged_user_copy_falls_back_to_the_shipped_snapshot(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run(capsys, "datasets", "import", str(FIXTURES / UPSTREAM_FILES["passkeys"]))
    user_copy("passkeys").write_bytes(b"\x1f\x8b garbage")
    row = listing(capsys)["passkeys"]
    assert (row["origin"], row["entries"]) == ("shipped", 368)
    assert "imported copy ignored" in row["note"]
    code, out, _ = run(capsys, "datasets")
    assert code == 0 and "Note: imported copy ignored" in out


def test_an_import_is_used_by_the_next_load(capsys: pytest.CaptureFixture[str]) -> None:
    """The loaded datasets are dropped after an import, so the new data is what is matched."""
    assert load().facts(["2k.com"]).twofa is not None
    run(capsys, "datasets", "import", str(FIXTURES / UPSTREAM_FILES["2fa"]))
    data = load()
    assert data.facts(["example.org"]).twofa is None
    assert data.facts(["2k.com"]).twofa is not None
    assert data.facts(["twitter.com"]).twofa is None

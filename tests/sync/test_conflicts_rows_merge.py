"""Conflict rows merge as a whole: the result is one side's row, never a mix of fields.

Issue 9: a conflict resolved on one clone while the same conflict row changed on another
ended with a resolved time and an empty resolution (a field-by-field merge of a row both
sides held, with no base row to compare against).
"""

from __future__ import annotations

import functools
import shutil
import sqlite3
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from vendortui.app.db import Database
from vendortui.app.sync.merge import merge_files

COLUMNS = (
    "id, created_at, updated_at, updated_by, deleted_at, table_name, row_id, field, base_value, "
    "ours_value, theirs_value, ours_by, ours_at, theirs_by, theirs_at, provisional, "
    "resolved_at, resolved_by, resolution"
)
TIMES = ("2026-01-01 00:00:01.000000", "2026-01-01 00:00:02.000000", "2026-01-01 00:00:03.000000")

versions = st.one_of(
    st.none(),
    st.tuples(st.sampled_from(TIMES), st.just(None), st.just(""), st.just("")),
    st.tuples(
        st.sampled_from(TIMES),
        st.sampled_from(TIMES),
        st.sampled_from(("alice@example.com", "bob@example.com")),
        st.sampled_from(("mine", "theirs", "edit")),
    ),
)
"""A conflict row's changing part: absent, or (updated_at, resolved_at, by, resolution)."""


@functools.cache
def _empty() -> bytes:
    """A migrated, empty knowledge base (made once: migrating is most of an example's time)."""
    with tempfile.TemporaryDirectory(prefix="vendortui-rows-") as folder:
        path = Path(folder) / "empty.db"
        Database.open(path).close()
        return path.read_bytes()


def _row(version: tuple[str, str | None, str, str]) -> tuple[object, ...]:
    updated_at, resolved_at, resolved_by, resolution = version
    return (
        "c0",
        TIMES[0],
        updated_at,
        resolved_by or "carol@example.com",
        None,
        "vendor",
        "v1",
        "status",
        "evaluating",
        "pilot",
        "production",
        "alice@example.com",
        TIMES[0],
        "bob@example.com",
        TIMES[0],
        "production",
        resolved_at,
        resolved_by,
        resolution,
    )


def _write(path: Path, version: tuple[str, str | None, str, str] | None) -> tuple[object, ...]:
    conn = sqlite3.connect(path)
    try:
        conn.execute("DELETE FROM conflict")
        if version is None:
            conn.commit()
            return ()
        row = _row(version)
        conn.execute(f"INSERT INTO conflict ({COLUMNS}) VALUES ({', '.join('?' * 19)})", row)
        conn.commit()
        return row
    finally:
        conn.close()


@settings(max_examples=60, deadline=None)
@given(base=versions, ours=versions, theirs=versions)
def test_a_conflict_row_comes_out_whole_from_one_side(base, ours, theirs) -> None:
    if base is not None and (ours is None or theirs is None):
        return  # rows are never removed: a row in the base is on both sides
    with tempfile.TemporaryDirectory(prefix="vendortui-rows-") as folder:
        root = Path(folder)
        paths = {name: root / f"{name}.db" for name in ("base", "ours", "theirs")}
        rows = {}
        for name, version in (("base", base), ("ours", ours), ("theirs", theirs)):
            paths[name].write_bytes(_empty())
            rows[name] = _write(paths[name], version)
        merge_files(paths["base"], paths["ours"], paths["theirs"], root / "out.db", who="me")
        conn = sqlite3.connect(root / "out.db")
        try:
            result = conn.execute(f"SELECT {COLUMNS} FROM conflict").fetchall()
        finally:
            conn.close()
    sides = [rows[n] for n in ("ours", "theirs") if rows[n]]
    if not sides:
        assert result == []
        return
    [merged] = result
    assert merged in sides, f"{merged} mixes {sides}"
    if rows["base"] and rows["ours"] == rows["base"]:
        assert merged == rows["theirs"]
    if rows["base"] and rows["theirs"] == rows["base"]:
        assert merged == rows["ours"]
    resolved_at, resolution = merged[16], merged[18]
    assert (resolved_at is None) == (resolution == "")


def test_a_clash_already_stored_as_resolved_is_opened_again(tmp_path: Path) -> None:
    """The insert never drops a clash: one whose id is stored closed comes back open."""
    Database.open(tmp_path / "base.db").close()
    conn = sqlite3.connect(tmp_path / "base.db")
    conn.execute(
        "INSERT INTO vendor (id, created_at, updated_at, updated_by, slug, name, category, "
        "status, rollout_stage, risk_tier, website, description, sso_protocol, scim, "
        "mfa_methods, webauthn_enforced, sso_requires_upgrade, termination_data) VALUES "
        "('v1', ?, ?, 'a', 'acme', 'Acme', '', 'evaluating', '', 'medium', '', '', 'none', 0, "
        "'', 0, 0, '')",
        (TIMES[0], TIMES[0]),
    )
    conn.commit()
    conn.close()
    sides = {}
    for name, status, when in (("ours", "pilot", TIMES[1]), ("theirs", "production", TIMES[2])):
        sides[name] = tmp_path / f"{name}.db"
        shutil.copyfile(tmp_path / "base.db", sides[name])
        conn = sqlite3.connect(sides[name])
        conn.execute(
            "UPDATE vendor SET status = ?, updated_at = ?, updated_by = ?", (status, when, name)
        )
        conn.commit()
        conn.close()
    first = tmp_path / "first.db"
    merge_files(tmp_path / "base.db", sides["ours"], sides["theirs"], first, who="me")
    conn = sqlite3.connect(first)
    [row] = conn.execute(f"SELECT {COLUMNS} FROM conflict").fetchall()
    conn.close()
    closed = (*row[:16], TIMES[2], "me", "mine")
    conn = sqlite3.connect(sides["ours"])
    conn.execute(f"INSERT INTO conflict ({COLUMNS}) VALUES ({', '.join('?' * 19)})", closed)
    conn.commit()
    conn.close()
    again = tmp_path / "again.db"
    stats = merge_files(tmp_path / "base.db", sides["ours"], sides["theirs"], again, who="me")
    conn = sqlite3.connect(again)
    reopened = conn.execute("SELECT id, resolved_at, resolution FROM conflict").fetchall()
    conn.close()
    assert reopened == [(row[0], None, "")] and stats.conflicts == 1

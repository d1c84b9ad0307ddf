"""The JSON export's exact bytes: a small fixed knowledge base exports as ``golden/export.json``.

The golden file was written by the export as it was before its writer was made faster (a
row at a time through ``json.JSONEncoder(sort_keys=True)``), so it is not the output of the
code under test: any change of key order, separators, line layout, escaping of invisible
characters or boolean form shows here as a byte difference. The knowledge base is built
with raw SQL, fixed ids and fixed stamps, with the text that exercises every escaping rule.
A new column (a migration) changes the golden file: rebuild it only from an export that
this test has shown to be byte-identical before that migration.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.templates import copy_of
from vendortui.app.interchange import json_format
from vendortui.app.interchange.service import export_to, import_file
from vendortui.app.kb import KnowledgeBase

GOLDEN = Path(__file__).parent / "golden" / "export.json"

STAMP = "2026-01-02 03:04:05.000006"
V1, V2, V3 = (f"01900000-0000-7000-8000-00000000000{n}" for n in (1, 2, 3))
P1, P2 = "01900000-0000-7000-8000-0000000000a1", "01900000-0000-7000-8000-0000000000a2"
ODD = (
    'Caf\u00e9 "quoted" back\\slash line one\nline two\ttab \x1b[31m red \x7f del '
    "\u0085 nel \u202e bidi \u200b zws \U000e0001 tag \U0001f600 smile </script>"
)
"""Every escaping rule at once: JSON's own (quote, backslash, newline, tab, ESC), the ones
vendortui adds (DEL, C1, bidi, zero-width, an astral tag character as a surrogate pair) and
non-ASCII letters and emoji, which stay readable."""

ROWS: dict[str, list[dict[str, Any]]] = {
    "vendor": [
        {"id": V1, "slug": "cafe-odd", "name": "Caf\u00e9 Odd", "description": ODD,
         "scim": 1, "webauthn_enforced": 0, "sso_requires_upgrade": 1, "rollout_percent": 40,
         "contract_start": "2026-01-31", "notice_days": 30, "website": "https://cafe.example"},
        {"id": V2, "slug": "plain", "name": "Plain", "rollout_percent": None,
         "website": "https://plain.example", "extra_domains": "plain.test"},
        {"id": V3, "slug": "gone", "name": "Gone", "deleted_at": STAMP},
    ],
    "person": [
        {"id": P1, "name": "Ana \u00c1lvarez", "email": "ana@example.com", "active": 1},
        {"id": P2, "name": "Bo", "email": "bo@example.com", "active": 0, "team": "it"},
    ],
    "role": [{"id": "01900000-0000-7000-8000-0000000000b1", "vendor_id": V1,
              "person_id": P1, "kind": "lead", "team": "platform"}],
    "data_category": [{"id": "01900000-0000-7000-8000-0000000000c1", "vendor_id": V1,
                       "name": "email", "pii_level": "high", "encrypted": 1}],
    "probe_config": [{"id": "01900000-0000-7000-8000-0000000000d1", "vendor_id": V1,
                      "name": "sso", "kind": "client_credentials", "secret_ref": "cafe-sso",
                      "issuer": "https://login.example.com", "client_id": "abc",
                      "enabled": 1}],
    "event": [{"id": "01900000-0000-7000-8000-0000000000e1", "vendor_id": V2,
               "kind": "note", "occurred_at": STAMP, "title": "50% \u2013 done", "body": ODD}],
}  # fmt: skip
"""The rows; every other column of a table takes a fixed value of its type (``_filled``)."""


def _filled(conn: sqlite3.Connection, table: str, row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with every column it does not name: stamps ``STAMP``, flags false, other
    required columns empty text, optional ones NULL, so the rows need name only what matters."""
    out: dict[str, Any] = {"created_at": STAMP, "updated_at": STAMP, "updated_by": "a@b.c"}
    if table == "vendor":
        out.update(status="production", risk_tier="low", sso_protocol="none")
    for _, name, kind, required, _, _ in conn.execute(f'PRAGMA table_info("{table}")'):
        if name in row or name in out:
            continue
        out[name] = 0 if kind == "BOOLEAN" else ("" if required else None)
    return {**out, **row}


@pytest.fixture
def fixed_kb(kb_template: Path, tmp_path: Path) -> Path:
    """A migrated knowledge base file holding exactly ``ROWS``."""
    path = copy_of(kb_template, tmp_path / "fixed.db")
    with sqlite3.connect(path) as conn:
        for table, rows in ROWS.items():
            for row in rows:
                values = _filled(conn, table, row)
                columns = ", ".join(values)
                marks = ", ".join("?" * len(values))
                conn.execute(
                    f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', [*values.values()]
                )
    conn.close()
    return path


@pytest.mark.parametrize("chunk", [json_format.CHUNK, 1, 2])
def test_a_fixed_kb_exports_as_the_golden_bytes(
    fixed_kb: Path, tmp_path: Path, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows are written in chunks; however they fall, the bytes are the same."""
    monkeypatch.setattr(json_format, "CHUNK", chunk)
    out = tmp_path / "export.json"
    kb = KnowledgeBase.open(fixed_kb)
    try:
        export_to(kb.db, "json", out)
    finally:
        kb.db.close()
    assert out.read_bytes() == GOLDEN.read_bytes()


@pytest.mark.both_backends
def test_the_golden_file_goes_through_either_backend_byte_for_byte(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    """Imported into an empty file or team server, it exports as the same bytes."""
    assert not import_file(kb.db, GOLDEN, "json").empty
    out = tmp_path / "again.json"
    export_to(kb.db, "json", out)
    assert out.read_bytes() == GOLDEN.read_bytes()


def test_the_pure_python_encoder_writes_the_same_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where ``json`` has no C encoder (not CPython), the rows encode to the same text."""
    rows = [dict(sorted(row.items())) for table in ROWS.values() for row in table]
    fast = list(json_format._row_encoder()(rows))
    monkeypatch.setattr(json.encoder, "c_make_encoder", None)
    assert list(json_format._row_encoder()(rows)) == fast
    assert fast[0].startswith(
        '{"contract_start": "2026-01-31", "description": "Caf\u00e9 \\"quoted'
    )


def test_a_value_json_cannot_hold_is_refused_as_json_refuses_it() -> None:
    """The encoder built once keeps ``json``'s own refusal (a blob in a text column)."""
    with pytest.raises(TypeError, match="Object of type bytes is not JSON serializable"):
        list(json_format._row_encoder()([{"name": b"\x00"}]))

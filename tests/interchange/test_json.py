"""JSON, the lossless form: an export imported into an empty knowledge base gives the same
knowledge base (``vendortui dump`` equal), and importing it again changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.interchange.conftest import refused_cleanly, text_of
from vendortui.app.interchange.service import export_to, import_file
from vendortui.app.kb import KnowledgeBase
from vendortui.models import ProbeConfig, Vendor

NO_SUCH_ID = "01900000-0000-7000-8000-000000000000"


def _richer(kb: KnowledgeBase) -> None:
    """The demo plus what the demo lacks: a tombstone, a probe secret reference, odd text."""
    victim = kb.add_vendor("Gone Soon", website="https://gone.example")
    kb.delete(Vendor, victim.id)
    vendor = kb.add_vendor(
        "Caf\u00e9 Odd", description="line one\nline two\x1b[31m red\ttab \u0085 \u202eend"
    )
    kb.create(
        ProbeConfig,
        vendor_id=vendor.id,
        name="sso",
        kind="client_credentials",
        issuer="https://login.example.com",
        client_id="abc",
        secret_ref="cafe-sso",
    )


def test_export_into_an_empty_kb_gives_the_same_kb(
    demo_kb: KnowledgeBase, empty_db: Path, tmp_path: Path, cli, monkeypatch
) -> None:
    _richer(demo_kb)
    monkeypatch.setenv("VENDORTUI_SECRET_CAFE_SSO", "s3cr3t-never-exported")
    export = tmp_path / "kb.json"
    assert cli("export", "--db", str(demo_kb.path), "--output", str(export)).code == 0
    raw = export.read_text(encoding="utf-8")
    assert "s3cr3t-never-exported" not in raw
    assert '"secret_ref": "cafe-sso"' in raw
    assert "\x1b" not in raw and "\u202e" not in raw and "\\u001b" in raw
    document = json.loads(raw)
    assert document["format"] == "vendortui/1"
    assert "conflict" not in document["tables"]
    for table in ("vendor", "person", "role", "data_category", "event", "runbook"):
        assert document["tables"][table], table
    for table in ("probe_config", "checklist_run", "checklist_item", "checklist_tick"):
        assert document["tables"][table], table

    result = cli("import", str(export), "--db", str(empty_db))
    assert result.code == 0, result.err
    assert "17 new vendors" in result.out
    assert text_of(empty_db) == text_of(demo_kb.path)

    again = cli("import", str(export), "--db", str(empty_db), "--dry-run")
    assert again.code == 0 and again.out.strip().endswith("nothing to change.")
    assert cli("import", str(export), "--db", str(empty_db)).code == 0
    assert text_of(empty_db) == text_of(demo_kb.path)


def test_changed_fields_are_listed_and_stamped_with_the_importing_user(
    demo_kb: KnowledgeBase, empty_db: Path, tmp_path: Path, cli, monkeypatch
) -> None:
    export = tmp_path / "kb.json"
    cli("export", "--db", str(demo_kb.path), "--output", str(export))
    cli("import", str(export), "--db", str(empty_db))
    document = json.loads(export.read_text(encoding="utf-8"))
    first = document["tables"]["vendor"][0]
    old_status = first["status"]
    first["status"] = "retired" if old_status != "retired" else "pilot"
    export.write_text(json.dumps(document), encoding="utf-8")

    dry = cli("import", str(export), "--db", str(empty_db), "--dry-run")
    assert f"status: '{old_status}' -> '{first['status']}'" in dry.out
    assert "1 changed field on 1 vendor" in dry.out

    monkeypatch.setenv("VENDORTUI_USER", "importer@example.com")
    assert cli("import", str(export), "--db", str(empty_db)).code == 0
    target = KnowledgeBase.open(empty_db)
    with target.db.read() as conn:
        row = conn.execute(
            "SELECT status, updated_by, updated_at FROM vendor WHERE id = ?", (first["id"],)
        ).fetchone()
        untouched = conn.execute(
            "SELECT count(*) FROM vendor WHERE updated_by = 'importer@example.com'"
        ).fetchone()[0]
    assert row["status"] == first["status"]
    assert row["updated_by"] == "importer@example.com"
    assert row["updated_at"] > first["updated_at"]
    assert untouched == 1


def test_a_vendor_matched_by_slug_takes_its_children_along(
    demo_kb: KnowledgeBase, empty_db: Path, tmp_path: Path, cli
) -> None:
    """The same vendor made separately on two machines (other ids): its events join it."""
    export = tmp_path / "kb.json"
    cli("export", "--db", str(demo_kb.path), "--output", str(export))
    target = KnowledgeBase.open(empty_db)
    own = target.add_vendor("Datadog", slug="datadog")
    assert cli("import", str(export), "--db", str(empty_db)).code == 0
    with target.db.read() as conn:
        vendors = conn.execute("SELECT id FROM vendor WHERE slug = 'datadog'").fetchall()
        events = conn.execute("SELECT count(*) FROM event WHERE vendor_id = ?", (own.id,))
        count = events.fetchone()[0]
    assert [v[0] for v in vendors] == [own.id]
    assert count > 0


def _document(tmp_path: Path, demo_kb: KnowledgeBase, cli) -> tuple[Path, dict]:
    export = tmp_path / "kb.json"
    cli("export", "--db", str(demo_kb.path), "--output", str(export))
    return export, json.loads(export.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("spoil", "words"),
    [
        (lambda d: d.update(format="other/9"), ["not a vendortui export"]),
        (lambda d: d["tables"].update(gadget=[]), ["table 'gadget'", "newer vendortui"]),
        (lambda d: d["tables"]["vendor"][2].pop("slug"), ["vendor #3", "slug: is missing"]),
        (
            lambda d: d["tables"]["vendor"][0].update(status="gone"),
            ["vendor #1", "status: must be one of"],
        ),
        (
            lambda d: d["tables"]["event"][0].update(
                vendor_id="01900000-0000-7000-8000-000000000000"
            ),
            ["event #1", "names no vendor"],
        ),
        (
            lambda d: d["tables"]["vendor"][0].update(name="Evil\u202eName"),
            ["invisible character"],
        ),
        (lambda d: d["tables"]["vendor"][0].update(scim="yes"), ["scim: must be true or false"]),
        (
            lambda d: d["tables"]["vendor"][0].update(slug="okta"),
            ["vendor #12", "'okta' is also another vendor's in the file"],
        ),
    ],
)
def test_a_bad_row_imports_nothing_and_says_which_and_why(
    demo_kb: KnowledgeBase, empty_db: Path, tmp_path: Path, cli, spoil, words
) -> None:
    export, document = _document(tmp_path, demo_kb, cli)
    spoil(document)
    export.write_text(json.dumps(document), encoding="utf-8")
    before = empty_db.read_bytes()
    result = cli("import", str(export), "--db", str(empty_db))
    refused_cleanly(result, *words)
    assert empty_db.read_bytes() == before


def test_not_json_is_one_sentence(empty_db: Path, tmp_path: Path, cli) -> None:
    bad = tmp_path / "kb.json"
    bad.write_text('{"format": "vendortui/1", "tables": {', encoding="utf-8")
    refused_cleanly(cli("import", str(bad), "--db", str(empty_db)), "line 1 is not JSON")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    refused_cleanly(cli("import", str(deep), "--db", str(empty_db)), "nests too deeply")


def test_service_dry_run_writes_nothing(demo_kb: KnowledgeBase, empty_db: Path, tmp_path) -> None:
    export = tmp_path / "kb.json"
    from vendortui.app.interchange.service import export_to

    export_to(demo_kb.db, "json", export)
    target = KnowledgeBase.open(empty_db)
    before = empty_db.read_bytes()
    plan = import_file(target.db, export, "json", dry_run=True)
    assert len(plan.new) == 15 and not plan.problems
    assert empty_db.read_bytes() == before


def test_a_slug_changed_to_another_vendors_is_refused(
    demo_kb: KnowledgeBase, empty_db: Path, tmp_path: Path, cli
) -> None:
    export, document = _document(tmp_path, demo_kb, cli)
    assert cli("import", str(export), "--db", str(empty_db)).code == 0
    document["tables"]["vendor"][0]["slug"] = "okta"
    export.write_text(json.dumps(document), encoding="utf-8")
    before = empty_db.read_bytes()
    refused_cleanly(
        cli("import", str(export), "--db", str(empty_db)), "vendor #1", "'okta' is another vendor's"
    )
    assert empty_db.read_bytes() == before


@pytest.mark.both_backends
def test_json_carries_a_file_through_either_backend_unchanged(
    demo_kb: KnowledgeBase, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """A file's export imported into ``kb`` (a file or a team server) exports as the same
    text in every format, and importing it again there changes nothing: export and import
    read the schema (tables, columns, foreign keys) the same way on both backends."""
    _richer(demo_kb)
    exported = tmp_path / "file.json"
    export_to(demo_kb.db, "json", exported)
    plan = import_file(kb.db, exported, "json")
    assert not plan.empty
    again = tmp_path / "again.json"
    export_to(kb.db, "json", again)
    assert again.read_text(encoding="utf-8") == exported.read_text(encoding="utf-8")
    assert import_file(kb.db, exported, "json").empty
    for fmt in ("csv", "backstage"):
        export_to(demo_kb.db, fmt, tmp_path / f"file.{fmt}")
        export_to(kb.db, fmt, tmp_path / f"kb.{fmt}")
        assert (tmp_path / f"kb.{fmt}").read_bytes() == (tmp_path / f"file.{fmt}").read_bytes()

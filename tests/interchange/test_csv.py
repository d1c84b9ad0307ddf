"""CSV, the spreadsheet form: dialects, headers, formula escaping, matching, one transaction."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.interchange.conftest import refused_cleanly, reimport_changes_nothing
from vendortui.app.interchange.csv_format import escape_formula, unescape_formula
from vendortui.app.interchange.records import COLUMN_NAMES
from vendortui.app.kb import KnowledgeBase


def export_csv(cli, db: Path, target: Path) -> str:
    assert cli("export", "--db", str(db), "--output", str(target)).code == 0
    return target.read_bytes().decode("utf-8-sig")


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_round_trip_gives_the_same_rows_and_a_second_import_changes_nothing(
    demo_kb: KnowledgeBase, empty_db: Path, tmp_path: Path, cli
) -> None:
    first = export_csv(cli, demo_kb.path, tmp_path / "a.csv")
    assert (tmp_path / "a.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert first.splitlines()[0] == ",".join(COLUMN_NAMES)
    result = cli("import", str(tmp_path / "a.csv"), "--db", str(empty_db))
    assert result.code == 0 and "15 new vendors" in result.out
    assert export_csv(cli, empty_db, tmp_path / "b.csv") == first
    reimport_changes_nothing(cli, tmp_path / "a.csv", empty_db)


def test_rows_without_ids_are_matched_by_slug_then_domain(
    demo_kb: KnowledgeBase, tmp_path: Path, cli
) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "name,slug,website,status\n"
        "Datadog,datadog,https://www.datadoghq.com,retired\n"
        "Honeycomb.io Observability,,https://honeycomb.io/pricing,sunsetting\n"
        "Brand New,,https://brand-new.example,pilot\n",
        encoding="utf-8",
    )
    with demo_kb.db.read() as conn:
        before = {r["slug"]: r["status"] for r in conn.execute("SELECT slug, status FROM vendor")}
    dry = cli("import", str(sheet), "--db", str(demo_kb.path), "--dry-run")
    assert dry.code == 0, dry.out + dry.err
    assert f"Datadog (datadog) status: '{before['datadog']}' -> 'retired'" in dry.out
    assert "new      Brand New (brand-new)" in dry.out
    assert "Honeycomb (honeycomb) name: 'Honeycomb' -> 'Honeycomb.io Observability'" in dry.out
    assert "4 changed fields on 2 vendors" in dry.out
    assert cli("import", str(sheet), "--db", str(demo_kb.path)).code == 0
    assert (
        cli("import", str(sheet), "--db", str(demo_kb.path), "--dry-run")
        .out.strip()
        .endswith("nothing to change.")
    )
    shared = tmp_path / "shared.csv"
    shared.write_text("name,website\nAtlassian,https://www.atlassian.com\n", encoding="utf-8")
    result = cli("import", str(shared), "--db", str(demo_kb.path))
    refused_cleanly(result, "domain atlassian.com belongs to 2 vendors", "id or slug")


@pytest.mark.parametrize(
    ("name", "transform"),
    [
        ("semicolon", lambda rows: _write(rows, delimiter=";")),
        ("tab", lambda rows: _write(rows, delimiter="\t")),
        ("crlf", lambda rows: _write(rows, lineterminator="\r\n")),
        ("lf", lambda rows: _write(rows, lineterminator="\n")),
        ("reversed columns", lambda rows: _write([list(reversed(r)) for r in rows])),
        ("utf-8 bom", lambda rows: "\ufeff" + _write(rows)),
    ],
)
def test_spreadsheet_dialects_read_the_same(
    demo_kb: KnowledgeBase, empty_db: Path, tmp_path: Path, cli, name, transform
) -> None:
    rows = list(csv.reader(io.StringIO(export_csv(cli, demo_kb.path, tmp_path / "a.csv"))))
    variant = tmp_path / "variant.csv"
    variant.write_bytes(transform(rows).encode("utf-8"))
    assert cli("import", str(variant), "--db", str(empty_db)).code == 0
    assert export_csv(cli, empty_db, tmp_path / "b.csv") == (
        (tmp_path / "a.csv").read_bytes().decode("utf-8-sig")
    )


def test_utf16_with_a_bom_is_read(demo_kb: KnowledgeBase, empty_db: Path, tmp_path, cli) -> None:
    text = export_csv(cli, demo_kb.path, tmp_path / "a.csv")
    variant = tmp_path / "unicode.txt"
    variant.write_bytes(text.encode("utf-16"))
    assert cli("import", str(variant), "--db", str(empty_db)).code == 0
    assert export_csv(cli, empty_db, tmp_path / "b.csv") == text


def _write(rows: list[list[str]], **dialect: str) -> str:
    out = io.StringIO(newline="")
    csv.writer(out, **dialect).writerows(rows)
    return out.getvalue()


def test_unknown_header_is_refused_by_name_unless_mapped(
    kb: KnowledgeBase, tmp_path: Path, cli
) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Name,Owner,Notes\nAcme Paging,alice@example.com,whatever\n", encoding="utf-8")
    before = kb.path.read_bytes()
    refused_cleanly(cli("import", str(sheet), "--db", str(kb.path)), "'Owner'", "--map")
    assert kb.path.read_bytes() == before
    result = cli(
        "import", str(sheet), "--db", str(kb.path), "--map", "Owner=lead", "--map", "Notes="
    )
    assert result.code == 0, result.err
    card = kb.card(kb.find_vendor_id("acme-paging"))
    assert [line.person.email for line in card.holders("lead")] == ["alice@example.com"]
    refused_cleanly(
        cli("import", str(sheet), "--db", str(kb.path), "--map", "Owner"), "HEADER=COLUMN"
    )


def test_one_bad_row_imports_nothing_and_names_it(kb: KnowledgeBase, tmp_path, cli) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "name,status,contract_end\r\nGood One,pilot,2027-01-01\r\n"
        'Bad One,"gone\r\nwrong",2027-01-01\r\nAlso Good,production,\r\nWorse,pilot,31/12/2027\r\n',
        encoding="utf-8",
    )
    before = kb.path.read_bytes()
    result = cli("import", str(sheet), "--db", str(kb.path))
    refused_cleanly(result, f"{sheet}:3", "status: must be one of", "1 more row")
    assert kb.path.read_bytes() == before
    dry = cli("import", str(sheet), "--db", str(kb.path), "--dry-run")
    assert dry.code == 1
    assert f"refused  {sheet}:3: status" in dry.out
    assert f"refused  {sheet}:6: contract end: '31/12/2027' is not a date" in dry.out
    assert "2 new vendors" in dry.out and "2 unreadable rows" in dry.out


def test_look_alike_names_are_refused_unless_allowed(kb: KnowledgeBase, tmp_path, cli) -> None:
    kb.add_vendor("Datadog")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text('name\n"DataDog, Inc."\n', encoding="utf-8")
    result = cli("import", str(sheet), "--db", str(kb.path))
    refused_cleanly(result, "looks like the existing vendor 'Datadog'", "--allow-similar")
    assert cli("import", str(sheet), "--db", str(kb.path), "--allow-similar").code == 0
    assert sorted(v.slug for v in kb.vendor_rows()) == ["datadog", "datadog-inc"]


def test_the_same_vendor_twice_in_a_file_is_refused(kb: KnowledgeBase, tmp_path, cli) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("name,slug\nAcme,acme\nAcme Two,acme\n", encoding="utf-8")
    refused_cleanly(
        cli("import", str(sheet), "--db", str(kb.path)), f"{sheet}:3", f"same vendor as {sheet}:2"
    )


def test_lists_replace_roles_and_categories_and_stamp_the_importer(
    kb: KnowledgeBase, tmp_path, cli, monkeypatch
) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "name,slug,lead,backup,data_categories\n"
        "Acme,acme,a@example.com,b@example.com; c@example.com,Logs; Emails\n",
        encoding="utf-8",
    )
    assert cli("import", str(sheet), "--db", str(kb.path)).code == 0
    sheet.write_text(
        "name,slug,lead,data_categories\nAcme,acme,b@example.com,Logs\n", encoding="utf-8"
    )
    monkeypatch.setenv("VENDORTUI_USER", "second@example.com")
    dry = cli("import", str(sheet), "--db", str(kb.path), "--dry-run")
    assert "lead: 'a@example.com' -> 'b@example.com'" in dry.out
    assert "data_categories: 'Emails; Logs' -> 'Logs'" in dry.out
    assert cli("import", str(sheet), "--db", str(kb.path)).code == 0
    card = kb.card(kb.find_vendor_id("acme"))
    assert [line.person.email for line in card.holders("lead")] == ["b@example.com"]
    assert [line.person.email for line in card.holders("backup")] == [
        "b@example.com",
        "c@example.com",
    ]
    assert [c.name for c in card.data_categories] == ["Logs"]
    with kb.db.read() as conn:
        stamps = conn.execute(
            "SELECT DISTINCT updated_by FROM role WHERE deleted_at IS NOT NULL"
            " UNION SELECT DISTINCT updated_by FROM data_category WHERE deleted_at IS NOT NULL"
        ).fetchall()
        creators = conn.execute("SELECT DISTINCT updated_by FROM vendor").fetchall()
    assert [s[0] for s in stamps] == ["second@example.com"]
    assert [c[0] for c in creators] == ["tester@example.com"]


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tlead", "\rx", "'=x", "''+x", "'a"],
)
def test_formula_cells_are_escaped_on_export_and_restored_on_import(
    kb: KnowledgeBase, empty_db: Path, tmp_path: Path, cli, value: str
) -> None:
    kb.add_vendor("Acme", description=value, category=value.strip() or "x")
    text = export_csv(cli, kb.path, tmp_path / "a.csv")
    row = rows_of(text)[0]
    if value.lstrip("'")[:1] in ("=", "+", "-", "@", "\t", "\r"):
        assert row["description"] == "'" + value
    else:
        assert row["description"] == value
    assert cli("import", str(tmp_path / "a.csv"), "--db", str(empty_db)).code == 0
    target = KnowledgeBase.open(empty_db)
    assert target.card(target.find_vendor_id("acme")).vendor.description == value


def test_import_only_undoes_what_export_did() -> None:
    for cell in ("'hello", "it's", "''", "'", "'1", "x=1"):
        assert unescape_formula(cell) == cell
    assert unescape_formula(escape_formula("=1")) == "=1"


def test_renaming_a_slug_to_another_vendors_is_refused_by_row(
    demo_kb: KnowledgeBase, tmp_path: Path, cli
) -> None:
    okta = demo_kb.find_vendor_id("okta")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(f"id,slug\n{okta},sentry\n", encoding="utf-8")
    before = demo_kb.path.read_bytes()
    refused_cleanly(
        cli("import", str(sheet), "--db", str(demo_kb.path)), f"{sheet}:2", "'sentry' is another"
    )
    assert demo_kb.path.read_bytes() == before

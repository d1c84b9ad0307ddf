"""One-line fields: one rule on every write path, and stored values shown escaped everywhere.

Hostile values are planted with plain ``sqlite3`` where a test needs them stored: that is how
they arrive from a sync merge or a file written by an older vendortui, and the one-line rule
refuses them on every vendortui write path.
"""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tests.core.test_cli import vendortui
from vendortui.app.kb import KnowledgeBase
from vendortui.app.validation import RULES, FieldError, clean, text
from vendortui.models import Event, Person, Role, Synced
from vendortui.models.one_line import ONE_LINE_FIELDS, check, one_line_fields, repair

NEWLINE_NAME = "Evil\nCorp\t# Heading *em* [link](http://x) <b>html</b> `code`"
HIDDEN_CHARS = ["\x1b", "\x9b", "\u202e", "\u200b", "\ufeff", "\x00"]


def _plant(path: Path, sql: str, *params: object) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(sql, params)
    conn.close()


def test_every_one_line_field_is_a_column_and_every_line_rule_is_one_line() -> None:
    """The map and the form rules cannot drift apart: each name in ``ONE_LINE_FIELDS`` is a
    text column, and each field validated as a line of text is in the map."""
    import vendortui.models as models

    models.load_all()
    tables = {t.__tablename__: t for t in Synced.__subclasses__()}
    for table, fields in ONE_LINE_FIELDS.items():
        columns = tables[table].__table__.columns
        for field in fields:
            assert str(columns[field].type) == "VARCHAR", f"{table}.{field}"
    line_rule = text().__qualname__
    for table, rules in RULES.items():
        for field, rule in rules.items():
            if rule.__qualname__ == line_rule and not field.endswith("_id"):
                assert field in one_line_fields(table), f"{table}.{field} is validated as a line"


@pytest.mark.parametrize("char", HIDDEN_CHARS, ids=[f"U+{ord(c):04X}" for c in HIDDEN_CHARS])
def test_forms_and_command_line_refuse_hidden_characters_naming_the_field(char: str) -> None:
    for table, field in (("vendor", "name"), ("person", "name"), ("event", "title")):
        with pytest.raises(FieldError, match="invisible character") as caught:
            clean(table, {field: f"Acme{char}Corp"})
        assert caught.value.field == field


def test_whitespace_is_normalised_and_names_are_nfc() -> None:
    assert clean("vendor", {"name": " Acme\tCorp\n\u00a0Inc \u2028"})["name"] == "Acme Corp Inc"
    nfd = unicodedata.normalize("NFD", "Caf\u00e9")
    assert clean("vendor", {"name": nfd})["name"] == "Caf\u00e9"


def test_every_orm_write_path_gets_the_rule(kb: KnowledgeBase) -> None:
    """Services that build rows themselves (checklists, probes, imports) go through the ORM,
    where the rule is a flush hook: normalised, or refused with the field named."""
    vendor = kb.add_vendor("Acme")
    before = kb.path.read_bytes()
    refused = pytest.raises(FieldError, match="title: contains an invisible character")
    with refused, kb.db.write() as session:
        session.add(
            Event(
                vendor_id=vendor.id,
                kind="note",
                occurred_at=datetime.now(UTC),
                title="pwned\u202eexe.txt",
            )
        )
    assert kb.path.read_bytes() == before, "nothing written"
    with kb.db.write() as session:
        session.add(Person(name="Ann\nLee", team="SRE\t"))
    with kb.db.read() as conn:
        assert [tuple(r) for r in conn.execute("SELECT name, team FROM person")] == [
            ("Ann Lee", "SRE")
        ]


def test_an_edit_of_another_field_is_not_refused_for_an_old_stored_value(
    kb: KnowledgeBase,
) -> None:
    from vendortui.models import Vendor

    vendor = kb.add_vendor("Acme")
    _plant(kb.path, "UPDATE vendor SET name = 'Acme\u202e' WHERE id = ?", vendor.id)
    kb.update(Vendor, vendor.id, category="paging")
    assert kb.card(vendor.id).vendor.category == "paging"


@pytest.mark.parametrize(
    "value", ["a\nb", "x\u202ey", "\x1b[31m", "Caf\u0065\u0301", "z\u200b", "\U000e0041"]
)
def test_repair_keeps_what_it_said_and_passes_the_rule(value: str) -> None:
    """For a merged row or an old file, where there is nobody to ask: nothing is lost."""
    repaired = repair(value)
    assert check("name", repaired) == repaired
    for char in value:
        if not char.isprintable() and not char.isspace():
            assert f"\\u{ord(char):04x}" in repaired


def _hostile_kb(kb: KnowledgeBase) -> str:
    """A vendor (no lead, a recent breach, a person, a data category) whose one-line fields
    hold newlines, Markdown, HTML and hidden characters, as a merge could leave them."""
    vendor = kb.add_vendor("Placeholder", status="production")
    person = kb.create(Person, name="Ann")
    kb.create(Role, vendor_id=vendor.id, person_id=person.id, kind="backup")
    kb.create(
        Event, vendor_id=vendor.id, kind="breach", occurred_at=datetime.now(UTC), title="Leak"
    )
    from vendortui.models import DataCategory

    kb.create(DataCategory, vendor_id=vendor.id, name="Emails", pii_level="low")
    hostile = NEWLINE_NAME + "".join(HIDDEN_CHARS)
    for table, column in (
        ("vendor", "name"),
        ("vendor", "category"),
        ("person", "name"),
        ("event", "title"),
        ("data_category", "name"),
    ):
        _plant(kb.path, f"UPDATE {table} SET {column} = ?", hostile)
    _plant(kb.path, "UPDATE runbook SET body = ?", "# Runbook\n<script>alert(1)</script>\n")
    return vendor.slug


def _assert_no_raw_hidden(out: str) -> None:
    for char in [*HIDDEN_CHARS, "\t"]:
        assert char not in out, f"U+{ord(char):04X} printed raw"


def test_stored_newlines_never_break_vendors_or_due(kb: KnowledgeBase) -> None:
    _hostile_kb(kb)
    listing = vendortui("vendors", "--db", str(kb.path))
    assert listing.returncode == 0, listing.stderr
    lines = listing.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Evil\\nCorp\\t# Heading"), lines
    name, slug, status, lead = lines[0].split("\t")
    assert (slug, status, lead) == ("placeholder", "production", "no lead")
    assert "\\u202e" in name and "\\u009b" in name
    due = vendortui("due", "--db", str(kb.path))
    assert due.returncode == 0, due.stderr
    rows = due.stdout.splitlines()
    assert rows and all(
        row.split(" ", 1)[0] in ("overdue", "due", "info", "") for row in rows[:-1]
    ), rows
    assert any("Evil\\nCorp" in row for row in rows)
    _assert_no_raw_hidden(due.stdout)


def test_show_is_markdown_whose_structure_data_cannot_change(kb: KnowledgeBase) -> None:
    slug = _hostile_kb(kb)
    result = vendortui("show", slug, "--db", str(kb.path))
    assert result.returncode == 0, result.stderr
    _assert_no_raw_hidden(result.stdout.replace("\t", ""))
    tokens = MarkdownIt("commonmark").parse(result.stdout)
    headings = [
        tokens[i + 1].content
        for i, tok in enumerate(tokens)
        if tok.type == "heading_open" and tok.tag in ("h1", "h2")
    ]
    assert headings[1:5] == ["People", "Data we send", "SSO", "Contract"]
    assert headings[5].startswith("Runbook (") and headings[6:] == ["Runbook", "Events"]
    assert headings[0].startswith("Evil\\\\nCorp\\\\t\\# Heading")
    assert [h for h in headings if "Heading" in h] == [headings[0]], "data made no heading"
    inline = [child for tok in tokens if tok.children for child in tok.children]
    kinds = {child.type for child in inline} | {tok.type for tok in tokens}
    assert not kinds & {"html_inline", "html_block", "link_open", "em_open", "code_inline"}
    rendered = MarkdownIt("commonmark").render(result.stdout)
    assert "<script>" not in rendered and "<b>" not in rendered
    assert "*em* [link](http://x) &lt;b&gt;html&lt;/b&gt; `code`" in rendered


def test_json_output_escapes_c1_and_bidi_and_round_trips(kb: KnowledgeBase) -> None:
    slug = _hostile_kb(kb)
    for args in (["vendors", "--json"], ["show", slug, "--json"], ["due", "--json"]):
        result = vendortui(*args, "--db", str(kb.path))
        assert result.returncode == 0, result.stderr
        _assert_no_raw_hidden(result.stdout)
        assert "\\u009b" in result.stdout
        stored = NEWLINE_NAME + "".join(HIDDEN_CHARS)
        assert stored in _strings(json.loads(result.stdout)), "parsing gives the stored text"


def _strings(value: object) -> list[object]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value]

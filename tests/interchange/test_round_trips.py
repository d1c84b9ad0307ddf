"""Round trips with generated data (hypothesis): JSON is lossless (the dump of a knowledge
base equals the dump of its export imported into an empty one); CSV and Backstage keep every
field they carry (import, export, import elsewhere, export: the same rows)."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vendortui.app.db import Database
from vendortui.app.interchange import csv_format
from vendortui.app.interchange.records import COLUMN_NAMES, join_list
from vendortui.app.interchange.service import export_to, import_file
from vendortui.app.kb import KnowledgeBase
from vendortui.app.sync.dump import dump
from vendortui.models import DataCategory, Event, Person, Role
from vendortui.models.enums import EventKind, PiiLevel, RiskTier, SsoProtocol, Status
from vendortui.models.one_line import normalise

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_TEMPLATE = Path(tempfile.mkdtemp(prefix="interchange-template-")) / "empty.db"
Database.open(_TEMPLATE).close()


def empty_kb(folder: Path, name: str) -> KnowledgeBase:
    """A migrated empty knowledge base (a copy: migrating for every example is slow)."""
    shutil.copyfile(_TEMPLATE, folder / name)
    return KnowledgeBase.open(folder / name)


one_line_text = (
    st.text(
        st.characters(
            blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"),
        ),
        min_size=1,
        max_size=40,
    )
    .map(normalise)
    .filter(bool)
)
formula_prefixed = (
    st.builds(
        lambda head, tail: head + tail,
        st.sampled_from(["=", "+", "-", "@", "'", "''=", ""]),
        one_line_text,
    )
    .map(normalise)
    .filter(bool)
)
free_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=80
)
"""Descriptions: any text, line breaks, controls and bidi included, except NUL, which a CSV
file cannot hold (JSON and YAML write it escaped)."""
emails = st.lists(
    st.from_regex(r"[a-z][a-z0-9.]{0,8}@[a-z]{1,8}\.(com|org)", fullmatch=True),
    max_size=2,
    unique=True,
)
days = st.one_of(st.none(), st.dates(date(2000, 1, 1), date(2040, 12, 31)))

records = st.lists(
    st.fixed_dictionaries(
        {
            "name": st.one_of(one_line_text, formula_prefixed),
            "category": one_line_text.filter(lambda s: len(s) <= 60) | st.just(""),
            "status": st.sampled_from([s.value for s in Status]),
            "risk_tier": st.sampled_from([s.value for s in RiskTier]),
            "sso_protocol": st.sampled_from([s.value for s in SsoProtocol]),
            "scim": st.sampled_from(["yes", "no"]),
            "webauthn_enforced": st.sampled_from(["yes", "no"]),
            "sso_requires_upgrade": st.sampled_from(["yes", "no"]),
            "mfa_methods": st.sampled_from(["", "totp", "webauthn, totp", "-sms"]),
            "contract_start": days,
            "notice_days": st.one_of(st.just(""), st.integers(0, 3650).map(str)),
            "lead": emails,
            "backup": emails,
            "data_categories": st.lists(one_line_text, max_size=3, unique=True),
            "description": free_text,
        }
    ),
    min_size=1,
    max_size=4,
)


def _csv_rows(generated: list[dict]) -> list[dict[str, str]]:
    """Generated vendors as record rows; every name gets a slug of its own."""
    rows = []
    for index, item in enumerate(generated):
        row = dict.fromkeys(COLUMN_NAMES, "")
        row |= {
            **item,
            "slug": f"v{index}",
            "contract_start": item["contract_start"].isoformat() if item["contract_start"] else "",
            "lead": join_list(item["lead"]),
            "backup": join_list(item["backup"]),
            "data_categories": join_list(item["data_categories"]),
        }
        rows.append(row)
    return rows


def _imported(folder: Path, generated: list[dict]) -> KnowledgeBase:
    """A knowledge base holding the generated vendors, imported from a CSV file."""
    source = folder / "in.csv"
    with source.open("w", encoding="utf-8", newline="") as out:
        csv_format.write(_csv_rows(generated), out)
    kb = empty_kb(folder, "first.db")
    import_file(kb.db, source, "csv", allow_similar=True)
    return kb


def _export(kb: KnowledgeBase, fmt: str, path: Path) -> str:
    export_to(kb.db, fmt, path)
    return path.read_bytes().decode("utf-8-sig")


@SETTINGS
@given(generated=records)
def test_csv_keeps_every_field_it_carries(generated: list[dict]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        first = _imported(folder, generated)
        exported = _export(first, "csv", folder / "first.csv")
        rows, problems = csv_format.read(exported, "first.csv", {})
        assert not problems
        for item, row in zip(
            generated, sorted(rows, key=lambda r: int(r.values["slug"][1:])), strict=True
        ):
            values = row.values
            assert values["name"] == item["name"]
            assert values["description"] == item["description"]
            assert values["category"] == item["category"]
            for column in ("status", "risk_tier", "sso_protocol", "scim", "notice_days"):
                assert values[column] == item[column]
            assert values["lead"] == join_list(item["lead"])
            assert values["backup"] == join_list(item["backup"])
            assert values["data_categories"] == join_list(sorted(item["data_categories"]))
        second = empty_kb(folder, "second.db")
        import_file(second.db, folder / "first.csv", "csv")
        assert _export(second, "csv", folder / "second.csv") == exported
        assert import_file(second.db, folder / "first.csv", "csv").empty


@SETTINGS
@given(generated=records)
def test_backstage_keeps_every_field_it_carries(generated: list[dict]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        first = _imported(folder, generated)
        catalog = folder / "catalog.yaml"
        export_to(first.db, "backstage", catalog)
        assert catalog.read_bytes().isascii()
        second = empty_kb(folder, "second.db")
        import_file(second.db, catalog, "backstage")
        assert _export(second, "csv", folder / "b.csv") == _export(first, "csv", folder / "a.csv")
        assert import_file(second.db, catalog, "backstage").empty


@SETTINGS
@given(
    generated=records,
    events=st.lists(
        st.tuples(st.sampled_from(list(EventKind)), one_line_text, free_text), max_size=3
    ),
    deleted=st.booleans(),
)
def test_json_is_lossless(generated: list[dict], events: list, deleted: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        kb = empty_kb(folder, "source.db")
        ids = []
        for index, item in enumerate(generated):
            vendor = kb.add_vendor(
                item["name"],
                allow_similar=True,
                slug=f"v{index}",
                description=item["description"],
                status=item["status"],
                contract_start=item["contract_start"],
            )
            ids.append(vendor.id)
            for address in item["lead"]:
                person = kb.create(Person, name=address, email=address, team=item["category"])
                kb.create(Role, vendor_id=vendor.id, person_id=person.id, kind="lead")
            for name in item["data_categories"]:
                kb.create(
                    DataCategory, vendor_id=vendor.id, name=name, pii_level=PiiLevel.HIGH.value
                )
        for kind, title, body in events:
            kb.create(
                Event,
                vendor_id=ids[0],
                kind=kind.value,
                occurred_at="2026-01-02 03:04",
                title=title,
                body=body,
            )
        if deleted:
            kb.delete(type(kb.card(ids[-1]).vendor), ids[-1])
        export_to(kb.db, "json", folder / "kb.json")
        target = empty_kb(folder, "target.db")
        import_file(target.db, folder / "kb.json", "json")
        assert dump(target.path) == dump(kb.path)
        assert import_file(target.db, folder / "kb.json", "json").empty

"""An imported vendor is stored exactly as one made through the knowledge-base service.

The import writes plain SQL in bulk (``interchange.apply``), not ORM objects, so nothing but
this test holds it to the forms the ORM writes: the same columns, defaults, value types
(flags, dates, times), stamps by the importing user and UUIDv7 ids. On both backends.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from vendortui.app.db import Database
from vendortui.app.interchange.records import COLUMN_NAMES
from vendortui.app.interchange.service import import_file
from vendortui.app.kb import KnowledgeBase
from vendortui.models import DataCategory, Person, Role

pytestmark = pytest.mark.both_backends

FIELDS: dict[str, Any] = {
    "category": "observability",
    "status": "production",
    "risk_tier": "high",
    "rollout_stage": "wave 2",
    "rollout_percent": 40,
    "sso_protocol": "saml",
    "sso_requires_upgrade": True,
    "scim": True,
    "mfa_methods": "totp, webauthn",
    "webauthn_enforced": False,
    "contract_start": date(2026, 1, 1),
    "contract_end": date(2027, 1, 31),
    "notice_days": 60,
    "review_cadence_days": 90,
    "description": "First line\nsecond line",
    "termination_data": "",
}
CATEGORIES = ("Application logs", "Customer PII")
STAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}")
"""A time as both backends' read path gives it: naive UTC with microseconds."""


def _as_cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def by_hand(kb: KnowledgeBase, word: str) -> str:
    """A vendor with a lead, a backup and data categories, made as the TUI's forms make it;
    ``word`` is in its name, website and people's addresses."""
    vendor = kb.add_vendor(f"Acme {word.title()}", website=f"https://{word}.example/app", **FIELDS)
    for kind in ("lead", "backup"):
        email = f"{kind}@{word}.example"
        person = kb.create(Person, name=email, email=email)
        kb.create(Role, vendor_id=vendor.id, person_id=person.id, kind=kind)
    for category in CATEGORIES:
        kb.create(DataCategory, vendor_id=vendor.id, name=category)
    return vendor.id


def by_import(db: Database, folder: Path, word: str) -> None:
    """The same vendor as one CSV row, imported (a new vendor: the row gives no id or slug,
    and its name and website are new)."""
    row = {name: "" for name in COLUMN_NAMES}
    row |= {column: _as_cell(value) for column, value in FIELDS.items()}
    row |= {
        "name": f"Acme {word.title()}",
        "website": f"https://{word}.example/app",
        "lead": f"lead@{word}.example",
        "backup": f"backup@{word}.example",
        "data_categories": "; ".join(CATEGORIES),
    }
    path = folder / "one.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, COLUMN_NAMES)
        writer.writeheader()
        writer.writerow(row)
    import_file(db, path, "csv")


def family(db: Database, word: str) -> list[str]:
    """The rows of the vendor ``by_hand`` or ``by_import`` made, its runbook's, roles',
    people's and data categories', as read, with ids, times and ``word`` as placeholders."""
    vendor_id = KnowledgeBase(db).find_vendor_id(f"acme-{word}")
    queries = (
        ("vendor", "id = ?"),
        ("runbook", "vendor_id = ?"),
        ("role", "vendor_id = ?"),
        ("person", "id IN (SELECT person_id FROM role WHERE vendor_id = ?)"),
        ("data_category", "vendor_id = ?"),
    )
    ids: dict[str, str] = {}
    out = []
    with db.read() as conn:
        for table, where in queries:
            cursor = conn.execute(f"SELECT * FROM {table} WHERE {where}", [vendor_id])
            names = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                values = dict(zip(names, row, strict=True))
                for key in ("id", "vendor_id", "person_id"):
                    if key in values:
                        assert str(values[key])[14] == "7", f"{table}.{key} is a UUIDv7"
                        values[key] = ids.setdefault(values[key], f"<id {len(ids)}>")
                for key in ("created_at", "updated_at"):
                    assert STAMP.fullmatch(values[key]), (table, key, values[key])
                    values[key] = "<time>"
                shown = repr(sorted(values.items())).replace(word, "<word>")
                out.append(f"{table} {shown.replace(word.title(), '<Word>')}")
    return sorted(out)


def test_imported_vendor_is_stored_as_one_made_by_hand(kb: KnowledgeBase, tmp_path: Path) -> None:
    by_hand(kb, "hand")
    by_import(kb.db, tmp_path, "bulk")
    hand_rows, bulk_rows = family(kb.db, "hand"), family(kb.db, "bulk")
    assert len(hand_rows) == 1 + 1 + 2 + 2 + len(CATEGORIES)
    assert bulk_rows == hand_rows
    assert "'updated_by', 'tester@example.com'" in bulk_rows[0]

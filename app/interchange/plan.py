"""What an import will do, decided before anything is written.

A ``Plan`` holds the rows to insert, the fields to update (each stamped with the importing
user and time, so the change syncs like a hand edit) and, for the person reading a dry run,
the new vendors, the changed fields (old -> new) and the rows that cannot be read.
``plan_records`` builds one from CSV or Backstage records; ``tables.plan_tables`` from JSON.

Values go through ``app.validation`` (the rules a form uses, the one-line rule included) and
new vendors follow ``KnowledgeBase.add_vendor``: a slug unique among live vendors, a runbook
from the template, and look-alike names refused unless ``--allow-similar``. A row that carries
a vendortui id is a vendor exported from a knowledge base, where its name was already accepted
(or confirmed as another vendor), so it is not asked again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from vendortui.app.interchange.matching import Known
from vendortui.app.interchange.records import (
    FLAGS,
    ROLE_COLUMNS,
    VENDOR_FIELDS,
    Record,
    join_list,
    split_list,
)
from vendortui.app.interchange.source import Problem
from vendortui.app.validation import (
    RULES,
    FieldError,
    LookAlikeError,
    Rule,
    check_together,
    email,
    text,
)
from vendortui.models.ids import new_id
from vendortui.models.rules import look_alike_key, slugify


@dataclass(frozen=True)
class Change:
    """One field of one row that the import changes."""

    where: str
    label: str
    field: str
    old: str
    new: str


@dataclass
class Plan:
    """Every write of one import, and what a person is shown about it."""

    who: str
    now: datetime
    new: list[tuple[str, str]] = field(default_factory=list)
    """(where, label) of each vendor (or, for JSON, row) the import adds."""
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: int = 0
    """Entities of the file that are not vendors (other Backstage kinds)."""
    inserts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    updates: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def insert(self, table: str, values: dict[str, Any], *, stamped: bool = True) -> str:
        """Queue a new row (stamped now by the importing user unless it keeps its own)."""
        row = {"id": values.get("id") or new_id(), **values}
        if stamped:
            row["created_at"] = row["updated_at"] = self.now
            row["updated_by"] = self.who
        self.inserts.setdefault(table, []).append(row)
        return str(row["id"])

    def update(self, table: str, row_id: str, values: dict[str, Any]) -> None:
        """Queue changed fields of a row, stamped now by the importing user."""
        self.updates.append(
            (table, row_id, {**values, "updated_at": self.now, "updated_by": self.who})
        )

    def tombstone(self, table: str, row_id: str) -> None:
        """Queue the deletion of a row (a tombstone, as a hand delete)."""
        self.update(table, row_id, {"deleted_at": self.now})

    @property
    def empty(self) -> bool:
        """True when the import would write nothing."""
        return not self.inserts and not self.updates


def as_text(value: Any, name: str = "") -> str:
    """A stored or cleaned value as a record shows it, for comparing and for old -> new."""
    if value is None:
        return ""
    if name in FLAGS or isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def valid_id(value: str) -> bool:
    """A row id as vendortui writes them: canonical lower-case UUID text."""
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


_OWNER = text(max_len=80)
_CATEGORY = text(required=True)
_VENDOR_RULES = RULES["vendor"]


_MISSING = object()
_EDITABLE = {column: name for column, name in VENDOR_FIELDS.items() if name != "id"}

Memo = dict[tuple[str, str], Any]
"""(field, text) -> the rule's result, for one import: a spreadsheet repeats its statuses,
tiers, categories and dates thousands of times, and the rules are pure functions."""


def _remembered(memo: Memo, field: str, value: str, rule: Rule) -> Any:
    """``rule(field, value)``, from ``memo`` when this value was checked before."""
    key = (field, value)
    out = memo.get(key, _MISSING)
    if out is _MISSING:
        out = memo[key] = rule(field, value)
    return out


@dataclass
class _Row:
    """One record, validated."""

    record: Record
    vendor_id: str
    values: dict[str, Any]
    lists: dict[str, list[str]]
    team: str


def _validated(record: Record, memo: Memo) -> _Row:
    """The record's fields through the vendor rules (``validation.clean``'s, each field's and
    then those that span fields); ``FieldError`` names the first bad one."""
    raw = record.values
    vendor_id = raw.get("id", "").strip()
    if vendor_id and not valid_id(vendor_id):
        raise FieldError("id", f"{vendor_id[:60]!r} is not a vendortui id; leave it empty")
    values: dict[str, Any] = {}
    for column, value in raw.items():
        name = _EDITABLE.get(column)
        if name is None or (name == "slug" and not value.strip()):
            continue
        key = (name, value)
        out = memo.get(key, _MISSING)
        if out is _MISSING:  # _remembered, inlined: this runs for every cell of the file
            out = memo[key] = _VENDOR_RULES[name](name, value)
        values[name] = out
    check_together("vendor", values)
    lists: dict[str, list[str]] = {}
    for column in ("lead", "backup", "data_categories"):
        if column in raw:
            items = split_list(raw[column])
            rule = email if column in ROLE_COLUMNS else _CATEGORY
            lists[column] = [_remembered(memo, column, item, rule) for item in items]
    team = _remembered(memo, "owner", record.team, _OWNER)
    return _Row(record, vendor_id, values, lists, team)


def plan_records(
    known: Known, records: list[Record], *, who: str, now: datetime, allow_similar: bool
) -> Plan:
    """The plan for CSV or Backstage records against what the knowledge base holds."""
    from vendortui.app.kb import runbook_template

    plan = Plan(who=who, now=now)
    seen: dict[str, str] = {}
    new_people: dict[str, str] = {}
    template: str | None = None
    memo: Memo = {}
    for record in records:
        try:
            row = _validated(record, memo)
        except FieldError as exc:
            plan.problems.append(Problem(record.where, str(exc)))
            continue
        values = row.values
        explicit = "slug" in values
        slug = values.get("slug") or slugify(values.get("name", ""))
        name_key = look_alike_key(values.get("name", ""))
        vendor_id, ambiguous = known.match(
            row.vendor_id, slug, explicit, name_key, values.get("website", "")
        )
        if ambiguous:
            plan.problems.append(Problem(record.where, ambiguous))
            continue
        if vendor_id in seen:
            plan.problems.append(
                Problem(
                    record.where, f"describes the same vendor as {seen[vendor_id]}; keep one row"
                )
            )
            continue
        if vendor_id is None:
            problem = _new_vendor_problem(known, row, slug, explicit, name_key, allow_similar)
            if problem:
                plan.problems.append(Problem(record.where, problem))
                continue
            if template is None:
                template = runbook_template()
            vendor_id = _add_vendor(plan, known, row, slug, explicit, name_key, template)
            label = f"{values['name']} ({known.vendors[vendor_id]['slug']})"
            plan.new.append((record.where, label))
            current: dict[str, Any] = {}
        else:
            current = known.vendors[vendor_id]
            label = f"{current['name']} ({current['slug']})"
            changed = {  # equal values (most, in a re-import) show as equal text too
                name: value
                for name, value in values.items()
                if value != current.get(name)
                and as_text(value, name) != as_text(current.get(name), name)
            }
            owner = known.by_slug.get(changed.get("slug", ""), vendor_id)
            if owner != vendor_id:
                plan.problems.append(
                    Problem(record.where, f"slug: {changed['slug']!r} is another vendor's")
                )
                continue
            if changed:
                plan.update("vendor", vendor_id, changed)
                plan.changes.extend(
                    Change(record.where, label, name, as_text(current.get(name), name), as_text(v))
                    for name, v in changed.items()
                )
        seen[vendor_id] = record.where
        _plan_lists(plan, known, row, vendor_id, label, new_people, fresh=not current)
    return plan


def _new_vendor_problem(
    known: Known, row: _Row, slug: str, explicit: bool, name_key: str, allow_similar: bool
) -> str | None:
    """Why the record cannot become a new vendor, or None."""
    values = row.values
    if "name" not in values:
        return "is not a vendor vendortui has, and a new vendor needs a name"
    if row.vendor_id and row.vendor_id in known.every_vendor_id:
        return (
            f"the vendor {row.vendor_id} was deleted; clear the id to add it again as a new vendor"
        )
    if explicit and slug in known.by_slug:
        return f"slug: {slug!r} is already used by another vendor"
    similar = known.look_alikes.get(name_key)
    if similar and not allow_similar and not row.vendor_id:
        return (
            f"{LookAlikeError(values['name'], similar)}; give its id or slug to update it, or "
            "import with --allow-similar to add another vendor"
        )
    return None


def _add_vendor(
    plan: Plan, known: Known, row: _Row, slug: str, explicit: bool, name_key: str, template: str
) -> str:
    """Queue a new vendor and its runbook; its slug is unique as ``add_vendor`` makes it."""
    base, n = slug, 2
    while not explicit and slug in known.by_slug:
        slug, n = f"{base}-{n}", n + 1
    values = {**row.values, "slug": slug}
    if row.vendor_id:
        values["id"] = row.vendor_id
    vendor_id = plan.insert("vendor", values)
    known.add_vendor({**values, "id": vendor_id}, name_key)
    plan.insert("runbook", {"vendor_id": vendor_id, "body": template})
    return vendor_id


def _plan_lists(
    plan: Plan,
    known: Known,
    row: _Row,
    vendor_id: str,
    label: str,
    new_people: dict[str, str],
    *,
    fresh: bool,
) -> None:
    """Roles (lead, backup) and data categories as the list columns say.

    A present list column is the whole list: what it lacks is deleted (a tombstone). Roles of
    people without an e-mail are not in the column and are left alone.
    """
    where = row.record.where
    for kind in ROLE_COLUMNS:
        if kind not in row.lists:
            continue
        wanted = list(dict.fromkeys(item.lower() for item in row.lists[kind]))
        holders = known.roles.get((vendor_id, kind), [])
        have = [e for _, e in holders]
        if set(wanted) == set(have):
            continue
        for role_id, held in holders:
            if held not in wanted:
                plan.tombstone("role", role_id)
        for address in wanted:
            if address in have:
                continue
            person_id = known.people.get(address) or new_people.get(address)
            if person_id is None:
                original = next(i for i in row.lists[kind] if i.lower() == address)
                team = row.team if kind == "lead" else ""
                person_id = plan.insert(
                    "person", {"name": original, "email": original, "team": team}
                )
                new_people[address] = person_id
            plan.insert("role", {"vendor_id": vendor_id, "person_id": person_id, "kind": kind})
        if not fresh:
            plan.changes.append(Change(where, label, kind, join_list(have), join_list(wanted)))
    if "data_categories" in row.lists:
        wanted = list(dict.fromkeys(row.lists["data_categories"]))
        have_names = known.categories.get(vendor_id, {})
        if set(wanted) == set(have_names):
            return
        for name, category_id in have_names.items():
            if name not in wanted:
                plan.tombstone("data_category", category_id)
        for name in wanted:
            if name not in have_names:
                plan.insert("data_category", {"vendor_id": vendor_id, "name": name})
        if not fresh:
            plan.changes.append(
                Change(
                    where,
                    label,
                    "data_categories",
                    join_list(sorted(have_names)),
                    join_list(sorted(wanted)),
                )
            )

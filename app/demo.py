"""Loading the demo knowledge base from ``seed_data/demo/`` (YAML vendors, Markdown runbooks).

Dates in the seed files may be relative (``today-12d``, ``today+45d``) so the demo always has
something due, recent and overdue whatever day it is loaded. Loading is one transaction and
idempotent: a vendor whose slug already exists is skipped, and people are matched by e-mail.
A bad file raises inside the transaction, so nothing is loaded.

Rows go through ``app.sql_writes.rows_writer``: stdlib ``sqlite3`` on a file (a new demo
knowledge base within 3x ``vendortui --version``, issue 11), the ORM on a team server; the
same values either way (``tests/core/test_demo.py`` loads it both ways and compares).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from importlib.resources import files
from typing import TYPE_CHECKING, Any

import yaml

from vendortui.app.checklists.records import current_stage
from vendortui.app.checklists.service import run_rows
from vendortui.app.errors import KbError
from vendortui.app.sql_writes import RowWriter, rows_writer
from vendortui.app.validation import FieldError, clean
from vendortui.models.enums import ItemState, RunStatus
from vendortui.models.ids import new_id, utcnow

if TYPE_CHECKING:
    from vendortui.app.checklists.templates import Catalog, Template
    from vendortui.app.kb import KnowledgeBase

DEMO_NOTE = "Recorded when the demo knowledge base was loaded."
_RELATIVE = re.compile(r"^today(?:([+-])(\d+)d)?$")


def seed_date(value: Any, today: date) -> date | None:
    """A seed-file date: ISO, ``today``, ``today-12d`` or ``today+45d``; empty is ``None``."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _RELATIVE.match(str(value).strip())
    if match:
        sign, days = match.groups()
        offset = int(days or 0) * (-1 if sign == "-" else 1)
        return today + timedelta(days=offset)
    return date.fromisoformat(str(value))


def _moment(day: date | None) -> datetime | None:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC) if day else None


def _loader() -> type[yaml.SafeLoader]:
    """libyaml's safe loader when PyYAML was built with it (the 15 vendor files in 9 ms of
    CPU against 79 ms), else the pure-Python one: the same documents."""
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _vendor_files() -> list[Any]:
    folder = files("vendortui.seed_data").joinpath("demo", "vendors")
    return sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)


def _invalid(name: str, exc: BaseException) -> KbError:
    return KbError(f"The demo file {name} is invalid ({exc}); nothing was loaded.")


def _missing_specs(existing_slugs: set[str]) -> list[tuple[str, dict[str, Any]]]:
    """The parsed vendor files whose slug is not live yet, as (file name, document)."""
    specs = []
    for source in _vendor_files():
        try:
            spec = yaml.load(source.read_text(encoding="utf-8"), Loader=_loader())
            if spec["slug"] not in existing_slugs:
                specs.append((source.name, spec))
        except (KeyError, TypeError, ValueError, yaml.YAMLError, OSError) as exc:
            # ValueError: YAML refuses an impossible date (2026-02-30) with one.
            raise _invalid(source.name, exc) from None
    return specs


def load_demo(kb: KnowledgeBase, today: date | None = None) -> int:
    """Add the demo vendors that are not there yet, in one transaction; returns how many
    were added. With nothing to add nothing is written (and no table model is loaded)."""
    with kb.db.read() as conn:
        slugs = {r[0] for r in conn.execute("SELECT slug FROM vendor WHERE deleted_at IS NULL")}
        people = {
            r[0].lower(): r[1]
            for r in conn.execute(
                "SELECT email, id FROM person WHERE deleted_at IS NULL AND email != '' "
                "ORDER BY created_at"
            )
        }
    specs = _missing_specs(slugs)
    if not specs:
        return 0
    catalog = kb.checklists.catalog()
    today = today or date.today()
    now = utcnow()
    # Every file is read through a writer that stores nothing before a row is written: a bad
    # seed file is named and nothing is written, and an error of the writing itself is not
    # mistaken for a bad file.
    for name, spec in specs:
        try:
            _add_vendor(_Dry(), spec, dict(people), catalog, today, now)
        except (KeyError, ValueError, TypeError, OSError, FieldError) as exc:
            raise _invalid(name, exc) from None
    with rows_writer(kb.db) as rows:
        runs = [
            run for _, spec in specs for run in _add_vendor(rows, spec, people, catalog, today, now)
        ]
        # After every vendor, as the ids always came: a run's rows are newer than all vendors'.
        for run in runs:
            add_run(rows, **run)
    return len(specs)


class _Dry(RowWriter):
    """A writer that stores nothing: ``load_demo`` reads every seed file through it first."""

    def __init__(self) -> None:
        super().__init__("")

    def insert(self, table: str, values: Mapping[str, Any], moment: datetime) -> str:
        return new_id()


def _add_vendor(
    rows: RowWriter,
    spec: dict[str, Any],
    people_by_email: dict[str, str],
    catalog: Catalog,
    today: date,
    now: datetime,
) -> list[dict[str, Any]]:
    """Insert one vendor file's vendor, people (matched by e-mail), roles, data categories,
    events, runbook and probes, all stamped ``now``; returns its checklist runs, to add once
    every vendor is in."""
    sso, contract = spec.get("sso") or {}, spec.get("contract") or {}
    values = clean(
        "vendor",
        {
            "name": spec["name"],
            "slug": spec["slug"],
            "category": spec.get("category", ""),
            "status": spec.get("status", "evaluating"),
            "rollout_stage": spec.get("rollout_stage") or "",
            "rollout_percent": spec.get("rollout_percent"),
            "risk_tier": spec.get("risk_tier", "medium"),
            "website": spec.get("website", ""),
            "extra_domains": ", ".join(spec.get("extra_domains") or []),
            "description": spec.get("description", ""),
            "sso_protocol": sso.get("protocol", "none"),
            "scim": sso.get("scim", False),
            "mfa_methods": ", ".join(sso.get("mfa_methods") or []),
            "webauthn_enforced": sso.get("webauthn_enforced", False),
            "sso_requires_upgrade": sso.get("sso_requires_upgrade", False),
            "contract_start": seed_date(contract.get("start"), today),
            "contract_end": seed_date(contract.get("end"), today),
            "notice_days": contract.get("notice_days"),
            "termination_data": contract.get("termination_data", ""),
            "review_cadence_days": spec.get("review_cadence_days"),
        },
    )
    vendor_id = rows.insert("vendor", values, now)
    for p in spec.get("people") or []:
        email = (p.get("email") or "").lower()
        person_id = people_by_email.get(email) if email else None
        if person_id is None:
            person = clean(
                "person",
                {k: p.get(k, "") for k in ("name", "email", "phone", "chat", "team")}
                | {"organisation": p.get("organisation", ""), "active": p.get("active", True)},
            )
            person_id = rows.insert("person", person, now)
            if email:
                people_by_email[email] = person_id
        for r in p.get("roles") or []:
            role = {
                "vendor_id": vendor_id,
                "person_id": person_id,
                "kind": r["kind"],
                "team": r.get("team", ""),
                "note": r.get("note", ""),
            }
            rows.insert("role", clean("role", role), now)
    for c in spec.get("data_categories") or []:
        rows.insert("data_category", clean("data_category", {"vendor_id": vendor_id, **c}), now)
    for e in spec.get("events") or []:
        occurred = _moment(seed_date(e.get("occurred_at"), today))
        event = clean("event", {"vendor_id": vendor_id, **e, "occurred_at": occurred})
        rows.insert("event", event, now)
    if rb := spec.get("runbook"):
        runbooks = files("vendortui.seed_data").joinpath("demo", "runbooks")
        runbook = {
            "vendor_id": vendor_id,
            "body": runbooks.joinpath(rb["file"]).read_text(encoding="utf-8"),
            "verified_at": _moment(seed_date(rb.get("verified_at"), today)),
            "verified_by": rb.get("verified_by", ""),
            "verify_interval_days": rb.get("verify_interval_days") or 90,
        }
        rows.insert("runbook", runbook, now)
    for probe in spec.get("probes") or []:
        config = {
            "vendor_id": vendor_id,
            "name": probe["name"],
            "kind": probe["kind"],
            "issuer": probe.get("issuer", ""),
            "metadata_url": probe.get("metadata_url", ""),
        }
        rows.insert("probe_config", config, now)
    return [
        {
            "vendor_id": vendor_id,
            "template": catalog.get(run["template"]),
            "started": _moment(seed_date(run.get("started"), today)) or now,
            "completed": _moment(seed_date(run.get("completed"), today)),
            "done_items": list(run.get("done_items") or []),
        }
        for run in spec.get("checklist_runs") or []
    ]


def add_run(
    rows: RowWriter,
    vendor_id: str,
    template: Template,
    started: datetime,
    completed: datetime | None,
    done_items: list[str],
) -> str:
    """Insert a run as if walked in the past (stamped ``started``), its items and a tick per
    item done (stamped when it was done), from the same ``run_rows`` as ``checklist start``.
    ``done_items`` are item keys ticked done (a completed run has every item done); items
    that need a note or link get a demo one, so the demo obeys the same rules as a walk."""
    known = {item.key for _, item in template.items()}
    unknown = sorted(set(done_items) - known)
    if unknown:
        raise KbError(f"The demo names items {unknown} that {template.key!r} does not have.")
    who, when = rows.who, completed or started
    run, items = run_rows(vendor_id, template, started, who)
    done = [completed is not None or item["item_key"] in done_items for item in items]
    for item, is_done in zip(items, done, strict=True):
        if is_done:
            item |= {
                "state": ItemState.DONE,
                "state_by": who,
                "state_at": when,
                "note": DEMO_NOTE if item["needs_note"] else "",
                "evidence_url": (
                    f"https://example.com/evidence/{item['item_key']}"
                    if item["needs_evidence"]
                    else ""
                ),
            }
    stages = [section.key for section in template.stages]
    if completed is not None:
        run |= {
            "status": RunStatus.COMPLETED,
            "completed_at": completed,
            "completed_by": who,
            "current_stage": "",
            "stage_entered_at": None,
        }
    elif stages:
        states = (
            (item["section_key"], item["required"], item.get("state", ItemState.OPEN))
            for item in items
        )
        stage = current_stage(states, stages)
        run |= {"current_stage": stage, "stage_entered_at": when if stage else None}
    run_id = rows.insert("checklist_run", run, started)
    item_ids = [
        rows.insert("checklist_item", {"run_id": run_id, **item}, started) for item in items
    ]
    for item, item_id, is_done in zip(items, item_ids, done, strict=True):
        if is_done:
            tick = {
                "run_id": run_id,
                "item_id": item_id,
                "state": item["state"],
                "note": item["note"],
                "evidence_url": item["evidence_url"],
            }
            rows.insert("checklist_tick", tick, when)
    return run_id

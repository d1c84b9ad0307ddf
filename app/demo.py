"""Loading the demo knowledge base from ``seed_data/demo/`` (YAML vendors, Markdown runbooks).

Dates in the seed files may be relative (``today-12d``, ``today+45d``) so the demo always has
something due, recent and overdue whatever day it is loaded. Loading is one transaction and
idempotent: a vendor whose slug already exists is skipped, and people are matched by e-mail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib.resources import files
from typing import TYPE_CHECKING, Any

import yaml

from vendortui.app.errors import KbError
from vendortui.app.identity import current_user
from vendortui.app.validation import clean
from vendortui.models.ids import utcnow

if TYPE_CHECKING:
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


@dataclass
class DemoPlan:
    """What one load will insert, built before any write so a bad file changes nothing."""

    rows: list[Any] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)
    vendors: int = 0


def _vendor_files() -> list[Any]:
    folder = files("vendortui.seed_data").joinpath("demo", "vendors")
    return sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)


def _plan(existing_slugs: set[str], people_by_email: dict[str, str], today: date) -> DemoPlan:
    plan = DemoPlan()
    now, who = utcnow(), current_user()
    stamp = {"created_at": now, "updated_at": now, "updated_by": who}
    runbooks = files("vendortui.seed_data").joinpath("demo", "runbooks")
    for source in _vendor_files():
        try:
            spec = yaml.safe_load(source.read_text(encoding="utf-8"))
            if spec["slug"] in existing_slugs:
                continue
            # Only once a vendor is missing: a second ``demo`` adds nothing and never needs
            # SQLModel (issue 11's bench).
            from vendortui.models import (
                DataCategory,
                Event,
                Person,
                ProbeConfig,
                Role,
                Runbook,
                Vendor,
            )

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
            vendor = Vendor(**values, **stamp)
            plan.rows.append(vendor)
            plan.vendors += 1
            for p in spec.get("people") or []:
                email = (p.get("email") or "").lower()
                person_id = people_by_email.get(email) if email else None
                if person_id is None:
                    person = Person(
                        **clean(
                            "person",
                            {k: p.get(k, "") for k in ("name", "email", "phone", "chat", "team")}
                            | {
                                "organisation": p.get("organisation", ""),
                                "active": p.get("active", True),
                            },
                        ),
                        **stamp,
                    )
                    plan.rows.append(person)
                    person_id = person.id
                    if email:
                        people_by_email[email] = person_id
                for r in p.get("roles") or []:
                    plan.rows.append(
                        Role(
                            **clean(
                                "role",
                                {
                                    "vendor_id": vendor.id,
                                    "person_id": person_id,
                                    "kind": r["kind"],
                                    "team": r.get("team", ""),
                                    "note": r.get("note", ""),
                                },
                            ),
                            **stamp,
                        )
                    )
            for c in spec.get("data_categories") or []:
                plan.rows.append(
                    DataCategory(**clean("data_category", {"vendor_id": vendor.id, **c}), **stamp)
                )
            for e in spec.get("events") or []:
                occurred = _moment(seed_date(e.get("occurred_at"), today))
                plan.rows.append(
                    Event(
                        **clean("event", {"vendor_id": vendor.id, **e, "occurred_at": occurred}),
                        **stamp,
                    )
                )
            if rb := spec.get("runbook"):
                body = runbooks.joinpath(rb["file"]).read_text(encoding="utf-8")
                plan.rows.append(
                    Runbook(
                        vendor_id=vendor.id,
                        body=body,
                        verified_at=_moment(seed_date(rb.get("verified_at"), today)),
                        verified_by=rb.get("verified_by", ""),
                        verify_interval_days=rb.get("verify_interval_days") or 90,
                        **stamp,
                    )
                )
            for probe in spec.get("probes") or []:
                plan.rows.append(
                    ProbeConfig(
                        vendor_id=vendor.id,
                        name=probe["name"],
                        kind=probe["kind"],
                        issuer=probe.get("issuer", ""),
                        metadata_url=probe.get("metadata_url", ""),
                        **stamp,
                    )
                )
            for run in spec.get("checklist_runs") or []:
                plan.runs.append(
                    {
                        "vendor_id": vendor.id,
                        "template_key": run["template"],
                        "started": _moment(seed_date(run.get("started"), today)) or now,
                        "completed": _moment(seed_date(run.get("completed"), today)),
                        "done_items": list(run.get("done_items") or []),
                    }
                )
        except (KeyError, ValueError, TypeError, yaml.YAMLError, OSError) as exc:
            raise KbError(
                f"The demo file {source.name} is invalid ({exc}); nothing was loaded."
            ) from None
    return plan


def load_demo(kb: KnowledgeBase, today: date | None = None) -> int:
    """Add the demo vendors that are not there yet; returns how many were added."""
    with kb.db.read() as conn:
        slugs = {r[0] for r in conn.execute("SELECT slug FROM vendor WHERE deleted_at IS NULL")}
        people = {
            r[0].lower(): r[1]
            for r in conn.execute(
                "SELECT email, id FROM person WHERE deleted_at IS NULL AND email != '' "
                "ORDER BY created_at"
            )
        }
    plan = _plan(slugs, people, today or date.today())
    if not plan.vendors:
        return 0
    with kb.db.write() as session:
        for row in plan.rows:
            session.add(row)
            session.flush()
    for run in plan.runs:
        add_demo_run(kb, **run)
    return plan.vendors


def add_demo_run(
    kb: KnowledgeBase,
    vendor_id: str,
    template_key: str,
    started: datetime,
    completed: datetime | None,
    done_items: list[str],
) -> str:
    """A checklist run as if walked in the past, for the demo; returns its id.

    ``done_items`` are item keys ticked done (a completed run has every item done). Items
    that need a note or link get a demo one, so the demo obeys the same rules as a walk.
    """
    from vendortui.app.checklists.records import current_stage
    from vendortui.app.checklists.service import add_run, live_vendor, load_tables

    load_tables()
    from vendortui.models import ChecklistTick
    from vendortui.models.enums import ItemState, RunStatus

    template = kb.checklists.catalog().get(template_key)
    known = {item.key for _, item in template.items()}
    unknown = sorted(set(done_items) - known)
    if unknown:
        raise KbError(f"The demo names items {unknown} that {template_key!r} does not have.")
    who, when = current_user(), completed or started
    with kb.db.write() as session:
        live_vendor(session, vendor_id)
        run, items = add_run(session, vendor_id, template, started, who)
        for item in items:
            if completed is not None or item.item_key in done_items:
                item.state, item.state_by, item.state_at = ItemState.DONE, who, when
                item.note = DEMO_NOTE if item.needs_note else ""
                item.evidence_url = (
                    f"https://example.com/evidence/{item.item_key}" if item.needs_evidence else ""
                )
                session.add(
                    ChecklistTick(
                        run_id=run.id,
                        item_id=item.id,
                        state=item.state,
                        note=item.note,
                        evidence_url=item.evidence_url,
                        created_at=when,
                        updated_at=when,
                        updated_by=who,
                    )
                )
        stages = [section.key for section in template.stages]
        if completed is not None:
            run.status, run.completed_at, run.completed_by = RunStatus.COMPLETED, completed, who
            run.current_stage, run.stage_entered_at = "", None
        elif stages:
            stage = current_stage(((i.section_key, i.required, i.state) for i in items), stages)
            run.current_stage, run.stage_entered_at = stage, when if stage else None
    return run.id

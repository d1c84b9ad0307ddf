"""The vendor card as text: Markdown for people and screen readers, a dict for JSON.

Used by ``vendortui show``; the TUI draws the same ``VendorCard`` with widgets. Control
sequences are stripped from every value, since the card may be printed to a terminal.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from vendortui.app.kb import RoleLine, VendorCard, age
from vendortui.app.text import strip_control
from vendortui.models.rules import review_cadence


def _contact(line: RoleLine) -> str:
    p = line.person
    bits = [p.email, p.phone, p.chat]
    reach = ", ".join(b for b in bits if b)
    extra = f" ({line.role.team})" if line.role.team else ""
    inactive = " [inactive]" if not p.active else ""
    org = f", {p.organisation}" if p.organisation else ""
    return strip_control(f"{p.name}{extra}{org}{inactive}" + (f" - {reach}" if reach else ""))


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def status_text(status: str, stage: str, percent: int | None) -> str:
    """``rolling out (canary, 5%)`` or just ``production``."""
    text = status.replace("_", " ")
    detail = ", ".join(x for x in (stage, f"{percent}%" if percent is not None else "") if x)
    return f"{text} ({detail})" if detail and status == "rolling_out" else text


def card_markdown(card: VendorCard) -> str:
    """The whole card as Markdown."""
    v = card.vendor
    out = [f"# {strip_control(v.name)} ({v.slug})", ""]
    if v.description:
        out += [strip_control(v.description), ""]
    out += [
        f"- Status: {status_text(v.status, v.rollout_stage, v.rollout_percent)}",
        f"- Risk tier: {v.risk_tier} (review every {review_cadence(v.risk_tier, v.review_cadence_days)} days)",  # noqa: E501
        f"- Category: {strip_control(v.category) or '-'}",
    ]
    if v.website:
        out.append(f"- Website: {strip_control(v.website)}")
    out += ["", "## People", ""]
    for kind, label in (
        ("lead", "Lead"),
        ("backup", "Backup lead"),
        ("power_user", "Power user"),
        ("security_contact", "Security contact"),
        ("vendor_contact", "Vendor contact"),
    ):
        holders = card.holders(kind)
        if holders:
            out += [f"- {label}: {_contact(line)}" for line in holders]
        elif kind in ("lead", "backup"):
            out.append(f"- {label}: NONE")
    out += ["", "## Data we send", ""]
    out += [
        f"- {strip_control(c.name)}: PII {c.pii_level}, "
        f"{'fields encrypted' if c.encrypted else 'not encrypted'}"
        for c in card.data_categories
    ] or ["- none recorded"]
    out += [
        "",
        "## SSO",
        "",
        f"- Protocol: {v.sso_protocol}; SCIM: {_yes(v.scim)}",
        f"- MFA methods: {strip_control(v.mfa_methods) or '-'}",
        f"- WebAuthn enforced for us: {_yes(v.webauthn_enforced)}",
        f"- SSO needs a higher plan: {_yes(v.sso_requires_upgrade)}",
        "",
        "## Contract",
        "",
        f"- Start: {v.contract_start or '-'}; end: {v.contract_end or '-'}; "
        f"notice: {v.notice_days if v.notice_days is not None else '-'} days",
        f"- Cancel by: {card.cancel_by or '-'}",
        f"- Our data at termination: {strip_control(v.termination_data) or '-'}",
    ]
    if card.runbook:
        rb = card.runbook
        verified = (
            f"verified {age(rb.verified_at)} by {strip_control(rb.verified_by)}"
            if rb.verified_at
            else "never verified"
        )
        out += ["", f"## Runbook ({verified})", "", strip_control(rb.body).rstrip()]
    if card.events:
        out += ["", "## Events", ""]
        out += [
            f"- {e.occurred_at.date()} {e.kind.replace('_', ' ')}: {strip_control(e.title)}"
            for e in card.events
        ]
    return "\n".join(out) + "\n"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def card_json(card: VendorCard) -> dict[str, Any]:
    """The card as a JSON-ready dict (ids, fields, people, data, events)."""
    v = card.vendor
    vendor = v.model_dump(mode="json")
    return {
        **vendor,
        "cancel_by": _iso(card.cancel_by),
        "review_cadence_days": card.review_cadence_days,
        "people": [
            {
                "role": line.role.kind,
                "team": line.role.team,
                **line.person.model_dump(
                    mode="json",
                    include={"id", "name", "email", "phone", "chat", "organisation", "active"},
                ),
            }
            for line in card.roles
        ],
        "data_categories": [c.model_dump(mode="json") for c in card.data_categories],
        "events": [e.model_dump(mode="json") for e in card.events],
        "runbook": card.runbook.model_dump(mode="json") if card.runbook else None,
    }

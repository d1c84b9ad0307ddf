"""The vendor card as text: Markdown for people and screen readers, a dict for JSON.

Used by ``vendortui show``; the TUI draws the same ``VendorCard`` with widgets. The Markdown
is built from data, so every value goes through ``app.text``: one-line fields with
``markdown_line`` (a name can neither break a line nor become a heading, a link or HTML), free
text with ``markdown_text``, the runbook (Markdown by design) with ``markdown_source``; hidden
characters are shown escaped, since the card may be printed to a terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from vendortui.app.kb import RoleLine, VendorCard, age
from vendortui.app.text import clip, markdown_line, markdown_source, markdown_text
from vendortui.models.rules import review_cadence


def _contact(line: RoleLine) -> str:
    p = line.person
    bits = [p.email, p.phone, p.chat]
    reach = ", ".join(markdown_line(b) for b in bits if b)
    extra = f" ({markdown_line(line.role.team)})" if line.role.team else ""
    inactive = " (inactive)" if not p.active else ""
    org = f", {markdown_line(p.organisation)}" if p.organisation else ""
    return f"{markdown_line(p.name)}{extra}{org}{inactive}" + (f" - {reach}" if reach else "")


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def status_text(status: str, stage: str, percent: int | None) -> str:
    """``rolling out (canary, 5%)`` or just ``production``."""
    text = status.replace("_", " ")
    detail = ", ".join(x for x in (stage, f"{percent}%" if percent is not None else "") if x)
    return f"{text} ({detail})" if detail and status == "rolling_out" else text


TEXT_SHOWN = 20_000
"""Characters of a multi-line field (description, runbook) that ``show`` prints unless asked
for everything: a pasted 5 MB log must not flood the terminal."""


def _long(text: str, full: bool, render: Callable[[str], str]) -> str:
    """A multi-line field, cut at ``TEXT_SHOWN`` characters with a note unless ``full``."""
    head, left = (text, 0) if full else clip(text, TEXT_SHOWN)
    shown = render(head).rstrip()
    if left:
        shown += f"\n\n(… {left} more characters; `vendortui show --full` prints them)"
    return shown


def _list_item_text(text: str) -> str:
    """Free text inside a list item: continuation lines indented so they stay in the item."""
    return markdown_text(text).replace("\n", "\n  ")


def card_markdown(card: VendorCard, *, full: bool = False) -> str:
    """The whole card as Markdown; long text cut (``TEXT_SHOWN``) unless ``full``."""
    v = card.vendor
    out = [f"# {markdown_line(v.name)} ({markdown_line(v.slug)})", ""]
    if v.description:
        out += [_long(v.description, full, markdown_text), ""]
    out += [
        f"- Status: {markdown_line(status_text(v.status, v.rollout_stage, v.rollout_percent))}",
        f"- Risk tier: {markdown_line(v.risk_tier)} (review every {review_cadence(v.risk_tier, v.review_cadence_days)} days)",  # noqa: E501
        f"- Category: {markdown_line(v.category) or '-'}",
    ]
    if v.website:
        out.append(f"- Website: {markdown_line(v.website)}")
    if v.extra_domains:
        out.append(f"- Extra domains: {markdown_line(v.extra_domains)}")
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
        f"- {markdown_line(c.name)}: PII {markdown_line(c.pii_level)}, "
        f"{'fields encrypted' if c.encrypted else 'not encrypted'}"
        for c in card.data_categories
    ] or ["- none recorded"]
    out += [
        "",
        "## SSO",
        "",
        f"- Protocol: {markdown_line(v.sso_protocol)}; SCIM: {_yes(v.scim)}",
        f"- MFA methods: {markdown_line(v.mfa_methods) or '-'}",
        f"- WebAuthn enforced for us: {_yes(v.webauthn_enforced)}",
        f"- SSO needs a higher plan: {_yes(v.sso_requires_upgrade)}",
        "",
        "## Contract",
        "",
        f"- Start: {v.contract_start or '-'}; end: {v.contract_end or '-'}; "
        f"notice: {v.notice_days if v.notice_days is not None else '-'} days",
        f"- Cancel by: {card.cancel_by or '-'}",
        f"- Our data at termination: {_long(v.termination_data, full, _list_item_text) or '-'}",
    ]
    if card.runbook:
        rb = card.runbook
        verified = (
            f"verified {age(rb.verified_at)} by {markdown_line(rb.verified_by)}"
            if rb.verified_at
            else "never verified"
        )
        out += ["", f"## Runbook ({verified})", "", _long(rb.body, full, markdown_source)]
    if card.events:
        out += ["", "## Events", ""]
        out += [
            f"- {e.occurred_at.date()} {markdown_line(e.kind.replace('_', ' '))}: "
            f"{markdown_line(e.title)}"
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

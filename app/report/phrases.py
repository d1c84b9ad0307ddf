"""The report's sentences, shared by the Markdown and HTML renderers.

Each function returns plain text built from stored values; the renderer escapes the whole
phrase for its format (``app.text.markdown_line``, ``html.escape`` after ``one_line``), so a
phrase never needs to know where it is printed.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from vendortui.app.report.inventory import (
    DataCategory,
    OpenRun,
    Person,
    ProbeResult,
    VendorEntry,
)

if TYPE_CHECKING:
    from vendortui.app.public_data.check import VendorPublic

NONE = "none"
NOT_LISTED = "not in the public datasets"
ATLAS_WORDS = {"TRUE": "available", "FALSE": "not offered", "UPGRADE": "with an upgrade"}
"""The Auto-Provisioning Atlas's flags in words (``UNKNOWN`` and others lower-cased)."""


def tier_title(tier: str) -> str:
    """``critical`` -> ``Critical risk``."""
    return f"{tier.replace('_', ' ').capitalize()} risk"


def person(who: Person) -> str:
    """``Ada Lovelace <ada@example.com>``, marked when the person is inactive."""
    text = f"{who.name} <{who.email}>" if who.email else who.name
    return text if who.active else f"{text} (inactive)"


def people(group: list[Person]) -> str:
    """Every person of one role, or ``none`` (which an auditor needs to see)."""
    return "; ".join(person(who) for who in group) or NONE


def data_category(cat: DataCategory) -> str:
    """``Application logs (PII high, encrypted)``."""
    return f"{cat.name} (PII {cat.pii_level}, {'encrypted' if cat.encrypted else 'not encrypted'})"


def posture(entry: VendorEntry) -> list[str]:
    """What the team recorded about SSO, SCIM, MFA and WebAuthn."""
    sso = entry.sso_protocol or NONE
    if entry.sso_requires_upgrade:
        sso += " (needs a plan upgrade)"
    return [
        f"SSO: {sso}",
        f"SCIM: {'yes' if entry.scim else 'no'}",
        f"MFA: {entry.mfa_methods or NONE}",
        f"WebAuthn enforced: {'yes' if entry.webauthn_enforced else 'no'}",
    ]


def public_summary(public: VendorPublic, today: date) -> str:
    """One line of what the datasets list (security keys, passkeys, SSO surcharge, SCIM) and
    each finding's reason, with the age of the oldest data used."""
    facts = public.facts
    said: list[str] = []
    if facts.twofa is not None:
        said.append("security keys offered" if facts.twofa.keys else "no security keys listed")
    if facts.passkeys is not None:
        said.append(f"passkeys {facts.passkeys.describe()}")
    for price in facts.sso_prices:
        said.append(f"SSO surcharge {price.percent_increase} (sso.tax)")
    if facts.provisioning is not None:
        scim = facts.provisioning.scim_provisioning
        said.append(f"SCIM {ATLAS_WORDS.get(scim, scim.lower())} (atlas)")
    if not said:
        return NOT_LISTED
    dated = [f.fact for f in public.findings] + [
        fact.fact
        for fact in (facts.twofa, facts.passkeys, facts.provisioning, *facts.sso_prices)
        if fact is not None
    ]
    oldest = min(dated, key=lambda fact: fact.as_of)
    text = "; ".join(said) + f" (data from {oldest.dated(today)})"
    if public.findings:
        text += ". " + " ".join(finding.why for finding in public.findings)
    return text


def public(entry: VendorEntry) -> str:
    """What public data says (``public_summary``), or that the vendor is not listed."""
    return entry.public_posture or NOT_LISTED


def review(entry: VendorEntry) -> str:
    """``last 2026-03-28, next due 2027-03-28``."""
    last = entry.last_review.isoformat() if entry.last_review else "never"
    due = entry.next_review.isoformat() if entry.next_review else f"not owed ({entry.status})"
    return f"last {last}, next due {due}"


def open_run(run: OpenRun) -> str:
    """``Annual review: 12 of 20 items open, 2 blocked``."""
    text = f"{run.title}: {run.open_items} of {run.total_items} items open"
    return f"{text}, {run.blocked_items} blocked" if run.blocked_items else text


def probe(result: ProbeResult) -> str:
    """``Okta OIDC: pass, 2026-12-01 10:00 UTC`` or ``never ran``."""
    if result.outcome is None or result.started_at is None:
        return f"{result.name}: never ran"
    return f"{result.name}: {result.outcome}, {result.started_at:%Y-%m-%d %H:%M} UTC"

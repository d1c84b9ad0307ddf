"""The report's sentences, shared by the Markdown and HTML renderers.

Each function returns plain text built from stored values; the renderer escapes the whole
phrase for its format (``app.text.markdown_line``, ``html.escape`` after ``one_line``), so a
phrase never needs to know where it is printed.
"""

from __future__ import annotations

from vendortui.app.report.inventory import (
    DataCategory,
    OpenRun,
    Person,
    ProbeResult,
    VendorEntry,
)

NONE = "none"
NOT_CHECKED = "not checked"


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


def public(entry: VendorEntry) -> str:
    """What public data says, or that it was not checked."""
    return entry.public_posture or NOT_CHECKED


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

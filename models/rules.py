"""Pure rules over vendor data: dates that fall due and what counts as needing attention.

Kept free of I/O so the home screen, `vendortui due` and the tests share one definition.
"""

from __future__ import annotations

from datetime import date, timedelta

from vendortui.models.enums import RiskTier

REVIEW_CADENCE_DAYS: dict[str, int] = {
    RiskTier.CRITICAL: 180,
    RiskTier.HIGH: 365,
    RiskTier.MEDIUM: 365,
    RiskTier.LOW: 730,
}
"""Default annual-review cadence by risk tier; a vendor's own ``review_cadence_days`` wins."""

CANCEL_BY_WARNING_DAYS = 60
RECENT_EVENT_DAYS = 30


def cancel_by(contract_end: date | None, notice_days: int | None) -> date | None:
    """The last day to give notice: contract end minus the notice period."""
    if contract_end is None:
        return None
    return contract_end - timedelta(days=notice_days or 0)


def review_cadence(risk_tier: str, override_days: int | None) -> int:
    """Days between annual reviews for a vendor of this tier."""
    if override_days:
        return override_days
    return REVIEW_CADENCE_DAYS.get(risk_tier, 365)


def slugify(name: str) -> str:
    """A short, stable, URL-safe handle from a name: ``"New Relic, Inc."`` -> ``new-relic-inc``."""
    out: list[str] = []
    for ch in name.lower():
        if ch.isascii() and ch.isalnum():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-") or "vendor"

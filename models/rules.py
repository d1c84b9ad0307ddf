"""Pure rules over vendor data: dates that fall due and what counts as needing attention.

Kept free of I/O so the home screen, `vendortui due` and the tests share one definition.
"""

from __future__ import annotations

import re
import unicodedata
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


def _without_accents(text: str) -> str:
    """Compatibility-decomposed (NFKD) with the combining marks removed: ``Café`` -> ``Cafe``."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def slugify(name: str) -> str:
    """A short, stable, URL-safe handle from a name: ``"New Relic, Inc."`` -> ``new-relic-inc``,
    ``"Café"`` -> ``cafe`` (accents dropped, not the letter)."""
    out: list[str] = []
    for ch in _without_accents(name).lower():
        if ch.isascii() and ch.isalnum():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-") or "vendor"


_CONFUSABLE = str.maketrans(
    {
        **dict.fromkeys("\u0430\u03b1\u0251", "a"),
        **dict.fromkeys("\u0432\u03b2", "b"),
        **dict.fromkeys("\u0441\u03f2", "c"),
        **dict.fromkeys("\u0501", "d"),
        **dict.fromkeys("\u0435\u03b5\u0451", "e"),
        **dict.fromkeys("\u0261", "g"),
        **dict.fromkeys("\u04bb\u043d", "h"),
        **dict.fromkeys("\u04561l\u03b9\u04cf|i", "l"),
        **dict.fromkeys("\u0458", "j"),
        **dict.fromkeys("\u043a\u03ba", "k"),
        **dict.fromkeys("\u043c", "m"),
        **dict.fromkeys("\u043e0\u03bf\u03c3", "o"),
        **dict.fromkeys("\u0440\u03c1", "p"),
        **dict.fromkeys("\u0455", "s"),
        **dict.fromkeys("\u0442\u03c4", "t"),
        **dict.fromkeys("\u03bd\u0475", "v"),
        **dict.fromkeys("\u051d", "w"),
        **dict.fromkeys("\u0445\u03c7", "x"),
        **dict.fromkeys("\u0443\u03b3", "y"),
    }
)
"""Letters from other scripts (and digits) drawn like a Latin letter, written as escapes so
this file shows no look-alikes itself; ``i``, ``l``, ``1`` and ``|`` count as one letter, as
many fonts make them."""

_LEGAL_SUFFIXES = frozenset(
    word.translate(_CONFUSABLE)
    for word in [
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "llp",
        "corp",
        "corporation",
        "co",
        "company",
        "gmbh",
        "ag",
        "sa",
        "sas",
        "bv",
        "nv",
        "plc",
        "oy",
        "ab",
        "as",
        "srl",
        "spa",
        "pty",
    ]
)


def look_alike_key(name: str) -> str:
    """What a name looks like, for telling when a new vendor may be an existing one: accents,
    case, punctuation, spacing, look-alike letters from other scripts and a trailing legal
    form (``Inc.``, ``GmbH``) make no difference. ``"Café, Inc."``, ``"cafe"`` and
    ``"C\u0430fe"`` (Cyrillic ``a``) share a key."""
    words = re.findall(r"[^\W_]+|\|", _without_accents(name).casefold().translate(_CONFUSABLE))
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    return "".join(words)

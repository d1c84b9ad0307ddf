"""What the public datasets say about one vendor, as plain values (no I/O).

``PublicFacts`` is what the card's panel shows and what the cross-check reads; a security
report can print it as is. Each fact carries its source key, the domain it was matched on and
the date of the data, so every line can say where it comes from and how old it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

STALE_DAYS = 365
"""Public data older than this is flagged: prices and sign-in options change within a year."""

METHOD_LABELS = {
    "u2f": "security keys (WebAuthn)",
    "totp": "TOTP app",
    "sms": "SMS",
    "call": "phone call",
    "email": "e-mail",
    "custom-software": "vendor's app",
    "custom-hardware": "vendor's hardware token",
}
"""2fa.directory's method ids as a reader says them (``u2f`` means FIDO/WebAuthn keys)."""


def method_label(method: str) -> str:
    """A 2fa.directory method id in words (an unknown id is shown as it is)."""
    return METHOD_LABELS.get(method, method)


@dataclass(frozen=True, slots=True)
class Fact:
    """Where one dataset's entry came from: source key, matched domain, date of the data."""

    source: str
    domain: str
    as_of: date
    url: str = ""
    """The entry's documentation or pricing page, when the dataset gives one."""

    def age_days(self, today: date) -> int:
        """Days since the data's date (0 if the date is after ``today``: a frozen clock)."""
        return max(0, (today - self.as_of).days)

    def stale(self, today: date) -> bool:
        """Older than ``STALE_DAYS``."""
        return self.age_days(today) > STALE_DAYS

    def age(self, today: date) -> str:
        """``4 months old``, ``3 years old``."""
        days = self.age_days(today)
        if days >= 730:
            return f"{days // 365} years old"
        if days >= 60:
            return f"{days // 30} months old"
        return f"{days} day{'s' if days != 1 else ''} old"

    def dated(self, today: date) -> str:
        """``2026-08-04, 4 months old``; ``; stale: ...`` added when over a year."""
        stale = "; stale: check the vendor's page" if self.stale(today) else ""
        return f"{self.as_of.isoformat()}, {self.age(today)}{stale}"


@dataclass(frozen=True, slots=True)
class TwoFactor:
    """2fa.directory: the 2FA methods a site offers (empty: listed as offering none)."""

    fact: Fact
    methods: tuple[str, ...]

    @property
    def keys(self) -> bool:
        """Security keys (FIDO U2F / WebAuthn) are offered."""
        return "u2f" in self.methods


@dataclass(frozen=True, slots=True)
class Passkeys:
    """Passkeys directory: passkeys as a second factor and/or instead of the password."""

    fact: Fact
    mfa: str
    """``allowed``, ``required`` or empty (not offered as MFA)."""
    passwordless: str

    def describe(self) -> str:
        """``as MFA (allowed), passwordless (allowed)``."""
        uses = [f"{label} ({value})" for label, value in
                (("as MFA", self.mfa), ("passwordless", self.passwordless)) if value]  # fmt: skip
        return ", ".join(uses) or "listed without a use"


_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")


@dataclass(frozen=True, slots=True)
class SsoPrice:
    """sso.tax: the price of SSO against the base plan, as published."""

    fact: Fact
    name: str
    base_pricing: str
    sso_pricing: str
    percent_increase: str
    """As published: ``66%``, ``167%+``, ``???``."""

    @property
    def percent(self) -> float | None:
        """The published increase as a number, None when sso.tax does not know it."""
        match = _PERCENT.search(self.percent_increase)
        return float(match.group(1)) if match else None


@dataclass(frozen=True, slots=True)
class Provisioning:
    """Auto-Provisioning Atlas: SAML/SCIM/JIT/OIDC as TRUE, FALSE, UPGRADE or UNKNOWN."""

    fact: Fact
    name: str
    saml: str
    scim_provisioning: str
    scim_deprovisioning: str
    jit: str
    google_oidc: str
    microsoft_oidc: str


@dataclass(frozen=True, slots=True)
class PublicFacts:
    """Everything the datasets say about one vendor (None / empty: not listed)."""

    domains: tuple[str, ...]
    twofa: TwoFactor | None = None
    passkeys: Passkeys | None = None
    sso_prices: tuple[SsoPrice, ...] = field(default=())
    provisioning: Provisioning | None = None

    @property
    def listed(self) -> bool:
        """Whether any dataset knows the vendor."""
        return bool(self.twofa or self.passkeys or self.sso_prices or self.provisioning)

    @property
    def keys(self) -> bool | None:
        """Security keys or passkeys available (True), known absent (False), unknown (None)."""
        if (self.twofa and self.twofa.keys) or (
            self.passkeys and (self.passkeys.mfa or self.passkeys.passwordless)
        ):
            return True
        return False if self.twofa is not None else None

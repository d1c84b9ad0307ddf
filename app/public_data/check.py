"""The cross-check: where what the team recorded about a vendor disagrees with public data, or
public data shows a better option, each with the reason and what to do.

Pure: a ``Posture`` (what we recorded) and ``PublicFacts`` in, ``Finding``s out; ``today`` is
passed in, so ages are testable. ``vendor_public`` is the one call a report needs: a vendor's
facts and findings together.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from vendortui.app.public_data.domains import vendor_domains
from vendortui.app.public_data.facts import Fact, PublicFacts, method_label
from vendortui.app.public_data.sources import SOURCES

if TYPE_CHECKING:
    from vendortui.app.public_data.datasets import Datasets

STRONG_METHOD = re.compile(r"webauthn|u2f|fido|passkey|security.?key|yubi|hardware.?key")
"""Recorded MFA methods that are phishing-resistant keys (the field is free text)."""


@dataclass(frozen=True, slots=True)
class Posture:
    """What the team recorded about a vendor's sign-in, as the cross-check reads it."""

    vendor_id: str
    name: str
    website: str = ""
    extra_domains: str = ""
    sso_protocol: str = "none"
    scim: bool = False
    mfa_methods: str = ""
    webauthn_enforced: bool = False
    sso_requires_upgrade: bool = False

    @classmethod
    def of(cls, vendor: Any) -> Posture:
        """From anything with the vendor's columns as attributes (a model, a card ``Record``)."""
        return cls(
            vendor.id,
            vendor.name,
            vendor.website or "",
            getattr(vendor, "extra_domains", "") or "",
            vendor.sso_protocol or "none",
            bool(vendor.scim),
            vendor.mfa_methods or "",
            bool(vendor.webauthn_enforced),
            bool(vendor.sso_requires_upgrade),
        )

    @property
    def domains(self) -> list[str]:
        return vendor_domains(self.website, self.extra_domains)

    @property
    def methods(self) -> list[str]:
        """The recorded MFA methods, lower case (``security key`` stays one method)."""
        return [m.strip() for m in re.split(r"[,;/]+", self.mfa_methods.lower()) if m.strip()]


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing public data says about what we recorded."""

    code: str
    """``webauthn_no_keys``, ``keys_unused``, ``sso_surcharge``, ``scim_available``, ..."""
    kind: str
    """``disagree`` (our record contradicts the data) or ``better`` (a better option exists)."""
    why: str
    todo: str
    fact: Fact

    def stale(self, today: date) -> bool:
        """The data behind the finding is over a year old."""
        return self.fact.stale(today)

    def as_json(self, today: date) -> dict[str, object]:
        """The ``public-check --json`` object of this finding."""
        return {
            "code": self.code,
            "kind": self.kind,
            "why": self.why,
            "todo": self.todo,
            "source": self.fact.source,
            "domain": self.fact.domain,
            "as_of": self.fact.as_of.isoformat(),
            "age_days": self.fact.age_days(today),
            "stale": self.stale(today),
            "url": self.fact.url,
        }


def _cite(fact: Fact, today: date) -> str:
    return f"{SOURCES[fact.source].title} ({fact.domain}, {fact.dated(today)})"


Rule = Callable[[Posture, PublicFacts, date], Iterable[Finding]]


def webauthn_without_keys(p: Posture, facts: PublicFacts, today: date) -> Iterable[Finding]:
    """WebAuthn marked enforced, but the vendor offers no security keys or passkeys."""
    if p.webauthn_enforced and facts.keys is False and facts.twofa is not None:
        offered = ", ".join(method_label(m) for m in facts.twofa.methods) or "no 2FA at all"
        yield Finding(
            "webauthn_no_keys",
            "disagree",
            f"WebAuthn is marked enforced, but {_cite(facts.twofa.fact, today)} lists no "
            f"security keys or passkeys (offers: {offered})",
            "Check the vendor's sign-in settings: if keys are not offered, unmark WebAuthn "
            "enforced and ask the vendor for FIDO2 support.",
            facts.twofa.fact,
        )


def keys_unused(p: Posture, facts: PublicFacts, today: date) -> Iterable[Finding]:
    """The vendor offers security keys or passkeys, but the team allows only weaker methods."""
    methods = p.methods
    if not methods or p.webauthn_enforced or facts.keys is not True:
        return
    if any(STRONG_METHOD.search(m) for m in methods):
        return
    source = facts.twofa if facts.twofa and facts.twofa.keys else facts.passkeys
    if source is None:
        return
    fact = source.fact
    yield Finding(
        "keys_unused",
        "better",
        f"We allow only {', '.join(methods)}, but {_cite(fact, today)} lists security keys "
        "or passkeys",
        "Turn on security keys or passkeys for the team, then consider enforcing WebAuthn "
        "(phishing-resistant).",
        fact,
    )


def sso_surcharge(p: Posture, facts: PublicFacts, today: date) -> Iterable[Finding]:
    """SSO recorded as included in our plan, but sso.tax lists a surcharge for it."""
    if p.sso_protocol == "none" or p.sso_requires_upgrade or not facts.sso_prices:
        return
    for price in facts.sso_prices[:3]:
        percent = price.percent_increase or "an unknown amount"
        prices = f"{price.base_pricing} -> {price.sso_pricing}".strip(" ->")
        yield Finding(
            "sso_surcharge",
            "disagree",
            f"SSO is recorded as included, but {_cite(price.fact, today)} lists SSO for "
            f"{price.name} at +{percent.lstrip('+')} over the base plan ({prices})",
            "Check which plan we pay for: if SSO costs extra, mark 'SSO needs higher plan' "
            "and plan for it at renewal.",
            price.fact,
        )


_AVAILABLE = {"TRUE": "available", "UPGRADE": "available on a higher plan"}


def provisioning(p: Posture, facts: PublicFacts, today: date) -> Iterable[Finding]:
    """SCIM and SAML: recorded no but the atlas says available (or by upgrade), or the
    other way round."""
    atlas = facts.provisioning
    if atlas is None:
        return
    cite = _cite(atlas.fact, today)
    if not p.scim and atlas.scim_provisioning in _AVAILABLE:
        yield Finding(
            "scim_available",
            "better",
            f"SCIM is marked no, but the {cite} says SCIM provisioning is "
            f"{_AVAILABLE[atlas.scim_provisioning]}",
            "Ask the vendor about SCIM so leavers lose access automatically; if we have it, "
            "mark SCIM yes.",
            atlas.fact,
        )
    if p.scim and atlas.scim_provisioning == "FALSE":
        yield Finding(
            "scim_not_listed",
            "disagree",
            f"SCIM is marked yes, but the {cite} says the vendor has no SCIM provisioning",
            "Check how accounts are really provisioned and correct the SCIM field.",
            atlas.fact,
        )
    if p.sso_protocol == "none" and atlas.saml in _AVAILABLE:
        yield Finding(
            "saml_available",
            "better",
            f"No SSO is recorded, but the {cite} says SAML is {_AVAILABLE[atlas.saml]}",
            "Put the vendor behind our identity provider with SAML, or record why not.",
            atlas.fact,
        )
    if p.sso_protocol == "saml" and atlas.saml == "FALSE":
        yield Finding(
            "saml_not_listed",
            "disagree",
            f"SAML SSO is recorded, but the {cite} says the vendor has no SAML",
            "Check how people really sign in and correct the SSO protocol.",
            atlas.fact,
        )


RULES: list[Rule] = [webauthn_without_keys, keys_unused, sso_surcharge, provisioning]


def findings(posture: Posture, facts: PublicFacts, today: date) -> list[Finding]:
    """Every finding for one vendor, disagreements first."""
    found = [f for rule in RULES for f in rule(posture, facts, today)]
    found.sort(key=lambda f: f.kind != "disagree")
    return found


@dataclass(frozen=True, slots=True)
class VendorPublic:
    """A vendor's public facts and findings: what the panel, ``public-check`` and a report
    show."""

    posture: Posture
    facts: PublicFacts
    findings: list[Finding]

    def as_json(self, today: date) -> dict[str, object]:
        """The ``public-check --json`` object of one vendor."""
        return {
            "vendor_id": self.posture.vendor_id,
            "vendor": self.posture.name,
            "domains": list(self.facts.domains),
            "listed": self.facts.listed,
            "findings": [f.as_json(today) for f in self.findings],
        }


def vendor_public(posture: Posture, datasets: Datasets, today: date) -> VendorPublic:
    """What the world knows about one vendor and what it says about our record."""
    facts = datasets.facts(posture.domains)
    return VendorPublic(posture, facts, findings(posture, facts, today))

"""Small datasets built in memory, so each cross-check rule is tested on exactly the facts it
reads (the shipped snapshots change with every upstream release)."""

from __future__ import annotations

from typing import Any

from vendortui.app.public_data.datasets import Datasets, Loaded
from vendortui.app.public_data.snapshot import Snapshot

DAY = "2026-08-04"


def make_datasets(
    twofa: dict[str, Any] | None = None,
    passkeys: dict[str, Any] | None = None,
    sso: list[dict[str, Any]] | None = None,
    atlas: list[dict[str, Any]] | None = None,
    day: str = DAY,
) -> Datasets:
    """Datasets holding only the given entries, all dated ``day`` (sso.tax entries carry
    their own ``updated_at``)."""
    entries = {
        "2fa": {"by_domain": twofa or {}},
        "passkeys": {"by_domain": passkeys or {}},
        "sso-tax": {"items": sso or []},
        "atlas": {"items": atlas or []},
    }
    return Datasets({k: Loaded(Snapshot(k, day, "", "", v), "") for k, v in entries.items()})


def twofa(*methods: str, doc: str = "https://example.com/2fa") -> dict[str, Any]:
    return {"methods": list(methods), "documentation": doc}


def price(domain: str, percent: str = "66%", updated: str = "2026-06-01", **more: Any) -> dict:
    return {
        "name": more.get("name", "Example"),
        "domain": domain,
        "base_pricing": more.get("base", "$10"),
        "sso_pricing": more.get("sso", "$16.60"),
        "percent_increase": percent,
        "pricing_sources": ["https://example.com/pricing"],
        "updated_at": updated,
    }


def app(domain: str, saml: str = "TRUE", scim: str = "TRUE") -> dict[str, Any]:
    return {
        "name": "Example",
        "domain": domain,
        "saml": saml,
        "scim_provisioning": scim,
        "scim_deprovisioning": scim,
        "jit": "UNKNOWN",
        "google_oidc": "UNKNOWN",
        "microsoft_oidc": "UNKNOWN",
        "sources": [],
    }

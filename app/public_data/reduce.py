"""From an upstream file, in the upstream's own format, to the reduced entries vendortui keeps.

Used by ``vendortui datasets import`` (a newer file a user downloaded) and to rebuild the
shipped snapshots reproducibly::

    python -m vendortui.app.public_data.reduce DATASETS_DIR

reads the four files named in ``UPSTREAM_FILES`` from ``DATASETS_DIR`` (as published, see
``SOURCES.md`` there) and writes ``snapshots/<key>.json.gz`` with the dates and commits in
``SHIPPED``. Each reducer walks the document once, checks every value it keeps
(``shape``), and drops everything else: upstream free-text notes never enter a snapshot.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vendortui.app.public_data import shape
from vendortui.app.public_data.domains import normalise
from vendortui.app.public_data.shape import ShapeError

Entries = dict[str, Any]
"""Reduced entries: ``{"by_domain": {domain: entry}}`` or, for lists, ``{"items": [entry]}``."""

FLAGS = ("TRUE", "FALSE", "UPGRADE", "UNKNOWN")
PASSKEY_USE = ("allowed", "required")
ATLAS_FIELDS = {
    "SAML": "saml",
    "SCIM Provisioning": "scim_provisioning",
    "SCIM Deprovisioning": "scim_deprovisioning",
    "JIT": "jit",
    "Google OIDC": "google_oidc",
    "Microsoft OIDC": "microsoft_oidc",
}
"""Atlas columns kept, and their names in the snapshot."""
_METHOD = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def _domain(key: Any, path: str) -> str:
    domain = normalise(key) if isinstance(key, str) else None
    if domain is None:
        raise ShapeError(path, "a domain name (like example.com)")
    return domain


def twofa(doc: Any) -> Entries:
    """2fa.directory API v4 ``all.json``: ``{domain: {methods: [...], documentation: url}}``.

    An entry without ``methods`` is a site known to offer no 2FA (kept as an empty list).
    """
    out: dict[str, Any] = {}
    for key, value in shape.obj(doc, "$").items():
        path = shape.key_path("$", key)
        entry = shape.obj(value, path)
        methods: list[str] = []
        raw = entry.get("methods")
        if raw is not None:
            for index, item in enumerate(shape.array(raw, f"{path}.methods")):
                method = shape.text(item, f"{path}.methods[{index}]", limit=40)
                if not _METHOD.match(method):
                    raise ShapeError(f"{path}.methods[{index}]", "a method name (like totp)")
                if method not in methods:
                    methods.append(method)
        out[_domain(key, path)] = {
            "methods": methods,
            "documentation": shape.link(entry.get("documentation"), f"{path}.documentation"),
        }
    return {"by_domain": out}


def passkeys(doc: Any) -> Entries:
    """Passkeys directory API v1 ``all.json``: ``{domain: {mfa, passwordless, documentation}}``."""
    out: dict[str, Any] = {}
    for key, value in shape.obj(doc, "$").items():
        path = shape.key_path("$", key)
        entry = shape.obj(value, path)
        out[_domain(key, path)] = {
            "mfa": shape.optional_choice(entry.get("mfa"), f"{path}.mfa", PASSKEY_USE),
            "passwordless": shape.optional_choice(
                entry.get("passwordless"), f"{path}.passwordless", PASSKEY_USE
            ),
            "documentation": shape.link(entry.get("documentation"), f"{path}.documentation"),
        }
    return {"by_domain": out}


def _date(value: Any, path: str) -> str:
    raw = shape.text(value, path, limit=10)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        raise ShapeError(path, "a date (YYYY-MM-DD)")
    return raw


def sso_tax(doc: Any) -> Entries:
    """sso.tax: the ``_vendors/*.yaml`` front matter as one JSON list of vendors, prices as
    published (``"$84.99"``, ``"Call Us!"``, ``"167%+"``), so nothing is reinterpreted."""
    items = []
    for index, value in enumerate(shape.array(doc, "$")):
        path = f"$[{index}]"
        entry = shape.obj(value, path)
        url = shape.link(entry.get("vendor_url"), f"{path}.vendor_url")
        if not url:
            raise ShapeError(f"{path}.vendor_url", "a string")
        published = {
            name: shape.optional_text(entry.get(name), f"{path}.{name}")
            for name in ("base_pricing", "sso_pricing", "percent_increase")
        }
        items.append(
            {
                "name": shape.text(entry.get("name"), f"{path}.name", limit=120),
                "domain": _domain(url, f"{path}.vendor_url"),
                **published,
                "pricing_sources": shape.links(
                    entry.get("pricing_source"), f"{path}.pricing_source"
                ),
                "updated_at": _date(entry.get("updated_at"), f"{path}.updated_at"),
            }
        )
    return {"items": items}


def atlas(doc: Any) -> Entries:
    """Auto-Provisioning Atlas ``apps.json``: a list of apps with TRUE/FALSE/UPGRADE/UNKNOWN."""
    items = []
    for index, value in enumerate(shape.array(doc, "$")):
        path = f"$[{index}]"
        entry = shape.obj(value, path)
        item: dict[str, Any] = {
            "name": shape.text(entry.get("Name"), f"{path}.Name", limit=120),
            "domain": _domain(entry.get("Domain"), f"{path}.Domain"),
        }
        for column, name in ATLAS_FIELDS.items():
            item[name] = shape.choice(entry.get(column), shape.member_path(path, column), FLAGS)
        item["sources"] = shape.links(entry.get("Sources"), f"{path}.Sources")
        items.append(item)
    return {"items": items}


REDUCERS: dict[str, Callable[[Any], Entries]] = {
    "2fa": twofa,
    "passkeys": passkeys,
    "sso-tax": sso_tax,
    "atlas": atlas,
}


def detect(doc: Any) -> str | None:
    """Which source a parsed upstream file is, from its first entries; None if unclear."""
    if isinstance(doc, dict):
        sample = [v for _, v in zip(range(20), doc.values(), strict=False) if isinstance(v, dict)]
        if any("methods" in v for v in sample):
            return "2fa"
        if any("mfa" in v or "passwordless" in v for v in sample):
            return "passkeys"
    if isinstance(doc, list):
        sample = [v for v in doc[:20] if isinstance(v, dict)]
        if any("sso_pricing" in v or "vendor_url" in v for v in sample):
            return "sso-tax"
        if any("SCIM Provisioning" in v or "Domain" in v for v in sample):
            return "atlas"
    return None


UPSTREAM_FILES = {
    "2fa": "twofactorauth-api-v4-all.json",
    "passkeys": "passkeys-api-v1-all.json",
    "sso-tax": "sso-wall-of-shame-vendors.json",
    "atlas": "auto-provisioning-atlas-apps.json",
}
"""The upstream files' names in the shared datasets folder (see its SOURCES.md)."""

SHIPPED = {
    "2fa": ("2026-08-04", "f3ac2ab71c6f"),
    "passkeys": ("2026-08-04", "4b68cbc2ee68"),
    "sso-tax": ("2026-06-16", "5fd10cf979b1"),
    "atlas": ("2025-05-06", "d96631ff3958"),
}
"""Date and upstream commit of each shipped snapshot (from SOURCES.md)."""


def rebuild(folder: Path) -> None:
    """Rewrite every shipped snapshot from the upstream files in ``folder``."""
    from vendortui.app.public_data.snapshot import (
        SHIPPED_DIR,
        Snapshot,
        entry_count,
        read_upstream,
        write,
    )

    for key, name in UPSTREAM_FILES.items():
        entries = REDUCERS[key](read_upstream(folder / name))
        day, commit = SHIPPED[key]
        target = SHIPPED_DIR / f"{key}.json.gz"
        write(target, Snapshot(key, day, commit, "", entries))
        print(f"{target.name}: {entry_count(entries)} entries, {target.stat().st_size} bytes")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python -m vendortui.app.public_data.reduce DATASETS_DIR")
    rebuild(Path(sys.argv[1]))

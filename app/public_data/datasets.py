"""The four datasets loaded and indexed by domain, once per process, on first use.

``load()`` reads the snapshots in use (``snapshot.current``) the first time something needs
them (the card's panel, the attention list's worker, ``public-check``), never at import, and
keeps them: a lookup is then a few dictionary reads per vendor domain. ``forget()`` drops them
after an import so the next use reads the new copy.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from typing import Any

from vendortui.app.public_data.domains import lookups
from vendortui.app.public_data.facts import (
    Fact,
    Passkeys,
    Provisioning,
    PublicFacts,
    SsoPrice,
    TwoFactor,
)
from vendortui.app.public_data.snapshot import Snapshot, current, entry_count
from vendortui.app.public_data.sources import SOURCES


@dataclass(frozen=True, slots=True)
class Loaded:
    """One dataset in use: its snapshot, and a note if a user copy was ignored."""

    snapshot: Snapshot
    note: str

    @property
    def entries(self) -> int:
        return entry_count(self.snapshot.entries)


class Datasets:
    """The datasets in use, indexed by domain; ``facts(domains)`` for one vendor."""

    def __init__(self, loaded: dict[str, Loaded]) -> None:
        self.loaded = loaded
        self._as_of = {key: date.fromisoformat(item.snapshot.date) for key, item in loaded.items()}
        self._twofa: dict[str, Any] = loaded["2fa"].snapshot.entries["by_domain"]
        self._passkeys: dict[str, Any] = loaded["passkeys"].snapshot.entries["by_domain"]
        self._sso: dict[str, list[Any]] = {}
        for item in loaded["sso-tax"].snapshot.entries["items"]:
            self._sso.setdefault(item["domain"], []).append(item)
        self._atlas = {item["domain"]: item for item in loaded["atlas"].snapshot.entries["items"]}

    @staticmethod
    def _find(index: dict[str, Any], candidates: list[str]) -> tuple[str, Any] | None:
        for domain in candidates:
            found = index.get(domain)
            if found is not None:
                return domain, found
        return None

    def facts(self, domains: list[str] | tuple[str, ...]) -> PublicFacts:
        """What the datasets say about a vendor answering on ``domains`` (see ``domains``)."""
        candidates = [name for domain in domains for name in lookups(domain)]
        twofa = passkeys = provisioning = None
        prices: tuple[SsoPrice, ...] = ()
        if hit := self._find(self._twofa, candidates):
            domain, entry = hit
            twofa = TwoFactor(
                Fact("2fa", domain, self._as_of["2fa"], entry["documentation"]),
                tuple(entry["methods"]),
            )
        if hit := self._find(self._passkeys, candidates):
            domain, entry = hit
            passkeys = Passkeys(
                Fact("passkeys", domain, self._as_of["passkeys"], entry["documentation"]),
                entry["mfa"],
                entry["passwordless"],
            )
        if hit := self._find(self._sso, candidates):
            domain, items = hit
            prices = tuple(
                SsoPrice(
                    Fact(
                        "sso-tax",
                        domain,
                        date.fromisoformat(item["updated_at"]),
                        (item["pricing_sources"] or [""])[0],
                    ),
                    item["name"],
                    item["base_pricing"],
                    item["sso_pricing"],
                    item["percent_increase"],
                )
                for item in items
            )
        if hit := self._find(self._atlas, candidates):
            domain, item = hit
            provisioning = Provisioning(
                Fact("atlas", domain, self._as_of["atlas"], (item["sources"] or [""])[0]),
                item["name"],
                item["saml"],
                item["scim_provisioning"],
                item["scim_deprovisioning"],
                item["jit"],
                item["google_oidc"],
                item["microsoft_oidc"],
            )
        return PublicFacts(tuple(domains), twofa, passkeys, prices, provisioning)


_lock = threading.Lock()
_loaded: Datasets | None = None


def load() -> Datasets:
    """The datasets in use, read on the first call (thread-safe) and kept."""
    global _loaded
    with _lock:
        if _loaded is None:
            _loaded = Datasets({key: Loaded(*current(key)) for key in SOURCES})
        return _loaded


def forget() -> None:
    """Drop the loaded datasets (after an import): the next ``load()`` reads them again."""
    global _loaded
    with _lock:
        _loaded = None

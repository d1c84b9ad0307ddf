"""The four public datasets: where each comes from, its license, and what vendortui keeps.

The attribution lines are what each license asks for when its data is redistributed: the
snapshots inside the package are reduced (modified) copies, so each line says so. The full
license texts ship in ``notices/`` beside them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Source:
    """One dataset: its key (file names, ``--source``), who publishes it and under what terms."""

    key: str
    title: str
    what: str
    repository: str
    upstream_file: str
    """The file a user downloads from the upstream to import a newer copy."""
    license: str
    notice: str
    """The license text's file name in ``notices/``."""
    copyright: str
    kept: str
    """The fields vendortui keeps from each entry (everything else, free-text notes included,
    is dropped when the snapshot is reduced)."""

    @property
    def attribution(self) -> str:
        """One line naming the work, its authors, the license and the modification."""
        return (
            f"{self.title} ({self.repository}), {self.copyright}; {self.license}. "
            f"Reduced by vendortui to: {self.kept}."
        )


TWOFA = Source(
    key="2fa",
    title="2fa.directory",
    what="2FA methods per site (u2f = FIDO/WebAuthn security keys)",
    repository="https://github.com/2factorauth/twofactorauth",
    upstream_file="https://api.2fa.directory/v4/all.json",
    license="MIT License",
    notice="LICENSE-twofactorauth",
    copyright="Copyright (c) 2021- 2factorauth and Contributors, (c) 2014-2020 Josh Davis",
    kept="domain, 2FA methods, documentation URL",
)
PASSKEYS = Source(
    key="passkeys",
    title="Passkeys directory",
    what="passkey support per site (as MFA, passwordless: allowed or required)",
    repository="https://github.com/2factorauth/passkeys",
    upstream_file="https://api.passkeys.2fa.directory/v1/all.json",
    license="CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)",
    notice="LICENSE-passkeys",
    copyright="2factorauth and Contributors",
    kept="domain, mfa and passwordless flags, documentation URL",
)
SSO_TAX = Source(
    key="sso-tax",
    title="sso.tax",
    what="the SSO Wall of Shame: price of SSO against the base plan per vendor",
    repository="https://github.com/robchahin/sso-wall-of-shame",
    upstream_file="the _vendors/*.yaml front matter as one JSON list",
    license="Apache License 2.0",
    notice="LICENSE-sso-wall-of-shame",
    copyright="Rob Chahin and contributors",
    kept="vendor name and URL, base and SSO prices and percent increase as published, "
    "pricing source URLs, update date",
)
ATLAS = Source(
    key="atlas",
    title="Auto-Provisioning Atlas",
    what="SAML, SCIM, JIT and OIDC support per SaaS app (TRUE, FALSE, UPGRADE, UNKNOWN)",
    repository="https://github.com/zygontech/www-auto-provisioning-atlas",
    upstream_file="apps.json",
    license="MIT License",
    notice="LICENSE-auto-provisioning-atlas",
    copyright="Copyright (c) 2025 Zygon",
    kept="app name and domain, support flags, source URLs",
)

SOURCES: dict[str, Source] = {s.key: s for s in (TWOFA, PASSKEYS, SSO_TAX, ATLAS)}
"""Every dataset by key, in the order they are listed."""


def source(key: str) -> Source:
    """The source named ``key``; ``KeyError`` for anything else (callers check first)."""
    return SOURCES[key]

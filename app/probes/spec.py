"""What to probe: a plain mirror of a ``ProbeConfig`` row, so the engine never touches a database.

The client secret is deliberately not a field: it is handed to ``run_probe`` separately, so a
spec can be logged, shown or repr'd without leaking anything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from vendortui.models.enums import ProbeKind

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MAX_BYTES = 1 << 20
SAML_MAX_BYTES = 5 << 20
DEFAULT_INTERACTIVE_TIMEOUT_S = 300.0
DEFAULT_CONCURRENCY = 32
"""How many probes a sweep runs at once unless the config says otherwise."""


@dataclass(frozen=True, slots=True)
class ProbeSpec:
    """One probe configuration (the ``ProbeConfig`` columns plus run-time knobs).

    ``allow_insecure_loopback`` lets plain http through for 127.0.0.1/::1/localhost only; it
    exists for tests against local servers and is never set from stored configuration.
    ``timeout_s`` is the total deadline of each request (not httpx's per-phase timeout);
    ``interactive_timeout_s`` bounds how long we wait for a person to finish signing in.
    """

    kind: ProbeKind
    issuer: str = ""
    metadata_url: str = ""
    client_id: str = ""
    scopes: str = ""
    audience: str = ""
    expected_claims: str = ""
    api_url: str = ""
    secret_ref: str = ""
    ca_file: str = ""
    name: str = ""
    allow_insecure_loopback: bool = False
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_bytes: int = 0
    interactive_timeout_s: float = DEFAULT_INTERACTIVE_TIMEOUT_S
    proxy: str = field(default="", repr=False)
    """The caller's proxy (the configuration's probe proxy): a URL used for every request
    instead of ``HTTPS_PROXY``/``HTTP_PROXY`` (``NO_PROXY`` still applies), ``direct`` for none,
    empty to follow the environment. Out of ``repr``: a proxy URL may hold a password."""

    @property
    def body_limit(self) -> int:
        """The decoded-byte cap: SAML metadata may legitimately be bigger than JSON documents."""
        if self.max_bytes:
            return self.max_bytes
        return SAML_MAX_BYTES if self.kind == ProbeKind.SAML_METADATA else DEFAULT_MAX_BYTES

    @property
    def scope_list(self) -> list[str]:
        """Scopes as typed by a person: separated by spaces or commas."""
        return [s for s in self.scopes.replace(",", " ").split() if s]

    @property
    def discovery_url(self) -> str:
        """Where the metadata document lives: the explicit URL, else the OIDC well-known path."""
        if self.metadata_url:
            return self.metadata_url
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


def parse_expected_claims(text: str) -> dict[str, object]:
    """Expected claims as stored: a JSON object, or ``name=value`` pairs (comma or newline).

    People type the short form in a form field; the JSON form allows non-string values.
    Raises ``ValueError`` with a readable message when neither form parses.
    """
    text = text.strip()
    if not text:
        return {}
    if text.startswith("{"):
        value = json.loads(text)
        if not isinstance(value, dict):
            raise ValueError("expected claims must be a JSON object")
        return value
    claims: dict[str, object] = {}
    for part in text.replace("\n", ",").split(","):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"expected claims: {part.strip()!r} is not name=value")
        claims[name.strip()] = value.strip()
    return claims

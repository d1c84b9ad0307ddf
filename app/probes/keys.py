"""Signing keys and signed tokens: JWKS validation and JWT verification with a fixed alg list.

The accepted algorithms are ours, never the provider's: a discovery document that advertises
``none`` (or a token whose header says ``HS256``) must not be able to pick how we verify.
JOSE work is done by joserfc, the library Authlib itself uses for JOSE since 1.7.
"""

from __future__ import annotations

import base64
import json
import warnings
from collections import Counter
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from joserfc import jwt
from joserfc.errors import InvalidPayloadError, JoseError, SecurityWarning
from joserfc.jwk import Key, KeySet, import_key

from vendortui.app.probes.findings import Recorder

ALLOWED_ALGS = (
    "RS256", "RS384", "RS512",
    "PS256", "PS384", "PS512",
    "ES256", "ES384", "ES512",
    "EdDSA", "Ed25519",
)  # fmt: skip
PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")
MIN_RSA_BITS = 2048


def validate_jwks(doc: dict[str, Any], rec: Recorder) -> KeySet | None:
    """Check a JWKS document and return its usable public signing keys (None if there are none).

    Private material is an error even when other keys are fine: a published private key means
    anyone can sign tokens as this provider.
    """
    keys = doc.get("keys")
    if not isinstance(keys, list):
        rec.error("jwks.invalid", "the JWKS has no 'keys' array", "jwks_uri must serve a JWK Set.")
        return None
    if not keys:
        rec.error("jwks.empty", "the JWKS contains no keys", "Nothing could verify a signature.")
        return None
    usable: list[Key] = []
    unusable: list[str] = []
    for index, data in enumerate(keys):
        label = _label(data, index)
        if not isinstance(data, dict):
            unusable.append(label)
            continue
        private = [m for m in PRIVATE_MEMBERS if m in data]
        if private:
            rec.error(
                "jwks.private_key",
                f"key {label} publishes private material ({', '.join(private)})",
                "The provider leaked a signing secret: rotate it and tell the vendor now.",
            )
            continue
        if data.get("use", "sig") != "sig":
            continue
        try:
            with warnings.catch_warnings():  # joserfc warns on small keys; we report them below
                warnings.simplefilter("ignore", SecurityWarning)
                key = import_key(data)
        except (JoseError, ValueError, TypeError):
            unusable.append(label)
            continue
        if isinstance(key.raw_value, RSAPublicKey) and key.raw_value.key_size < MIN_RSA_BITS:
            rec.error(
                "jwks.rsa_too_small",
                f"RSA key {label} has only {key.raw_value.key_size} bits",
                f"RSA signing keys need at least {MIN_RSA_BITS} bits.",
            )
            continue
        usable.append(key)
    if unusable:
        message = f"{len(unusable)} key(s) could not be imported: {', '.join(unusable)}"
        if usable:
            rec.warning("jwks.key_unusable", message, "Unknown key types are ignored.")
        else:
            rec.error("jwks.key_unusable", message)
    kids = Counter(str(k["kid"]) for k in keys if isinstance(k, dict) and k.get("kid"))
    duplicates = sorted(kid for kid, count in kids.items() if count > 1)
    if duplicates:
        rec.error(
            "jwks.kid_duplicate",
            f"key id(s) used more than once: {', '.join(duplicates)}",
            "A verifier cannot tell which key a token's kid means.",
        )
    if len(usable) > 1 and any(k.kid is None for k in usable):
        rec.warning("jwks.kid_missing", "several signing keys and some have no kid")
    if not usable:
        if not rec.has_errors():
            rec.error("jwks.no_signing_key", "the JWKS has no usable public signing key")
        return None
    return KeySet(usable)


def _label(data: object, index: int) -> str:
    if isinstance(data, dict) and isinstance(data.get("kid"), str):
        return repr(data["kid"][:40])
    return f"#{index}"


def is_jwt(token: str) -> bool:
    """Whether a token looks like a JWS compact JWT (an access token may well be opaque)."""
    return token.count(".") == 2 and unverified_header(token) is not None


def unverified_header(token: str) -> dict[str, Any] | None:
    """The JOSE header, decoded without trusting it (to pick the key and check the alg)."""
    try:
        segment = token.split(".", 1)[0]
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, UnicodeDecodeError):
        return None
    return header if isinstance(header, dict) else None


@dataclass(frozen=True, slots=True)
class VerifiedJwt:
    """A JWT whose signature checked out."""

    header: dict[str, Any]
    claims: dict[str, Any]


def verify_jwt(token: str, keys: KeySet, rec: Recorder, prefix: str) -> VerifiedJwt | None:
    """Verify the signature with one of ``keys`` using only ``ALLOWED_ALGS``.

    Findings use ``<prefix>.alg`` / ``.unknown_kid`` / ``.signature`` / ``.malformed``.
    """
    header = unverified_header(token)
    if header is None or token.count(".") != 2:
        rec.error(f"{prefix}.malformed", "the token is not a well-formed JWT")
        return None
    alg = header.get("alg")
    if alg not in ALLOWED_ALGS:
        rec.error(
            f"{prefix}.alg",
            f"the token is signed with {alg!r}, which we do not accept",
            f"Only asymmetric signatures are trusted ({', '.join(ALLOWED_ALGS[:3])}, ...).",
        )
        return None
    kid = header.get("kid")
    candidates = [k for k in keys if kid is None or k.kid == kid]
    if not candidates:
        rec.error(
            f"{prefix}.unknown_kid",
            f"no key in the JWKS has the token's kid {str(kid)[:40]!r}",
            "The provider may be rotating keys; if this persists, its JWKS is stale.",
        )
        return None
    for key in candidates:
        try:
            token_obj = jwt.decode(token, key, algorithms=[alg])
        except InvalidPayloadError:
            rec.error(f"{prefix}.malformed", "the token's payload is not a JSON object")
            return None
        except JoseError:  # bad signature, or this key does not fit the algorithm
            continue
        return VerifiedJwt(dict(token_obj.header), dict(token_obj.claims))
    rec.error(f"{prefix}.signature", "the token's signature does not verify with the JWKS")
    return None

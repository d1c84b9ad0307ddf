"""Signing keys and signed tokens: JWKS validation and JWT verification with a fixed alg list.

The accepted algorithms are ours, never the provider's: a discovery document that advertises
``none`` (or a token whose header says ``HS256``) must not be able to pick how we verify.
JOSE work is done by joserfc, the library Authlib itself uses for JOSE since 1.7.
"""

from __future__ import annotations

import base64
import threading
import warnings
from collections import Counter
from dataclasses import dataclass
from math import isfinite
from typing import Any

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from joserfc import jwt
from joserfc.errors import InvalidPayloadError, JoseError, SecurityWarning
from joserfc.jwk import Key, KeySet, import_key

from vendortui.app.probes import jsondoc
from vendortui.app.probes.findings import Recorder, listing

ALLOWED_ALGS = (
    "RS256", "RS384", "RS512",
    "PS256", "PS384", "PS512",
    "ES256", "ES384", "ES512",
    "EdDSA", "Ed25519",
)  # fmt: skip
PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")
MIN_RSA_BITS = 2048
MAX_KEYS = 50
"""Keys checked per JWKS: real ones hold a handful; importing thousands is a CPU attack."""
NUMERIC_DATES = ("exp", "nbf", "iat")


def validate_jwks(
    doc: dict[str, Any], rec: Recorder, stop: threading.Event | None = None
) -> KeySet | None:
    """Check a JWKS document and return its usable public signing keys (None if there are none).

    Private material is an error even when other keys are fine: a published private key means
    anyone can sign tokens as this provider. Every member is untyped until checked: a ``kid``
    that is not a string, or any key that does not import, is reported, never crashes the probe.
    CPU-heavy (key import): run it off the event loop; ``stop`` ends it early.
    """
    keys = doc.get("keys")
    if not isinstance(keys, list):
        rec.error("jwks.invalid", "the JWKS has no 'keys' array", "jwks_uri must serve a JWK Set.")
        return None
    if not keys:
        rec.error("jwks.empty", "the JWKS contains no keys", "Nothing could verify a signature.")
        return None
    if len(keys) > MAX_KEYS:
        rec.error(
            "jwks.too_many_keys",
            f"the JWKS holds {len(keys)} keys; only the first {MAX_KEYS} were checked",
            "Providers publish a handful of keys; this many is broken or hostile.",
        )
    usable: list[Key] = []
    unusable: list[str] = []
    kids: Counter[str] = Counter()
    for index, data in enumerate(keys[:MAX_KEYS]):
        if stop is not None and stop.is_set():
            return None
        label = _label(data, index, rec)
        if not isinstance(data, dict):
            unusable.append(label)
            continue
        kid = data.get("kid")
        if kid is not None and not isinstance(kid, str):
            rec.error(
                "jwks.kid_type",
                f"key #{index} has a kid that is not a string ({rec.quote(kid, 40)})",
                "RFC 7517: kid is a case-sensitive string.",
            )
            continue
        if kid:
            kids[kid] += 1
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
        key = _import(data)
        if key is None:
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
        message = f"{len(unusable)} key(s) could not be imported: {listing(unusable)}"
        if usable:
            rec.warning("jwks.key_unusable", message, "Unknown key types are ignored.")
        else:
            rec.error("jwks.key_unusable", message)
    duplicates = sorted(rec.quote(kid, 40) for kid, count in kids.items() if count > 1)
    if duplicates:
        rec.error(
            "jwks.kid_duplicate",
            f"key id(s) used more than once: {listing(duplicates)}",
            "A verifier cannot tell which key a token's kid means.",
        )
    if len(usable) > 1 and any(k.kid is None for k in usable):
        rec.warning("jwks.kid_missing", "several signing keys and some have no kid")
    if not usable:
        if not rec.has_errors():
            rec.error("jwks.no_signing_key", "the JWKS has no usable public signing key")
        return None
    return KeySet(usable)


def _import(data: dict[str, Any]) -> Key | None:
    """The key, or None when it does not import.

    Every member of a hostile key may have any JSON type, and the JOSE and cryptography
    libraries raise all sorts of exceptions on such input: all of them mean "unusable key".
    """
    if not isinstance(data.get("alg", ""), str):
        return None
    try:
        with warnings.catch_warnings():  # joserfc warns on small keys; we report them
            warnings.simplefilter("ignore", SecurityWarning)
            return import_key(data)
    except Exception:
        return None


def _label(data: object, index: int, rec: Recorder) -> str:
    if isinstance(data, dict) and isinstance(data.get("kid"), str):
        return rec.quote(data["kid"], 40)
    return f"#{index}"


def numeric_dates_ok(claims: dict[str, Any], rec: Recorder, prefix: str, what: str) -> bool:
    """``exp``, ``nbf`` and ``iat``, when present, must be finite numbers (RFC 7519 NumericDate).

    JSON parsers accept ``NaN`` and every comparison with it is false, so a NaN ``exp`` never
    "expires"; a string ``"1"`` is no date at all. Either is a failure, never a pass.
    """
    ok = True
    for name in NUMERIC_DATES:
        if name not in claims:
            continue
        value = claims[name]
        if isinstance(value, bool) or not isinstance(value, int | float) or not isfinite(value):
            rec.error(
                f"{prefix}.{name}",
                f"the {what}'s {name} is not a NumericDate ({rec.quote(value, 40)})",
                "RFC 7519: exp, nbf and iat are numbers of seconds since the epoch.",
            )
            ok = False
    return ok


def is_jwt(token: str) -> bool:
    """Whether a token looks like a JWS compact JWT (an access token may well be opaque)."""
    return token.count(".") == 2 and unverified_header(token) is not None


def _segment(token: str, index: int) -> object:
    """One base64url JSON segment of a compact JWS, depth-bounded; ValueError if it is not."""
    segment = token.split(".")[index]
    return jsondoc.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def unverified_header(token: str) -> dict[str, Any] | None:
    """The JOSE header, decoded without trusting it (to pick the key and check the alg)."""
    try:
        header = _segment(token, 0)
    except ValueError:  # bad base64, not UTF-8, not JSON, or nested too deep
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
    if header is None or token.count(".") != 2 or not _payload_ok(token):
        rec.error(f"{prefix}.malformed", "the token is not a well-formed JWT")
        return None
    alg = header.get("alg")
    if alg not in ALLOWED_ALGS:
        rec.error(
            f"{prefix}.alg",
            f"the token is signed with {rec.quote(alg, 40)}, which we do not accept",
            f"Only asymmetric signatures are trusted ({', '.join(ALLOWED_ALGS[:3])}, ...).",
        )
        return None
    kid = header.get("kid")
    candidates = [k for k in keys if kid is None or k.kid == kid]
    if not candidates:
        rec.error(
            f"{prefix}.unknown_kid",
            f"no key in the JWKS has the token's kid {rec.quote(kid, 40)}",
            "The provider may be rotating keys; if this persists, its JWKS is stale.",
        )
        return None
    for key in candidates:
        try:
            token_obj = jwt.decode(token, key, algorithms=[alg])
        except (InvalidPayloadError, ValueError, TypeError):
            rec.error(f"{prefix}.malformed", "the token's payload is not a JSON object")
            return None
        except JoseError:  # bad signature, or this key does not fit the algorithm
            continue
        return VerifiedJwt(dict(token_obj.header), dict(token_obj.claims))
    rec.error(f"{prefix}.signature", "the token's signature does not verify with the JWKS")
    return None


def _payload_ok(token: str) -> bool:
    """The payload is JSON within the nesting bound (the JOSE library would recurse on it)."""
    try:
        _segment(token, 1)
    except ValueError:
        return False
    return True

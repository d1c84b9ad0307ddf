"""ID token validation and what the ``amr`` claim says about how the person signed in.

Authlib's ``CodeIDToken`` does the claim rules (nonce, azp, at_hash, exp, iat), but two of its
defaults are unsafe for us (see FACTS): it only checks ``aud`` when told to, and framework
helpers take the allowed algorithms from the provider. So the signature is verified first with
our fixed asymmetric list (``keys.verify_jwt``) and ``iss``/``aud`` are always passed as
essential options.
"""

from __future__ import annotations

import time
from typing import Any

from authlib.oidc.core import CodeIDToken
from joserfc.errors import ClaimError, ExpiredTokenError
from joserfc.jwk import KeySet

from vendortui.app.probes.findings import Recorder, listing
from vendortui.app.probes.keys import numeric_dates_ok, verify_jwt
from vendortui.app.probes.oidc import token_issuer

LEEWAY_S = 120
PHISHING_RESISTANT = frozenset({"hwk", "swk"})
MAX_AMR = 20
KNOWN_CLAIMS = frozenset({"iss", "aud", "exp", "iat", "nbf", "nonce", "at_hash", "azp", "sub"})


def check_id_token(
    id_token: str,
    *,
    keys: KeySet,
    issuer: str,
    client_id: str,
    nonce: str | None,
    access_token: str | None,
    rec: Recorder,
    expected_claims: dict[str, object] | None = None,
    now: int | None = None,
) -> dict[str, Any] | None:
    """Validate one ID token; record findings; return its claims when everything held."""
    verified = verify_jwt(id_token, keys, rec, "idtoken")
    if verified is None:
        return None
    claims = verified.claims
    if not numeric_dates_ok(claims, rec, "idtoken", "ID token"):
        return None
    issuer = token_issuer(issuer, claims)
    token = CodeIDToken(
        claims,
        verified.header,
        options={
            "iss": {"essential": True, "value": issuer},
            "aud": {"essential": True, "value": client_id},
        },
        params={"nonce": nonce, "client_id": client_id, "access_token": access_token},
    )
    try:
        token.validate(now=now if now is not None else int(time.time()), leeway=LEEWAY_S)
    except ExpiredTokenError:
        rec.error("idtoken.exp", "the ID token has expired", "Check the clocks on both sides.")
        return None
    except ClaimError as exc:
        claim = exc.claim if exc.claim in KNOWN_CLAIMS else "claims"
        rec.error(
            f"idtoken.{claim}",
            f"the ID token is not valid: {exc.description} ({_shown(claims, exc.claim, rec)})",
            _HINTS.get(claim, ""),
        )
        return None
    report_amr(claims, rec)
    check_expected_claims(claims, expected_claims or {}, rec, "ID token")
    return claims


_HINTS = {
    "iss": "The token's issuer must equal the discovery issuer exactly.",
    "aud": "The token was minted for another client: check the client id.",
    "nonce": "The token does not belong to this sign-in (replay or mix-up).",
    "at_hash": "The ID token does not match the access token it came with.",
    "iat": "The token claims to be issued in the future: check the clocks.",
}


def _shown(claims: dict[str, Any], name: str, rec: Recorder) -> str:
    """The offending value, shortened: enough to debug, never a whole token."""
    if name not in claims:
        return f"{name} missing"
    return f"{name}={rec.quote(claims[name])}"


def report_amr(claims: dict[str, Any], rec: Recorder) -> None:
    """Say whether the sign-in used a phishing-resistant method (RFC 8176 ``amr`` values)."""
    amr = claims.get("amr")
    if not isinstance(amr, list) or not amr:
        rec.info(
            "idtoken.amr_missing",
            "the ID token does not say how you signed in (no amr claim)",
            "Many providers only send amr when asked; check the sign-in policy in their console.",
        )
        return
    methods = sorted({m for m in amr[:MAX_AMR] if isinstance(m, str)})
    strong = sorted(PHISHING_RESISTANT.intersection(methods))
    if strong:
        rec.info(
            "idtoken.amr_phishing_resistant",
            f"signed in with a phishing-resistant method ({', '.join(strong)})",
        )
    elif methods == ["pwd"]:
        rec.warning(
            "idtoken.amr_password_only",
            "signed in with a password only",
            "Require a security key or passkey for this vendor's sign-in.",
        )
    else:
        rec.info(
            "idtoken.amr_not_phishing_resistant",
            f"signed in with {listing([rec.quote(m, 20) for m in methods])}: "
            "not phishing-resistant",
            "Prefer a security key or passkey (amr hwk/swk).",
        )


def check_expected_claims(
    claims: dict[str, Any], expected: dict[str, object], rec: Recorder, what: str
) -> None:
    """Each configured claim must be present with that value (or contain it, for lists)."""
    for name, want in expected.items():
        if name not in claims:
            rec.error("claims.missing", f"the {what} has no {name!r} claim")
            continue
        have = claims[name]
        if have == want or str(have) == str(want):
            continue
        if isinstance(have, list) and (want in have or str(want) in map(str, have)):
            continue
        rec.error(
            "claims.mismatch",
            f"the {what}'s {name!r} is {rec.quote(have)}, expected {str(want)[:80]!r}",
        )

"""OIDC discovery and JWKS: the checks every OAuth/OIDC probe starts with.

Authlib's own metadata validator accepts ``http://localhost`` as secure and never compares the
issuer with the one we configured, and it stops at the first problem; we need every finding
with a severity tuned to what real providers publish, so the rules live here.

Severities follow what mainstream providers do (see FACTS): big providers still advertise
implicit and password grants and several omit ``code_challenge_methods_supported`` although
PKCE works, so those are warnings; Microsoft Entra's multi-tenant issuer template is a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from joserfc.jwk import KeySet

from vendortui.app.probes.findings import Recorder
from vendortui.app.probes.http import ProbeClient, ProbeHttpError, is_secure_url
from vendortui.app.probes.keys import ALLOWED_ALGS, validate_jwks
from vendortui.app.probes.spec import ProbeSpec

ENDPOINTS = (
    "authorization_endpoint",
    "token_endpoint",
    "userinfo_endpoint",
    "jwks_uri",
    "registration_endpoint",
    "device_authorization_endpoint",
    "end_session_endpoint",
    "revocation_endpoint",
    "introspection_endpoint",
    "pushed_authorization_request_endpoint",
)
OIDC_REQUIRED = (
    "issuer",
    "authorization_endpoint",
    "token_endpoint",
    "jwks_uri",
    "response_types_supported",
    "subject_types_supported",
    "id_token_signing_alg_values_supported",
)
OAUTH_REQUIRED = ("issuer", "token_endpoint")
TENANT_PLACEHOLDER = "{tenantid}"


@dataclass(frozen=True, slots=True)
class Discovery:
    """What the later steps of a probe need from discovery."""

    metadata: dict[str, Any]
    keys: KeySet | None

    def endpoint(self, name: str) -> str:
        """An endpoint URL, or '' when absent (or not a string)."""
        value = self.metadata.get(name)
        return value if isinstance(value, str) else ""

    @property
    def issuer(self) -> str:
        """The issuer as published (tokens must carry exactly this)."""
        return self.endpoint("issuer")


def token_issuer(published: str, claims: dict[str, Any]) -> str:
    """The issuer a token must carry: the published one, with Entra's ``{tenantid}`` filled in
    from the token's ``tid`` claim (multi-tenant discovery publishes only the template)."""
    tid = claims.get("tid")
    if TENANT_PLACEHOLDER in published and isinstance(tid, str):
        return published.replace(TENANT_PLACEHOLDER, tid)
    return published


def record_http_error(rec: Recorder, exc: ProbeHttpError) -> None:
    """A transport/HTTP failure as a finding."""
    rec.add(exc.check_id, exc.severity, exc.message, exc.hint)


def check_config(spec: ProbeSpec, rec: Recorder) -> bool:
    """The configured issuer must exist and be https before anything is sent."""
    if not spec.issuer:
        rec.error("probe.config", "the probe has no issuer configured", "Set the issuer URL.")
        return False
    if not is_secure_url(spec.issuer, spec.allow_insecure_loopback):
        rec.error(
            "oidc.issuer_not_https",
            f"the configured issuer is not an https URL: {spec.issuer}",
            "OpenID issuers must be https URLs.",
        )
        return False
    if spec.metadata_url and not is_secure_url(spec.metadata_url, spec.allow_insecure_loopback):
        rec.error("oidc.endpoint_not_https", f"the metadata URL is not https: {spec.metadata_url}")
        return False
    return True


async def discover(
    client: ProbeClient, spec: ProbeSpec, rec: Recorder, *, openid: bool = True
) -> Discovery | None:
    """Fetch and validate the metadata document and the JWKS.

    ``openid=False`` applies the OAuth (RFC 8414) profile used by the client-credentials probe:
    no ID-token members are required there. Returns None when nothing usable came back.
    """
    if not check_config(spec, rec):
        return None
    try:
        with rec.step("discovery"):
            metadata = await client.get_json(spec.discovery_url, "discovery document")
    except ProbeHttpError as exc:
        record_http_error(rec, exc)
        return None
    validate_metadata(metadata, spec, rec, openid=openid)
    keys = None
    jwks_uri = metadata.get("jwks_uri")
    if isinstance(jwks_uri, str) and endpoint_ok(jwks_uri, metadata, spec):
        try:
            with rec.step("jwks"):
                jwks = await client.get_json(jwks_uri, "JWKS")
        except ProbeHttpError as exc:
            record_http_error(rec, exc)
        else:
            keys = validate_jwks(jwks, rec)
            if keys is not None:
                algs = sorted({str(k.alg) for k in keys if k.alg})
                rec.info(
                    "jwks.summary",
                    f"{len(list(keys))} signing key(s)" + (f" ({', '.join(algs)})" if algs else ""),
                )
    return Discovery(metadata, keys)


def endpoint_ok(url: str, metadata: dict[str, Any], spec: ProbeSpec) -> bool:
    """https (or test loopback), and never weaker than an https issuer: nothing is sent else."""
    issuer = metadata.get("issuer")
    if isinstance(issuer, str) and issuer.startswith("https://") and not url.startswith("https://"):
        return False
    return is_secure_url(url, spec.allow_insecure_loopback)


def validate_metadata(
    metadata: dict[str, Any], spec: ProbeSpec, rec: Recorder, *, openid: bool = True
) -> None:
    """Every check on the discovery document, each with its own id and severity."""
    _check_issuer(metadata, spec, rec)
    required = OIDC_REQUIRED if openid else OAUTH_REQUIRED
    missing = [m for m in required if m not in metadata]
    if missing:
        rec.error(
            "oidc.missing_member",
            f"the discovery document lacks {', '.join(missing)}",
            "Required by OpenID Connect Discovery 1.0 / RFC 8414.",
        )
    insecure = [
        name
        for name in ENDPOINTS
        if name in metadata
        and not (isinstance(metadata[name], str) and endpoint_ok(metadata[name], metadata, spec))
    ]
    if insecure:
        rec.error(
            "oidc.endpoint_not_https",
            f"endpoint(s) not served over https: {', '.join(insecure)}",
            "Every endpoint must be https; tokens and keys over http can be swapped in transit.",
        )
    if openid:
        _check_signing_algs(metadata, rec)
    if openid or "authorization_endpoint" in metadata:
        _check_pkce(metadata, rec)
    _check_grants(metadata, rec)


def _check_issuer(metadata: dict[str, Any], spec: ProbeSpec, rec: Recorder) -> None:
    published = metadata.get("issuer")
    if not isinstance(published, str) or published == spec.issuer:
        return
    if TENANT_PLACEHOLDER in published:
        rec.warning(
            "oidc.issuer_template",
            f"multi-tenant issuer template {published!r}",
            "Microsoft Entra style: tokens carry each tenant's own issuer; configure the "
            "tenant-specific issuer to have it checked exactly.",
        )
        return
    rec.error(
        "oidc.issuer_mismatch",
        f"the document's issuer {published!r} differs from the configured {spec.issuer!r}",
        "Issuers must match byte for byte (mind trailing slashes); tokens will be rejected.",
    )


def _string_list(metadata: dict[str, Any], name: str) -> list[str] | None:
    value = metadata.get(name)
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return None


def _check_signing_algs(metadata: dict[str, Any], rec: Recorder) -> None:
    algs = _string_list(metadata, "id_token_signing_alg_values_supported")
    if algs is None:
        return
    if "none" in algs:
        rec.error(
            "oidc.alg_none",
            "the provider advertises unsigned ID tokens (alg none)",
            "Anyone could forge an unsigned ID token; the vendor must drop 'none'.",
        )
    symmetric = [a for a in algs if a.startswith("HS")]
    if symmetric:
        rec.warning(
            "oidc.alg_symmetric",
            f"the provider advertises symmetric ID-token algorithms ({', '.join(symmetric)})",
            "HMAC-signed ID tokens are keyed with the client secret; we only accept asymmetric.",
        )
    if not any(a in ALLOWED_ALGS for a in algs):
        rec.error(
            "oidc.no_asymmetric_alg",
            "no asymmetric ID-token signing algorithm is advertised",
            f"We verify with {', '.join(ALLOWED_ALGS)} only.",
        )


def _check_pkce(metadata: dict[str, Any], rec: Recorder) -> None:
    methods = _string_list(metadata, "code_challenge_methods_supported")
    if methods is None:
        rec.warning(
            "oidc.pkce_not_advertised",
            "code_challenge_methods_supported is not published",
            "Many providers support PKCE without saying so; the auth-code probe will tell.",
        )
    elif "S256" not in methods:
        rec.error(
            "oidc.pkce_s256_missing",
            f"PKCE S256 is not supported (only {', '.join(methods) or 'nothing'})",
            "S256 is required by RFC 9700; 'plain' does not protect the code.",
        )


def _check_grants(metadata: dict[str, Any], rec: Recorder) -> None:
    grants = _string_list(metadata, "grant_types_supported") or []
    response_types = _string_list(metadata, "response_types_supported") or []
    implicit = "implicit" in grants or any(
        "token" in rt.split() or rt == "id_token" for rt in response_types
    )
    if implicit:
        rec.warning(
            "oidc.implicit_advertised",
            "the implicit grant is advertised",
            "Deprecated by RFC 9700; ask the vendor to disable it for our client.",
        )
    if "password" in grants:
        rec.warning(
            "oidc.password_grant_advertised",
            "the resource-owner password grant is advertised",
            "Deprecated by RFC 9700: it bypasses MFA; make sure our client cannot use it.",
        )

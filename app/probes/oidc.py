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
from functools import partial
from typing import Any

from joserfc.jwk import KeySet

from vendortui.app.probes.findings import Recorder, listing
from vendortui.app.probes.http import ProbeClient, ProbeHttpError, is_secure_url
from vendortui.app.probes.keys import ALLOWED_ALGS, validate_jwks
from vendortui.app.probes.offload import is_small, off_loop
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
BOOLEAN_MEMBERS = (
    "claims_parameter_supported",
    "request_parameter_supported",
    "request_uri_parameter_supported",
    "require_request_uri_registration",
    "frontchannel_logout_supported",
    "frontchannel_logout_session_supported",
    "backchannel_logout_supported",
    "backchannel_logout_session_supported",
    "authorization_response_iss_parameter_supported",
    "tls_client_certificate_bound_access_tokens",
    "require_pushed_authorization_requests",
    "require_signed_request_object",
)
STRING_LIST_MEMBERS = (
    "scopes_supported",
    "response_types_supported",
    "response_modes_supported",
    "grant_types_supported",
    "subject_types_supported",
    "id_token_signing_alg_values_supported",
    "token_endpoint_auth_methods_supported",
    "claims_supported",
    "code_challenge_methods_supported",
)
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
    if not issuer_usable(metadata, spec, rec):
        return None  # RFC 8414 3.3 / OIDC Discovery 4.3: such a document is not used at all
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
            listed = jwks.get("keys")
            keys = await off_loop(
                rec,
                spec.timeout_s,
                "the JWKS",
                partial(validate_jwks, jwks),
                inline=is_small(0, len(listed) if isinstance(listed, list) else 0),
            )
            if keys is not None:
                algs = sorted({_alg_name(str(k.alg), rec) for k in keys if k.alg})
                rec.info(
                    "jwks.summary",
                    f"{len(list(keys))} signing key(s)" + (f" ({', '.join(algs)})" if algs else ""),
                )
    return Discovery(metadata, keys)


def _alg_name(alg: str, rec: Recorder) -> str:
    """An algorithm as shown: a known name plain, anything else quoted (it is server text)."""
    return alg if alg in ALLOWED_ALGS else rec.quote(alg, 20)


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
    _check_types(metadata, rec)
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


def issuer_usable(metadata: dict[str, Any], spec: ProbeSpec, rec: Recorder) -> bool:
    """Whether the document's issuer is the configured one (or Entra's tenant template).

    A document whose issuer differs must not be used for anything (RFC 8414 section 3.3,
    OpenID Connect Discovery section 4.3): no key fetched, no secret sent to its endpoints.
    """
    published = metadata.get("issuer")
    if published == spec.issuer:
        return True
    if published is None:
        rec.error(
            "oidc.missing_member",
            "the discovery document lacks issuer",
            "Without its issuer the document cannot be trusted; nothing in it was used.",
        )
        return False
    if not isinstance(published, str):
        rec.error(
            "oidc.issuer_mismatch",
            f"the document's issuer is {rec.quote(published, 120)}, not the configured "
            f"{spec.issuer!r}",
            "The document cannot be trusted without its issuer; nothing in it was used.",
        )
        return False
    if TENANT_PLACEHOLDER in published:
        rec.warning(
            "oidc.issuer_template",
            f"multi-tenant issuer template {rec.quote(published, 120)}",
            "Microsoft Entra style: tokens carry each tenant's own issuer; configure the "
            "tenant-specific issuer to have it checked exactly.",
        )
        return True
    rec.error(
        "oidc.issuer_mismatch",
        f"the document's issuer {rec.quote(published, 120)} differs from the configured "
        f"{spec.issuer!r}",
        "Issuers must match byte for byte (mind trailing slashes); nothing in the document was "
        "used, and no secret was sent to its endpoints.",
    )
    return False


def _check_types(metadata: dict[str, Any], rec: Recorder) -> None:
    """Members of the wrong JSON type: ``"true"`` for a boolean (Keycloak), a string for a list.

    A client library reading ``"false"`` as truthy, or a bare string as a list of letters,
    misbehaves quietly; the vendor should publish the types the specifications define.
    """
    for name in BOOLEAN_MEMBERS:
        if name in metadata and not isinstance(metadata[name], bool):
            rec.warning(
                "oidc.not_boolean",
                f"{name} is {rec.quote(metadata[name], 20)}, not a JSON boolean",
                "Publish true or false without quotes; clients may read the string as true.",
            )
    for name in STRING_LIST_MEMBERS:
        value = metadata.get(name)
        if name in metadata and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            rec.warning(
                "oidc.wrong_type",
                f"{name} is {rec.quote(value, 60)}, not a JSON array of strings",
                "Clients ignore or misread members of the wrong type.",
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
            "the provider advertises symmetric ID-token algorithms "
            f"({listing([rec.quote(a, 20) for a in symmetric])})",
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
            "PKCE S256 is not supported (only "
            f"{listing([rec.quote(m, 60) for m in methods]) or 'nothing'})",
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

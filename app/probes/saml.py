"""SAML IdP metadata: parsed safely, then checked for validity, https SSO and certificate expiry.

Parsing goes through defusedxml with DTDs, entities and external references forbidden: metadata
is remote input, and a "billion laughs" document must cost us nothing. The signature on the
metadata itself is not verified here (that needs the federation's signing certificate).
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime, timedelta
from xml.etree.ElementTree import Element, ParseError

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from vendortui.app.probes.findings import Recorder
from vendortui.app.probes.http import ProbeClient, ProbeHttpError, is_secure_url, status_error
from vendortui.app.probes.oidc import record_http_error
from vendortui.app.probes.spec import ProbeSpec

MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"
DS = "{http://www.w3.org/2000/09/xmldsig#}"
SAML2_PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol"
EXPIRY_WARNING = timedelta(days=30)
MIN_RSA_BITS = 2048


async def probe_saml(client: ProbeClient, spec: ProbeSpec, rec: Recorder) -> None:
    """Fetch the metadata URL and check it."""
    url = spec.metadata_url or spec.issuer
    if not url:
        rec.error("probe.config", "the probe has no metadata URL", "Set the IdP metadata URL.")
        return
    if not is_secure_url(url, spec.allow_insecure_loopback):
        rec.error("saml.metadata_not_https", f"the metadata URL is not https: {url}")
        return
    try:
        with rec.step("metadata"):
            response = await client.get(url, headers={"Accept": "application/samlmetadata+xml"})
    except ProbeHttpError as exc:
        record_http_error(rec, exc)
        return
    if not response.is_success:
        error = status_error(response, "SAML metadata")
        rec.add(error.check_id, error.severity, error.message, error.hint)
        return
    check_metadata(response.content, spec, rec)


def check_metadata(
    document: bytes, spec: ProbeSpec, rec: Recorder, now: datetime | None = None
) -> None:
    """Every metadata check; ``now`` is injectable so expiry rules can be tested exactly."""
    now = now or datetime.now(UTC)
    try:
        root = fromstring(document, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        rec.error(
            "saml.unsafe_xml",
            f"the metadata uses forbidden XML constructs ({type(exc).__name__})",
            "DTDs and entities enable entity-expansion and XXE attacks; metadata never needs them.",
        )
        return
    except ParseError as exc:
        rec.error("saml.invalid_xml", f"the metadata is not well-formed XML ({exc})")
        return
    entity = _pick_entity(root, spec.issuer)
    if entity is None:
        rec.error("saml.no_idp", "no EntityDescriptor with an IDPSSODescriptor was found")
        return
    if spec.issuer and entity.get("entityID") != spec.issuer:
        rec.error(
            "saml.entity_id",
            f"entityID {entity.get('entityID', '')[:120]!r} differs from {spec.issuer!r}",
            "Configure the exact entityID the vendor expects as issuer.",
        )
    _check_valid_until(root, entity, now, rec)
    idp = entity.find(f"{MD}IDPSSODescriptor")
    assert idp is not None  # _pick_entity only returns entities with one
    if SAML2_PROTOCOL not in idp.get("protocolSupportEnumeration", "").split():
        rec.error("saml.protocol", "the IdP does not declare SAML 2.0 protocol support")
    _check_sso(idp, spec, rec)
    _check_certificates(idp, now, rec)


def _pick_entity(root: Element, entity_id: str) -> Element | None:
    """The IdP entity: the root itself, or the configured one inside an EntitiesDescriptor."""
    candidates = (
        [root] if root.tag == f"{MD}EntityDescriptor" else list(root.iter(f"{MD}EntityDescriptor"))
    )
    idps = [e for e in candidates if e.find(f"{MD}IDPSSODescriptor") is not None]
    for entity in idps:
        if entity.get("entityID") == entity_id:
            return entity
    return idps[0] if idps else None


def _parse_time(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _check_valid_until(root: Element, entity: Element, now: datetime, rec: Recorder) -> None:
    for element in {id(root): root, id(entity): entity}.values():
        raw = element.get("validUntil")
        if raw is None:
            continue
        until = _parse_time(raw)
        if until is None:
            rec.error("saml.valid_until", f"validUntil {raw[:40]!r} is not a valid date")
        elif until <= now:
            rec.error(
                "saml.valid_until",
                f"the metadata expired on {until:%Y-%m-%d %H:%M} UTC (validUntil)",
                "Relying parties must reject expired metadata; the vendor must re-publish it.",
            )


def _check_sso(idp: Element, spec: ProbeSpec, rec: Recorder) -> None:
    services = idp.findall(f"{MD}SingleSignOnService")
    if not services:
        rec.error("saml.no_sso", "the IdP lists no SingleSignOnService endpoint")
        return
    insecure = [
        s.get("Location", "")
        for s in services
        if not is_secure_url(s.get("Location", ""), spec.allow_insecure_loopback)
    ]
    if insecure:
        rec.error(
            "saml.sso_not_https",
            f"SSO endpoint(s) not over https: {', '.join(u[:80] for u in insecure)}",
            "Assertions and credentials would travel unprotected.",
        )


def _check_certificates(idp: Element, now: datetime, rec: Recorder) -> None:
    signing = [
        kd
        for kd in idp.findall(f"{MD}KeyDescriptor")
        if kd.get("use", "signing") == "signing"  # no "use" means both
    ]
    blobs = [c.text or "" for kd in signing for c in kd.iter(f"{DS}X509Certificate")]
    if not blobs:
        rec.error("saml.no_signing_cert", "the IdP publishes no signing certificate")
        return
    expiries: list[datetime] = []
    for blob in blobs:
        try:
            cert = x509.load_der_x509_certificate(base64.b64decode("".join(blob.split())))
        except (ValueError, binascii.Error):
            rec.error("saml.cert_invalid", "a signing certificate cannot be parsed")
            continue
        subject = cert.subject.rfc4514_string()[:80] or "(no subject)"
        expires = cert.not_valid_after_utc
        expiries.append(expires)
        if expires <= now:
            rec.error(
                "saml.cert_expired",
                f"signing certificate {subject!r} expired on {expires:%Y-%m-%d}",
                "Signatures made with it are rejected; the vendor must roll its certificate.",
            )
        elif expires - now <= EXPIRY_WARNING:
            rec.warning(
                "saml.cert_expiring",
                f"signing certificate {subject!r} expires on {expires:%Y-%m-%d}",
                "Plan the certificate rollover with the vendor now.",
            )
        key = cert.public_key()
        if isinstance(key, RSAPublicKey) and key.key_size < MIN_RSA_BITS:
            rec.warning(
                "saml.cert_weak_key",
                f"signing certificate {subject!r} has a {key.key_size}-bit key",
            )
    if expiries:
        rec.info(
            "saml.summary",
            f"{len(expiries)} signing certificate(s); the first to expire ends on "
            f"{min(expiries):%Y-%m-%d}",
        )

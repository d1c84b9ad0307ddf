"""SAML IdP metadata: parsed safely, then checked for validity, https SSO and certificate expiry.

Parsing goes through defusedxml with DTDs, entities and external references forbidden: metadata
is remote input, and a "billion laughs" document must cost us nothing. The tree is built under
an element and depth budget, in a thread (``offload``) within the probe's deadline: a document of
750,000 nested elements once took 290 MB and 16 s on the event loop, starving every other probe
of a sweep. The signature on the metadata itself is not verified here (that needs the
federation's signing certificate).
"""

from __future__ import annotations

import base64
import binascii
import threading
from datetime import UTC, datetime, timedelta
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from vendortui.app.probes.findings import Recorder, listing
from vendortui.app.probes.http import ProbeClient, ProbeHttpError, is_secure_url, status_error
from vendortui.app.probes.offload import is_small, off_loop
from vendortui.app.probes.oidc import record_http_error
from vendortui.app.probes.spec import ProbeSpec

MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"
DS = "{http://www.w3.org/2000/09/xmldsig#}"
SAML2_PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol"
EXPIRY_WARNING = timedelta(days=30)
MIN_RSA_BITS = 2048
MAX_ELEMENTS = 50_000
"""One IdP's metadata has a few dozen elements; 50,000 bounds memory to tens of MB."""
MAX_DEPTH = 64
FEED_CHUNK = 1 << 16
MAX_CERTS = 20


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
    await off_loop(
        rec,
        spec.timeout_s,
        "the SAML metadata",
        lambda child, stop: check_metadata(response.content, spec, child, stop=stop),
        inline=is_small(len(response.content)),
    )


class _OverBudget(Exception):
    """Parsing stopped: too many elements, too deep, or the deadline passed (``stop``)."""


class _BudgetedBuilder(TreeBuilder):
    """A tree builder that refuses to grow past ``MAX_ELEMENTS`` or nest past ``MAX_DEPTH``.

    Memory and time are then bounded by the budget, not by how a hostile document is shaped.
    """

    def __init__(self, stop: threading.Event | None) -> None:
        super().__init__()
        self.elements = 0
        self.depth = 0
        self.stop = stop

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        self.elements += 1
        self.depth += 1
        if self.elements > MAX_ELEMENTS or self.depth > MAX_DEPTH:
            raise _OverBudget
        if self.stop is not None and self.elements % 1000 == 0 and self.stop.is_set():
            raise _OverBudget
        return super().start(tag, attrs)

    def end(self, tag: str) -> Element:
        self.depth -= 1
        return super().end(tag)


def parse_bounded(document: bytes, stop: threading.Event | None = None) -> Element:
    """Parse with defusedxml's protections and the element/depth budget (``_OverBudget``)."""
    parser = DefusedXMLParser(
        target=_BudgetedBuilder(stop), forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    for offset in range(0, len(document), FEED_CHUNK):
        parser.feed(document[offset : offset + FEED_CHUNK])
    return parser.close()


def check_metadata(
    document: bytes,
    spec: ProbeSpec,
    rec: Recorder,
    now: datetime | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Every metadata check; ``now`` is injectable so expiry rules can be tested exactly.

    CPU-heavy (parsing, certificate loading): run it off the event loop; ``stop`` ends it.
    """
    now = now or datetime.now(UTC)
    try:
        root = parse_bounded(document, stop)
    except _OverBudget:
        rec.error(
            "saml.too_complex",
            f"the metadata has more than {MAX_ELEMENTS} elements or nests deeper than "
            f"{MAX_DEPTH} levels",
            "One IdP's metadata holds a few dozen elements: a broken or hostile document.",
        )
        return
    except DefusedXmlException as exc:
        rec.error(
            "saml.unsafe_xml",
            f"the metadata uses forbidden XML constructs ({type(exc).__name__})",
            "DTDs and entities enable entity-expansion and XXE attacks; metadata never needs them.",
        )
        return
    except ParseError as exc:
        rec.error(
            "saml.invalid_xml", f"the metadata is not well-formed XML ({rec.quote(str(exc))})"
        )
        return
    entity = _pick_entity(root, spec.issuer)
    if entity is None:
        rec.error("saml.no_idp", "no EntityDescriptor with an IDPSSODescriptor was found")
        return
    if spec.issuer and entity.get("entityID") != spec.issuer:
        rec.error(
            "saml.entity_id",
            f"entityID {rec.quote(entity.get('entityID', ''), 120)} differs from {spec.issuer!r}",
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
            rec.error("saml.valid_until", f"validUntil {rec.quote(raw, 40)} is not a valid date")
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
            f"SSO endpoint(s) not over https: {listing([rec.quote(u) for u in insecure])}",
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
    if len(blobs) > MAX_CERTS:
        rec.warning(
            "saml.too_many_certs",
            f"the IdP lists {len(blobs)} signing certificates; the first {MAX_CERTS} were checked",
        )
    expiries: list[datetime] = []
    for blob in blobs[:MAX_CERTS]:
        try:
            cert = x509.load_der_x509_certificate(base64.b64decode("".join(blob.split())))
        except (ValueError, binascii.Error):
            rec.error("saml.cert_invalid", "a signing certificate cannot be parsed")
            continue
        subject = rec.quote(cert.subject.rfc4514_string() or "(no subject)")
        expires = cert.not_valid_after_utc
        expiries.append(expires)
        if expires <= now:
            rec.error(
                "saml.cert_expired",
                f"signing certificate {subject} expired on {expires:%Y-%m-%d}",
                "Signatures made with it are rejected; the vendor must roll its certificate.",
            )
        elif expires - now <= EXPIRY_WARNING:
            rec.warning(
                "saml.cert_expiring",
                f"signing certificate {subject} expires on {expires:%Y-%m-%d}",
                "Plan the certificate rollover with the vendor now.",
            )
        key = cert.public_key()
        if isinstance(key, RSAPublicKey) and key.key_size < MIN_RSA_BITS:
            rec.warning(
                "saml.cert_weak_key",
                f"signing certificate {subject} has a {key.key_size}-bit key",
            )
    if expiries:
        rec.info(
            "saml.summary",
            f"{len(expiries)} signing certificate(s); the first to expire ends on "
            f"{min(expiries):%Y-%m-%d}",
        )

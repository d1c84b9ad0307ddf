"""SAML IdP metadata, served over loopback: safe parsing, validity, https SSO, certificates."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from tests.probes.helpers import assert_verdict, make_spec, timed_probe
from tests.probes.servers import LoopbackServer, Request, respond
from vendortui.models.enums import ProbeKind, ProbeOutcome

Serve = Callable[..., LoopbackServer]
ENTITY_ID = "https://idp.example.com/saml"
NOW = datetime.now(UTC)


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def certificate(key: rsa.RSAPrivateKey, not_after: datetime) -> str:
    """A base64 DER certificate as it sits in metadata."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.example.com")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_after - timedelta(days=400))
        .not_valid_after(not_after)
        .sign(key, hashes.SHA256())
    )
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def metadata(
    cert: str,
    *,
    sso: str = "https://idp.example.com/sso",
    valid_until: datetime | None = None,
    entity_id: str = ENTITY_ID,
    prolog: str = "",
) -> bytes:
    until = f' validUntil="{valid_until:%Y-%m-%dT%H:%M:%SZ}"' if valid_until else ""
    return f"""{prolog}<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{entity_id}"{until}>
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>
        {cert}
      </ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="{sso}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>""".encode()


async def _probe(serve: Serve, document: bytes, **kwargs):
    server = serve()

    async def handler(_req: Request, writer: asyncio.StreamWriter) -> None:
        await respond(writer, 200, document, {"Content-Type": "application/samlmetadata+xml"})

    server.routes["/metadata"] = handler
    spec = make_spec(
        ProbeKind.SAML_METADATA, ENTITY_ID, metadata_url=server.base_url + "/metadata", **kwargs
    )
    return await timed_probe(spec)


async def test_good_metadata_passes(serve: Serve, signing_key) -> None:
    doc = metadata(
        certificate(signing_key, NOW + timedelta(days=365)), valid_until=NOW + timedelta(days=7)
    )
    report, elapsed = await _probe(serve, doc)
    assert_verdict(report, elapsed, ProbeOutcome.PASS, "saml.summary")
    assert report.latencies_ms["metadata"] > 0


async def test_entities_are_refused(serve: Serve, signing_key) -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE md [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    doc = metadata(certificate(signing_key, NOW + timedelta(days=365)), prolog=laughs)
    report, elapsed = await _probe(serve, doc)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "saml.unsafe_xml")


async def test_external_entity_is_refused(serve: Serve, signing_key) -> None:
    xxe = '<?xml version="1.0"?><!DOCTYPE md [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    doc = metadata(certificate(signing_key, NOW + timedelta(days=365)), prolog=xxe)
    report, elapsed = await _probe(serve, doc)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "saml.unsafe_xml")


async def test_expired_certificate(serve: Serve, signing_key) -> None:
    doc = metadata(certificate(signing_key, NOW - timedelta(days=2)))
    report, elapsed = await _probe(serve, doc)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "saml.cert_expired")


async def test_certificate_expiring_within_30_days_is_a_warning(serve: Serve, signing_key) -> None:
    doc = metadata(certificate(signing_key, NOW + timedelta(days=10)))
    report, elapsed = await _probe(serve, doc)
    assert_verdict(report, elapsed, ProbeOutcome.WARN, "saml.cert_expiring")


async def test_past_valid_until(serve: Serve, signing_key) -> None:
    doc = metadata(
        certificate(signing_key, NOW + timedelta(days=365)), valid_until=NOW - timedelta(hours=1)
    )
    report, elapsed = await _probe(serve, doc)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "saml.valid_until")


async def test_plain_http_sso_endpoint(serve: Serve, signing_key) -> None:
    doc = metadata(
        certificate(signing_key, NOW + timedelta(days=365)), sso="http://idp.example.com/sso"
    )
    report, elapsed = await _probe(serve, doc)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "saml.sso_not_https")


async def test_entity_id_mismatch(serve: Serve, signing_key) -> None:
    doc = metadata(
        certificate(signing_key, NOW + timedelta(days=365)), entity_id="https://other.example"
    )
    report, elapsed = await _probe(serve, doc)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "saml.entity_id")


async def test_not_xml(serve: Serve) -> None:
    report, elapsed = await _probe(serve, b"<html><body>Sign in</body>")
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "saml.invalid_xml")


async def test_no_signing_certificate(serve: Serve) -> None:
    doc = metadata("").replace(b'use="signing"', b'use="encryption"')
    report, elapsed = await _probe(serve, doc)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "saml.no_signing_cert")


async def test_oversized_metadata(serve: Serve, signing_key) -> None:
    doc = metadata(certificate(signing_key, NOW + timedelta(days=365)))
    padded = doc.replace(
        b"<md:IDPSSODescriptor", b"<!--" + b"x" * (6 << 20) + b"-->\n<md:IDPSSODescriptor"
    )
    report, elapsed = await _probe(serve, padded)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "http.too_large")


def nested_metadata(levels: int) -> bytes:
    """Just under the 5 MiB cap: ``levels`` nested elements inside a valid-looking entity."""
    head = b'<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="e">'
    return head + b"<a>" * levels + b"</a>" * levels + b"</md:EntityDescriptor>"


def wide_metadata(count: int) -> bytes:
    """``count`` sibling elements: shallow, but as many as fit under the cap."""
    head = b'<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="e">'
    return head + b"<a/>" * count + b"</md:EntityDescriptor>"


@pytest.mark.parametrize(
    "document",
    [nested_metadata(700_000), wide_metadata(1_200_000)],
    ids=["750k-nested", "1.2M-wide"],
)
async def test_element_budget_bounds_memory_and_time(serve: Serve, document: bytes) -> None:
    """The reported document took 290 MB and 16 s; the budget stops it at a few MB.

    Memory is measured with tracemalloc around the whole probe (body read and parse); time by
    the probe's own deadline accounting (how late its latest bounded step ended).
    """
    import tracemalloc

    assert len(document) < 5 << 20
    tracemalloc.start()
    try:
        report, elapsed = await _probe(serve, document, timeout_s=10.0)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "saml.too_complex", budget_s=10.0)
    assert peak < 64 << 20, f"peak {peak / 2**20:.0f} MiB"
    assert report.late_ms < 1000, report.late_ms

"""OIDC discovery + JWKS: green against the real OP, the right finding against hostile servers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from joserfc.errors import SecurityWarning

from tests.probes.conftest import OpenIdProvider
from tests.probes.helpers import (
    SIGNING_KEY,
    assert_verdict,
    ids,
    make_spec,
    public_jwks,
    serve_provider,
    timed_probe,
)
from tests.probes.servers import LoopbackServer, json_handler
from vendortui.app.probes.findings import Severity
from vendortui.models.enums import ProbeKind, ProbeOutcome

Serve = Callable[..., LoopbackServer]
DISCOVERY = ProbeKind.OIDC_DISCOVERY


async def test_real_provider_over_http_passes(op_http: OpenIdProvider) -> None:
    report, elapsed = await timed_probe(make_spec(DISCOVERY, op_http.issuer))
    assert_verdict(report, elapsed, ProbeOutcome.PASS, "jwks.summary")
    assert set(report.latencies_ms) == {"discovery", "jwks"}


async def test_real_provider_over_https_with_custom_ca_passes(op_https: OpenIdProvider) -> None:
    spec = make_spec(
        DISCOVERY, op_https.issuer, ca_file=op_https.ca_file, allow_insecure_loopback=False
    )
    report, elapsed = await timed_probe(spec)
    assert_verdict(report, elapsed, ProbeOutcome.PASS, "jwks.summary")


async def test_https_provider_without_our_ca_is_a_certificate_failure(
    op_https: OpenIdProvider,
) -> None:
    report, elapsed = await timed_probe(make_spec(DISCOVERY, op_https.issuer))
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "tls.certificate")


async def test_plain_http_issuer_is_refused_without_the_loopback_flag(serve: Serve) -> None:
    server = serve()
    serve_provider(server)
    spec = make_spec(DISCOVERY, server.base_url, allow_insecure_loopback=False)
    report, elapsed = await timed_probe(spec)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "oidc.issuer_not_https")
    assert server.requests == []


async def test_issuer_mismatch(serve: Serve) -> None:
    server = serve()
    serve_provider(server, issuer="https://login.example.com")
    report, elapsed = await timed_probe(make_spec(DISCOVERY, server.base_url))
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "oidc.issuer_mismatch")


async def test_trailing_slash_is_a_mismatch(serve: Serve) -> None:
    server = serve()
    serve_provider(server)
    report, elapsed = await timed_probe(make_spec(DISCOVERY, server.base_url + "/"))
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "oidc.issuer_mismatch")


async def test_entra_multi_tenant_template_is_only_a_warning(serve: Serve) -> None:
    server = serve()
    serve_provider(server, issuer=server.base_url + "/{tenantid}/v2.0")
    spec = make_spec(
        DISCOVERY,
        server.base_url + "/common/v2.0",
        metadata_url=server.base_url + "/.well-known/openid-configuration",
    )
    report, elapsed = await timed_probe(spec)
    assert_verdict(report, elapsed, ProbeOutcome.WARN, "oidc.issuer_template")


async def test_mainstream_quirks_are_yellow_not_red(serve: Serve) -> None:
    """Implicit + password advertised, no PKCE methods listed: what big providers publish."""
    server = serve()
    serve_provider(
        server,
        code_challenge_methods_supported=None,
        response_types_supported=["code", "id_token", "token id_token"],
        grant_types_supported=["authorization_code", "implicit", "password"],
    )
    report, elapsed = await timed_probe(make_spec(DISCOVERY, server.base_url))
    assert_verdict(report, elapsed, ProbeOutcome.WARN, "oidc.implicit_advertised")
    assert {"oidc.password_grant_advertised", "oidc.pkce_not_advertised"} <= set(ids(report))


async def test_pkce_plain_only_is_an_error(serve: Serve) -> None:
    server = serve()
    serve_provider(server, code_challenge_methods_supported=["plain"])
    report, elapsed = await timed_probe(make_spec(DISCOVERY, server.base_url))
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "oidc.pkce_s256_missing")


async def test_missing_required_member(serve: Serve) -> None:
    server = serve()
    serve_provider(server, subject_types_supported=None)
    report, elapsed = await timed_probe(make_spec(DISCOVERY, server.base_url))
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "oidc.missing_member")


async def test_http_jwks_under_https_issuer_is_not_fetched(
    serve: Serve, tls_good, ca_file: str
) -> None:
    server = serve(ssl_context=tls_good)
    plain = serve()
    plain.routes["/jwks"] = json_handler(public_jwks())
    serve_provider(server, jwks_uri=plain.base_url + "/jwks")
    spec = make_spec(DISCOVERY, server.base_url, ca_file=ca_file)
    report, elapsed = await timed_probe(spec)
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "oidc.endpoint_not_https")
    assert plain.requests == []


async def test_alg_none_advertised(serve: Serve) -> None:
    server = serve()
    serve_provider(server, id_token_signing_alg_values_supported=["RS256", "none"])
    report, elapsed = await timed_probe(make_spec(DISCOVERY, server.base_url))
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "oidc.alg_none")


async def test_hs256_only(serve: Serve) -> None:
    server = serve()
    serve_provider(server, id_token_signing_alg_values_supported=["HS256"])
    report, elapsed = await timed_probe(make_spec(DISCOVERY, server.base_url))
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "oidc.no_asymmetric_alg")
    assert "oidc.alg_symmetric" in ids(report)


async def test_hs256_next_to_rs256_is_a_warning(serve: Serve) -> None:
    """Keycloak lists HS256 among its ID-token algorithms."""
    server = serve()
    serve_provider(server, id_token_signing_alg_values_supported=["RS256", "HS256"])
    report, elapsed = await timed_probe(make_spec(DISCOVERY, server.base_url))
    assert_verdict(report, elapsed, ProbeOutcome.WARN, "oidc.alg_symmetric")


async def test_empty_jwks(serve: Serve) -> None:
    server = serve()
    serve_provider(server)
    server.routes["/jwks"] = json_handler({"keys": []})
    report, elapsed = await timed_probe(make_spec(DISCOVERY, server.base_url))
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "jwks.empty")


async def test_private_jwks(serve: Serve) -> None:
    server = serve()
    serve_provider(server)
    server.routes["/jwks"] = json_handler({"keys": [SIGNING_KEY.as_dict(private=True)]})
    report, elapsed = await timed_probe(make_spec(DISCOVERY, server.base_url))
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "jwks.private_key")


async def test_symmetric_key_in_jwks_is_private_material(serve: Serve) -> None:
    server = serve()
    serve_provider(server)
    oct_key = {"kty": "oct", "kid": "h", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQ"}
    server.routes["/jwks"] = json_handler({"keys": [*public_jwks()["keys"], oct_key]})
    report, elapsed = await timed_probe(make_spec(DISCOVERY, server.base_url))
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "jwks.private_key")


async def test_small_rsa_key(serve: Serve) -> None:
    from joserfc.jwk import RSAKey

    with pytest.warns(SecurityWarning):
        small = RSAKey.generate_key(1024, parameters={"kid": "small"}).as_dict(private=False)
    server = serve()
    serve_provider(server)
    server.routes["/jwks"] = json_handler({"keys": [small]})
    report, elapsed = await timed_probe(make_spec(DISCOVERY, server.base_url))
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "jwks.rsa_too_small")


async def test_duplicate_kids(serve: Serve) -> None:
    from joserfc.jwk import ECKey

    twin = ECKey.generate_key("P-256", parameters={"kid": "k1"}).as_dict(private=False)
    server = serve()
    serve_provider(server)
    server.routes["/jwks"] = json_handler({"keys": [*public_jwks()["keys"], twin]})
    report, elapsed = await timed_probe(make_spec(DISCOVERY, server.base_url))
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "jwks.kid_duplicate")


async def test_unknown_key_type_next_to_a_good_key_is_a_warning(serve: Serve) -> None:
    server = serve()
    serve_provider(server)
    future = {"kty": "AKP", "kid": "pq", "alg": "ML-DSA-44", "pub": "AAAA"}
    server.routes["/jwks"] = json_handler({"keys": [*public_jwks()["keys"], future]})
    report, elapsed = await timed_probe(make_spec(DISCOVERY, server.base_url))
    assert_verdict(report, elapsed, ProbeOutcome.WARN, "jwks.key_unusable")
    finding = next(f for f in report.findings if f.check_id == "jwks.key_unusable")
    assert finding.severity is Severity.WARNING

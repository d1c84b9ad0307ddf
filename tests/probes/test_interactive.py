"""Device flow and auth code + PKCE against the real OP, signed in by a headless browser."""

from __future__ import annotations

import ssl

import pytest

from tests.probes.browser import sign_in
from tests.probes.conftest import OpenIdProvider
from tests.probes.helpers import assert_verdict, ids, make_spec, timed_probe
from vendortui.app.probes.interactive import ProbeHooks
from vendortui.models.enums import ProbeKind, ProbeOutcome

# A person's part: the browser round trip of a sign-in takes well under this.
INTERACTIVE_BUDGET_S = 10.0


def _verify(op: OpenIdProvider) -> ssl.SSLContext | bool:
    return ssl.create_default_context(cafile=op.ca_file) if op.ca_file else True


def _spec(op: OpenIdProvider, kind: ProbeKind, **kwargs):
    return make_spec(
        kind,
        op.issuer,
        client_id="native",
        ca_file=op.ca_file,
        allow_insecure_loopback=not op.ca_file,
        interactive_timeout_s=INTERACTIVE_BUDGET_S,
        **kwargs,
    )


def browser_hooks(op: OpenIdProvider, login: str, deny: bool = False) -> ProbeHooks:
    """Hooks that sign in like a person would, through oidc-provider's devInteractions."""

    async def open_browser(url: str) -> None:
        await sign_in(url, login=login, verify=_verify(op))

    async def on_user_code(user_code: str, verification_uri: str) -> None:
        page = await sign_in(
            f"{verification_uri}?user_code={user_code}", login=login, verify=_verify(op), deny=deny
        )
        assert ("was interrupted" if deny else "Sign-in Success") in page.text

    return ProbeHooks(on_user_code=on_user_code, open_browser=open_browser)


@pytest.mark.parametrize("op_fixture", ["op_http", "op_https"])
@pytest.mark.parametrize("kind", [ProbeKind.AUTH_CODE, ProbeKind.DEVICE_CODE])
async def test_sign_in_with_a_security_key_passes(
    op_fixture: str, kind: ProbeKind, request: pytest.FixtureRequest
) -> None:
    op: OpenIdProvider = request.getfixturevalue(op_fixture)
    spec = _spec(op, kind, scopes="openid offline_access email")
    report, elapsed = await timed_probe(spec, hooks=browser_hooks(op, "hwk-alice"))
    assert_verdict(
        report, elapsed, ProbeOutcome.PASS, "idtoken.amr_phishing_resistant", INTERACTIVE_BUDGET_S
    )
    assert "refresh.ok" in ids(report)
    assert {"discovery", "jwks", "user", "refresh"} <= set(report.latencies_ms)


async def test_password_only_sign_in_is_a_warning(op_http: OpenIdProvider) -> None:
    spec = _spec(op_http, ProbeKind.AUTH_CODE, scopes="openid")
    report, elapsed = await timed_probe(spec, hooks=browser_hooks(op_http, "alice"))
    assert_verdict(
        report, elapsed, ProbeOutcome.WARN, "idtoken.amr_password_only", INTERACTIVE_BUDGET_S
    )
    assert "refresh.ok" not in ids(report)


async def test_expected_claims_on_the_id_token(op_http: OpenIdProvider) -> None:
    spec = _spec(op_http, ProbeKind.AUTH_CODE, scopes="openid email", expected_claims="sub=bob-hwk")
    report, elapsed = await timed_probe(spec, hooks=browser_hooks(op_http, "carol-hwk"))
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "claims.mismatch", INTERACTIVE_BUDGET_S)


async def test_nobody_signs_in(op_http: OpenIdProvider) -> None:
    spec = make_spec(
        ProbeKind.AUTH_CODE,
        op_http.issuer,
        client_id="native",
        interactive_timeout_s=0.5,
    )
    report, elapsed = await timed_probe(spec, hooks=ProbeHooks(open_browser=lambda _url: None))
    assert_verdict(report, elapsed, ProbeOutcome.ERROR, "probe.user_timeout", 0.5)


@pytest.mark.parametrize("kind", [ProbeKind.AUTH_CODE, ProbeKind.DEVICE_CODE])
async def test_without_ui_hooks_the_probe_says_it_needs_a_person(
    op_http: OpenIdProvider, kind: ProbeKind
) -> None:
    report, elapsed = await timed_probe(_spec(op_http, kind))
    assert_verdict(report, elapsed, ProbeOutcome.ERROR, "probe.needs_user")


async def test_device_sign_in_denied_by_the_person(op_http: OpenIdProvider) -> None:
    spec = _spec(op_http, ProbeKind.DEVICE_CODE)
    report, elapsed = await timed_probe(spec, hooks=browser_hooks(op_http, "hwk-bob", deny=True))
    assert_verdict(report, elapsed, ProbeOutcome.FAIL, "device.denied", INTERACTIVE_BUDGET_S)

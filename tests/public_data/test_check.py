"""The cross-check rules: each finding fires on exactly the disagreement it names, says why
(source, domain, date, age) and what to do; stale data says so."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.public_data.helpers import app, make_datasets, price, twofa
from vendortui.app.public_data.check import Posture, vendor_public

TODAY = date(2026, 12, 3)


def posture(**values: object) -> Posture:
    values.setdefault("website", "https://www.example.com")
    return Posture("v1", "Example", **values)  # type: ignore[arg-type]


def codes(p: Posture, **data: object) -> list[str]:
    return [f.code for f in vendor_public(p, make_datasets(**data), TODAY).findings]  # type: ignore[arg-type]


def test_webauthn_enforced_but_no_keys_offered() -> None:
    enforced = posture(webauthn_enforced=True, mfa_methods="webauthn")
    result = vendor_public(
        enforced, make_datasets(twofa={"example.com": twofa("totp", "sms")}), TODAY
    )
    [finding] = result.findings
    assert (finding.code, finding.kind) == ("webauthn_no_keys", "disagree")
    assert "2fa.directory (example.com, 2026-08-04, 4 months old)" in finding.why
    assert "offers: TOTP app, SMS" in finding.why
    assert "unmark WebAuthn enforced" in finding.todo
    # Keys through the passkeys directory, or u2f listed: no disagreement.
    assert not codes(enforced, twofa={"example.com": twofa("totp")},
                     passkeys={"example.com": {"mfa": "allowed", "passwordless": "", "documentation": ""}})  # fmt: skip  # noqa: E501
    assert not codes(enforced, twofa={"example.com": twofa("totp", "u2f")})
    # Not listed anywhere: unknown, not a disagreement.
    assert not codes(enforced)


def test_listed_without_any_2fa_is_said() -> None:
    enforced = posture(webauthn_enforced=True)
    [finding] = vendor_public(
        enforced, make_datasets(twofa={"example.com": twofa()}), TODAY
    ).findings
    assert "offers: no 2FA at all" in finding.why


def test_keys_available_but_team_allows_only_weaker_methods() -> None:
    data = {"twofa": {"example.com": twofa("sms", "totp", "u2f")}}
    [finding] = vendor_public(
        posture(mfa_methods="SMS, TOTP"), make_datasets(**data), TODAY
    ).findings  # type: ignore[arg-type]
    assert (finding.code, finding.kind) == ("keys_unused", "better")
    assert finding.why.startswith("We allow only sms, totp, but 2fa.directory (example.com")
    for strong in ("webauthn, totp", "TOTP / YubiKey", "passkeys", "security key"):
        assert not codes(posture(mfa_methods=strong), **data)
    assert not codes(posture(mfa_methods=""), **data)
    assert not codes(posture(mfa_methods="sms", webauthn_enforced=True), **data)
    passkeys_only = {"example.com": {"mfa": "", "passwordless": "allowed", "documentation": ""}}
    result = vendor_public(
        posture(mfa_methods="totp"), make_datasets(passkeys=passkeys_only), TODAY
    )
    assert [f.fact.source for f in result.findings] == ["passkeys"]


def test_sso_included_but_sso_tax_lists_a_surcharge_with_percent_and_age() -> None:
    listed = {
        "sso": [price("example.com", "425%", "2020-04-14", base="$4 per u/m", sso="$21 per u/m")]
    }
    included = posture(sso_protocol="saml")
    [finding] = vendor_public(included, make_datasets(**listed), TODAY).findings  # type: ignore[arg-type]
    assert (finding.code, finding.kind) == ("sso_surcharge", "disagree")
    assert finding.why == (
        "SSO is recorded as included, but sso.tax (example.com, 2020-04-14, 6 years old; "
        "stale: check the vendor's page) lists SSO for Example at +425% over the base plan "
        "($4 per u/m -> $21 per u/m)"
    )
    assert finding.stale(TODAY) and finding.as_json(TODAY)["stale"] is True
    assert "SSO needs higher plan" in finding.todo
    assert not codes(posture(sso_protocol="saml", sso_requires_upgrade=True), **listed)
    assert not codes(posture(sso_protocol="none"), **listed)
    unknown = {"sso": [price("example.com", "???")]}
    [finding] = vendor_public(included, make_datasets(**unknown), TODAY).findings  # type: ignore[arg-type]
    assert "+??? over the base plan" in finding.why and "stale" not in finding.why


def test_scim_and_saml_against_the_atlas() -> None:
    upgrade = {"atlas": [app("example.com", saml="UPGRADE", scim="UPGRADE")]}
    result = vendor_public(posture(), make_datasets(**upgrade), TODAY)  # type: ignore[arg-type]
    assert [(f.code, f.kind) for f in result.findings] == [
        ("scim_available", "better"),
        ("saml_available", "better"),
    ]
    assert "says SCIM provisioning is available on a higher plan" in result.findings[0].why
    assert codes(posture(), atlas=[app("example.com", scim="TRUE", saml="UNKNOWN")]) == [
        "scim_available"
    ]
    none = {"atlas": [app("example.com", saml="FALSE", scim="FALSE")]}
    assert codes(posture(scim=True, sso_protocol="saml"), **none) == [
        "scim_not_listed",
        "saml_not_listed",
    ]
    assert not codes(posture(scim=True, sso_protocol="saml"), **upgrade)
    assert not codes(posture(), atlas=[app("example.com", saml="UNKNOWN", scim="UNKNOWN")])


def test_stale_dataset_dates_are_said_and_fresh_ones_are_not() -> None:
    old = make_datasets(atlas=[app("example.com")], day="2025-05-06")
    [scim, _] = vendor_public(posture(), old, TODAY).findings
    assert "2025-05-06, 19 months old; stale: check the vendor's page" in scim.why
    fresh = make_datasets(atlas=[app("example.com")], day="2026-11-01")
    assert all(not f.stale(TODAY) for f in vendor_public(posture(), fresh, TODAY).findings)
    future = make_datasets(atlas=[app("example.com")], day="2027-01-01")
    assert "0 days old" in vendor_public(posture(), future, TODAY).findings[0].why


def test_matching_walks_up_to_the_registrable_domain_only() -> None:
    data = {"twofa": {"example.com": twofa("totp"), "aws.amazon.com": twofa("u2f")}}
    enforced = {"webauthn_enforced": True}
    assert codes(posture(website="https://eu.app.example.com/login", **enforced), **data) == [
        "webauthn_no_keys"
    ]
    assert not codes(posture(website="https://amazon.com", **enforced), **data)
    assert not codes(posture(website="https://example.co.uk", **enforced), **data)
    via_extra = posture(
        website="https://about.example.org", extra_domains="example.com", **enforced
    )
    result = vendor_public(via_extra, make_datasets(**data), TODAY)  # type: ignore[arg-type]
    assert result.facts.domains == ("about.example.org", "example.com")
    assert result.findings[0].fact.domain == "example.com"


FLAGS = st.sampled_from(["TRUE", "FALSE", "UPGRADE", "UNKNOWN"])


@settings(max_examples=150, deadline=None)
@given(
    methods=st.lists(st.sampled_from(["sms", "totp", "u2f", "email", "call"]), unique=True),
    passkey=st.sampled_from(["", "allowed", "required"]),
    listed=st.booleans(),
    percent=st.sampled_from(["66%", "???", "167%+", ""]),
    saml=FLAGS,
    scim_flag=FLAGS,
    recorded=st.fixed_dictionaries(
        {
            "sso_protocol": st.sampled_from(["none", "saml", "oidc"]),
            "scim": st.booleans(),
            "mfa_methods": st.sampled_from(["", "sms", "totp, sms", "webauthn", "push"]),
            "webauthn_enforced": st.booleans(),
            "sso_requires_upgrade": st.booleans(),
        }
    ),
)
def test_every_finding_cites_its_source_and_says_what_to_do(
    methods: list[str],
    passkey: str,
    listed: bool,
    percent: str,
    saml: str,
    scim_flag: str,
    recorded: dict[str, object],
) -> None:
    """Whatever the combination: each finding names its dataset, the matched domain and the
    data's date; its kind is disagree or better; and no rule fires without data."""
    data = make_datasets(
        twofa={"example.com": twofa(*methods)} if listed else None,
        passkeys={"example.com": {"mfa": passkey, "passwordless": "", "documentation": ""}},
        sso=[price("example.com", percent)],
        atlas=[app("example.com", saml=saml, scim=scim_flag)],
    )
    p = posture(**recorded)
    for finding in vendor_public(p, data, TODAY).findings:
        assert finding.kind in ("disagree", "better")
        assert "example.com" in finding.why and finding.fact.as_of.isoformat() in finding.why
        assert finding.todo.endswith(".")
    assert vendor_public(p, make_datasets(), TODAY).findings == []

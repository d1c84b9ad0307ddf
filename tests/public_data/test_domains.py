"""Matching vendors to dataset entries by domain, and the vendor's ``extra_domains`` field."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from vendortui.app.kb import KnowledgeBase
from vendortui.app.migrate import upgrade
from vendortui.app.public_data.domains import lookups, normalise, parse_list, vendor_domains
from vendortui.app.validation import FieldError


@pytest.mark.parametrize(
    ("raw", "domain"),
    [
        ("https://www.datadoghq.com", "datadoghq.com"),
        ("https://www.atlassian.com/software/statuspage", "atlassian.com"),
        ("HTTPS://App.Example.COM:8443/x?y#z", "app.example.com"),
        ("example.com.", "example.com"),
        ("www.example.co.uk", "example.co.uk"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("user@mail.example.org", "mail.example.org"),
        ("www.com", "www.com"),
        ("localhost", None),
        ("10.0.0.1", None),
        ("https://", None),
        ("exa mple.com", None),
        ("-bad-.com", None),
        ("", None),
        ("http://[::1]/", None),
    ],
)
def test_normalise(raw: str, domain: str | None) -> None:
    assert normalise(raw) == domain


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ("eu.app.example.com", ["eu.app.example.com", "app.example.com", "example.com"]),
        ("example.com", ["example.com"]),
        ("shop.example.co.uk", ["shop.example.co.uk", "example.co.uk"]),
        ("agency.gob.ar", ["agency.gob.ar"]),
        ("co.uk", []),
        ("example.io", ["example.io"]),
    ],
)
def test_lookups_stop_at_the_registrable_domain(domain: str, expected: list[str]) -> None:
    assert lookups(domain) == expected


def test_vendor_domains_website_first_then_extras_without_repeats() -> None:
    assert vendor_domains("https://about.gitlab.com", "gitlab.com, GitLab.com  www.gitlab.io") == [
        "about.gitlab.com",
        "gitlab.com",
        "gitlab.io",
    ]
    assert vendor_domains("", "not a domain, ok.example") == ["ok.example"]


def test_parse_list_names_the_first_bad_domain() -> None:
    assert parse_list(" a.com,b.io  https://www.c.dev/x ") == ["a.com", "b.io", "c.dev"]
    with pytest.raises(ValueError, match="'not_a' is not a domain"):
        parse_list("a.com, not_a domain")
    with pytest.raises(ValueError, match="at most 20"):
        parse_list(" ".join(f"d{n}.com" for n in range(21)))


def test_extra_domains_are_validated_and_stored_normalised(kb: KnowledgeBase) -> None:
    from vendortui.models import Vendor

    vendor = kb.add_vendor("GitLab", website="https://about.gitlab.com")
    kb.update(Vendor, vendor.id, extra_domains="GitLab.com https://www.gitlab.io/")
    assert kb.card(vendor.id).vendor.extra_domains == "gitlab.com, gitlab.io"
    with pytest.raises(FieldError) as refused:
        kb.update(Vendor, vendor.id, extra_domains="gitlab.com, localhost")
    assert refused.value.field == "extra_domains"
    assert "'localhost' is not a domain" in str(refused.value)
    assert kb.card(vendor.id).vendor.extra_domains == "gitlab.com, gitlab.io"
    from vendortui.app.card import card_markdown

    assert "- Extra domains: gitlab.com, gitlab.io" in card_markdown(kb.card(vendor.id))


def test_migration_0002_gives_existing_vendors_an_empty_list(tmp_path: Path) -> None:
    """A vendor stored under revision 0001 is read with ``extra_domains = ''`` after 0002."""
    path = tmp_path / "old.db"
    upgrade(path, "0001")
    conn = sqlite3.connect(path)
    columns = [row[1] for row in conn.execute("PRAGMA table_info(vendor)")]
    assert "extra_domains" not in columns
    conn.execute(
        "INSERT INTO vendor (id, created_at, updated_at, updated_by, slug, name, category, "
        "status, rollout_stage, risk_tier, website, description, sso_protocol, scim, "
        "mfa_methods, webauthn_enforced, sso_requires_upgrade, termination_data) VALUES "
        "('0190', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 'a@b', 'old', 'Old', '', "
        "'production', '', 'low', 'https://old.example', '', 'none', 0, '', 0, 0, '')"
    )
    conn.commit()
    conn.close()
    upgrade(path, "0002")
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT extra_domains FROM vendor WHERE id = '0190'").fetchone() == ("",)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0002",)
    conn.close()

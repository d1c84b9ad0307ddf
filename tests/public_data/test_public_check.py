"""``vendortui public-check``: findings per vendor with why and what to do, JSON, the exit code
under ``--fail-on``; the same findings on the attention list; hostile dataset text escaped."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.public_data.conftest import FIXTURES, write_json
from vendortui.app.cli import main
from vendortui.app.kb import KnowledgeBase
from vendortui.app.public_data.reduce import UPSTREAM_FILES


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """The demo knowledge base: real vendors on their real domains."""
    path = str(tmp_path / "demo.db")
    assert main(["demo", "--db", path]) == 0
    capsys.readouterr()
    return path


def test_demo_shows_findings_on_first_launch(demo: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "public-check", "--db", demo)
    assert (code, err) == (0, "")
    assert "Datadog (datadoghq.com)" in out
    assert "disagree WebAuthn is marked enforced, but 2fa.directory (datadoghq.com" in out
    assert "-> Check the vendor's sign-in settings" in out
    assert "PagerDuty (pagerduty.com)" in out and "SCIM is marked yes" in out
    assert "Opsgenie" not in out  # retired
    assert out.rstrip().endswith("across 14 vendor(s).")


def test_fail_on_disagree_exits_1(demo: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "public-check", "--db", demo, "--fail-on", "disagree")[0] == 1
    assert run(capsys, "public-check", "amplitude", "--db", demo, "--fail-on", "disagree")[0] == 0
    assert run(capsys, "public-check", "amplitude", "--db", demo, "--fail-on", "any")[0] == 1


def test_named_vendors_say_when_nothing_is_listed_or_all_agrees(
    demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "public-check", "honeycomb", "Okta", "--db", demo)
    assert code == 0
    assert "Honeycomb (honeycomb.io)\n  not listed in any public dataset" in out
    assert "Okta (okta.com)\n  public data agrees with what we recorded" in out


def test_json_carries_source_date_age_and_staleness(
    demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "public-check", "datadog", "pagerduty", "--json", "--db", demo)
    assert code == 0
    rows = {row["vendor"]: row for row in json.loads(out)}
    [keys] = rows["Datadog"]["findings"]
    assert keys["code"] == "webauthn_no_keys" and keys["source"] == "2fa"
    assert keys["as_of"] == "2026-08-04" and keys["domain"] == "datadoghq.com"
    assert keys["age_days"] == (date.today() - date(2026, 8, 4)).days
    [scim] = rows["PagerDuty"]["findings"]
    assert (scim["source"], scim["as_of"]) == ("atlas", "2025-05-06")
    assert scim["stale"] is ((date.today() - date(2025, 5, 6)).days > 365)


def test_unknown_vendor_is_one_sentence(demo: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "public-check", "Nope\x1b[2J", "--db", demo)
    assert (code, out) == (2, "")
    assert err == (
        "vendortui: There is no vendor called 'Nope\\u001b[2J'; `vendortui vendors` lists them.\n"
    )


def test_hostile_dataset_text_is_escaped_in_every_output(
    tmp_path: Path, kb: KnowledgeBase, capsys: pytest.CaptureFixture[str]
) -> None:
    """An imported sso.tax file whose names and prices hold markup and terminal controls."""
    doc = json.loads((FIXTURES / UPSTREAM_FILES["sso-tax"]).read_text(encoding="utf-8"))
    doc[4]["name"] = "Git[bold]Hub\x1b[2J\u202e"
    doc[4]["sso_pricing"] = "$21\x9b31m"
    assert main(["datasets", "import", str(write_json(tmp_path / "v.json", doc))]) == 0
    kb.add_vendor("GitHub", website="https://github.com", sso_protocol="saml")
    capsys.readouterr()
    code, out, _ = run(capsys, "public-check", "--db", str(kb.path))
    assert code == 0
    assert "\x1b" not in out and "\x9b" not in out and "\u202e" not in out
    assert "Git[bold]Hub\\u001b[2J\\u202e" in out and "$21\\u009b31m" in out
    code, out, _ = run(capsys, "public-check", "--json", "--db", str(kb.path))
    assert "\x1b" not in out and "\x9b" not in out
    assert "Git[bold]Hub\x1b[2J\u202e" in json.loads(out)[0]["findings"][0]["why"]


def test_attention_list_carries_the_findings_at_info_severity(demo: str) -> None:
    kb = KnowledgeBase.open(Path(demo))
    try:
        items = [i for i in kb.attention(date.today()) if i.kind.startswith("public_")]
    finally:
        kb.db.close()
    assert {(i.vendor, i.kind) for i in items} == {
        ("Amplitude", "public_scim_available"),
        ("Datadog", "public_webauthn_no_keys"),
        ("LaunchDarkly", "public_webauthn_no_keys"),
        ("PagerDuty", "public_scim_not_listed"),
    }
    assert {i.severity for i in items} == {"info"}
    assert all(i.todo for i in items)


def test_public_check_stays_off_sqlmodel(demo: str, tmp_path: Path) -> None:
    """A read command: stdlib sqlite3 and the snapshots, never the ORM."""
    import subprocess

    code = (
        "import sys; from vendortui.app.cli import main; "
        f"rc = main(['public-check', '--db', {demo!r}]); "
        "print(rc, sorted(m for m in sys.modules if m.split('.')[0] == 'sqlmodel'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()[-1]
    assert out == "0 []"

"""``vendortui report``: the inventory by risk tier, in Markdown and HTML, with hostile data.

Markdown is parsed with markdown-it-py (what a renderer would build from it) and HTML with the
standard library's parser, so the escaping tests assert on structure (no element, link,
heading or list item came from data), not on the renderers' own strings.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tests.core.cli_process import run_cli as vendortui
from tests.planting import plant
from vendortui.app.checklists.due import annual_reviews
from vendortui.app.checklists.templates import catalog_from_conn
from vendortui.app.kb import KnowledgeBase
from vendortui.app.probes.findings import Recorder
from vendortui.app.report.render import report_text
from vendortui.app.text import one_line
from vendortui.models import DataCategory, Person, ProbeConfig, Role

TODAY = date(2026, 12, 3)


def _person(kb: KnowledgeBase, vendor_id: str, kind: str, name: str, email: str) -> None:
    person = kb.create(Person, name=name, email=email)
    kb.create(Role, vendor_id=vendor_id, person_id=person.id, kind=kind)


@pytest.fixture
def inventory_kb(kb: KnowledgeBase) -> KnowledgeBase:
    """Three tiers; a lead and backup, data, a probe result, an open run and a review."""
    okta = kb.add_vendor("Okta", status="production", risk_tier="critical", category="identity")
    _person(kb, okta.id, "lead", "Grace Hopper", "grace@example.com")
    _person(kb, okta.id, "backup", "Alan Turing", "alan@example.com")
    kb.create(DataCategory, vendor_id=okta.id, name="Directory", pii_level="high", encrypted=True)
    kb.update(type(okta), okta.id, sso_protocol="oidc", scim=True, webauthn_enforced=True)
    probe = kb.create(
        ProbeConfig, vendor_id=okta.id, name="discovery", kind="oidc_discovery",
        issuer="https://idp.example.com",
    )  # fmt: skip
    rec = Recorder()
    rec.error("oidc.issuer_mismatch", "issuer differs")
    kb.probes.record(probe, replace(rec.report(datetime(2026, 11, 30, 8, 15, tzinfo=UTC),
                                               time.perf_counter()), duration_ms=90))  # fmt: skip
    review = kb.checklists.start_run(okta.id, "annual-review")
    plant(kb.path, "checklist_run", review.id, status="completed",
          completed_at="2026-04-01 10:00:00.000000")  # fmt: skip
    slack = kb.add_vendor("Slack", status="production", risk_tier="high")
    run = kb.checklists.start_run(slack.id, "rollout")
    first = kb.checklists.detail(run.id).items[0]
    kb.checklists.mark(first.id, "blocked", reason="waiting on legal")
    kb.add_vendor("Figma", status="evaluating", risk_tier="low")
    return kb


def _report(kb: KnowledgeBase, fmt: str) -> str:
    with kb.db.read() as conn:
        return report_text(conn, TODAY, fmt, str(kb.path))


def _sections(markdown: str) -> dict[str, str]:
    """``## Tier`` heading -> the text under it."""
    out, current = {}, ""
    for line in markdown.splitlines():
        if line.startswith("## "):
            current = line[3:]
            out[current] = ""
        elif current:
            out[current] += line + "\n"
    return out


def test_markdown_groups_vendors_by_tier_with_their_facts(inventory_kb: KnowledgeBase) -> None:
    text = _report(inventory_kb, "markdown")
    assert text.startswith("# Vendor inventory\n\n3 vendors in ")
    sections = _sections(text)
    assert list(sections) == ["Critical risk (1)", "High risk (1)", "Low risk (1)"]
    critical = sections["Critical risk (1)"]
    assert "### Okta (okta)" in critical and "Slack" not in critical
    assert "- Lead: Grace Hopper \\<grace@example.com\\>" in critical
    assert "- Backup: Alan Turing \\<alan@example.com\\>" in critical
    assert "- Data: Directory (PII high, encrypted)" in critical
    assert "SSO: oidc, SCIM: yes," in critical and "WebAuthn enforced: yes" in critical
    assert "- Public posture: not in the public datasets" in critical
    with inventory_kb.db.read() as conn:
        due = {
            i.vendor: i.when
            for i in annual_reviews(conn, TODAY, 36600, catalog_from_conn(conn), None)
        }
    assert f"- Review: last 2026-04-01, next due {due['Okta']}" in critical
    assert "- Latest probe results: discovery: fail, 2026-11-30 08:15 UTC" in critical
    high = sections["High risk (1)"]
    assert "- Lead: none" in high and "- Backup: none" in high and "- Data: none" in high
    assert "- Review: last never, next due " in high
    assert "- Open checklist items: Rollout: " in high and "1 blocked" in high
    low = sections["Low risk (1)"]
    assert "next due not owed (evaluating)" in low and "- Latest probe results: no probes" in low


class _Elements(HTMLParser):
    """Every start tag and the text of the document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _elements(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


def test_html_is_one_self_contained_printable_file(inventory_kb: KnowledgeBase) -> None:
    html = _report(inventory_kb, "html")
    parsed = _elements(html)
    tags = {tag for tag, _ in parsed.tags}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "a", "base"}
    assert not any(
        name in ("src", "href") or name.startswith("on")
        for _, attrs in parsed.tags
        for name in attrs
    ), "nothing is loaded and nothing runs"
    assert "@media print" in html and "url(" not in html and "@import" not in html
    csp = [a["content"] for t, a in parsed.tags if t == "meta" and "http-equiv" in a]
    assert csp and "default-src 'none'" in csp[0]
    assert [t for t, _ in parsed.tags].count("table") == 3
    text = "".join(parsed.text)
    assert "Critical risk (1)" in text and "Grace Hopper <grace@example.com>" in text
    assert "Directory (PII high, encrypted)" in text and "discovery: fail" in text


HOSTILE_NAME = "<script>alert(1)</script> [x](javascript:alert(1)) **b** | `c` &amp;"
HOSTILE_PLANTED = "Evil\x1b[2J\x07\u202e\n## Injected heading\n- injected item\r\n<img src=x>"


@pytest.fixture
def hostile_kb(kb: KnowledgeBase) -> KnowledgeBase:
    one = kb.add_vendor(HOSTILE_NAME, status="production", risk_tier="critical")
    _person(kb, one.id, "lead", "<b onmouseover=alert(1)>Mallory</b>", "m@example.com")
    kb.create(DataCategory, vendor_id=one.id, name="</td></tr><script>x()</script>",
              pii_level="high", encrypted=False)  # fmt: skip
    two = kb.add_vendor("Planted", status="production", risk_tier="critical")
    plant(kb.path, "vendor", two.id, name=HOSTILE_PLANTED, category="# cat\n<style>")
    return kb


def test_hostile_data_is_text_in_html(hostile_kb: KnowledgeBase) -> None:
    parsed = _elements(_report(hostile_kb, "html"))
    tags = [tag for tag, _ in parsed.tags]
    assert "script" not in tags and "img" not in tags and tags.count("style") == 1
    assert not any(name.startswith("on") for _, attrs in parsed.tags for name in attrs)
    text = "".join(parsed.text)
    assert HOSTILE_NAME in text, "shown exactly as stored"
    assert one_line(HOSTILE_PLANTED) in text, "control characters shown escaped, on one line"
    assert "<b onmouseover=alert(1)>Mallory</b> <m@example.com>" in text
    assert "</td></tr><script>x()</script> (PII high, not encrypted)" in text
    assert not any(ch in text for ch in "\x1b\x07\u202e\r")


def _tokens(markdown: str) -> list:
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    flat = []
    for token in tokens:
        flat.append(token)
        flat.extend(token.children or [])
    return flat


def test_hostile_data_is_text_in_markdown(hostile_kb: KnowledgeBase) -> None:
    text = _report(hostile_kb, "markdown")
    assert not any(ch in text for ch in "\x1b\x07\u202e\r")
    tokens = _tokens(text)
    kinds = {t.type for t in tokens}
    assert not kinds & {"html_inline", "html_block", "link_open", "code_inline", "strong_open",
                        "table_open", "image"}  # fmt: skip
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert len(headings) == 1 + 1 + 2, "title, one tier, two vendors: none from the data"
    assert HOSTILE_NAME + " (" in "".join(
        c.content
        for t in tokens
        if t.type == "inline"
        for c in t.children or []
        if c.type == "text"
    ), "the rendered text is the stored name"
    rendered = MarkdownIt("commonmark").render(text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    items = [t for t in tokens if t.type == "list_item_open"]
    assert len(items) == 2 * 9, "nine facts per vendor, no list item from the data"


def test_cli_output_file_and_path_problems(inventory_kb: KnowledgeBase, tmp_path: Path) -> None:
    db = str(inventory_kb.path)
    printed = vendortui("report", "--db", db)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.startswith("# Vendor inventory")
    target = tmp_path / "report.html"
    target.write_text("old report")
    written = vendortui("report", "--format", "html", "--output", str(target), "--db", db)
    assert written.returncode == 0, written.stderr
    assert written.stderr == f"Wrote {target}.\n"
    assert target.read_text().startswith("<!DOCTYPE html>")
    missing = tmp_path / "no" / "such"
    for path, sentence in (
        (str(tmp_path), f"{tmp_path} is a folder; give a file name inside it."),
        (
            str(missing / "r.md"),
            f"The folder {missing} does not exist; create it or choose another.",
        ),
        ("  ", "Give a file name after --output."),
        ("/dev/null", "/dev/null is not a regular file; give another file name."),
    ):
        refused = vendortui("report", "--output", path, "--db", str(tmp_path / "never.db"))
        assert (refused.returncode, refused.stderr) == (2, f"vendortui: {sentence}\n")
        assert refused.stdout == ""
    assert not (tmp_path / "never.db").exists(), "the path is checked before the database opens"


def test_a_folder_that_refuses_writing_is_one_sentence(inventory_kb: KnowledgeBase) -> None:
    """``/proc`` takes no new files, even from root: the write fails after the path checks."""
    refused = vendortui("report", "--output", "/proc/report.md", "--db", str(inventory_kb.path))
    assert refused.returncode == 2
    assert refused.stderr.startswith("vendortui: Could not write /proc/report.md (")
    assert (
        refused.stderr.endswith("); choose another file.\n") and "Traceback" not in refused.stderr
    )
    assert refused.stdout == ""


@pytest.mark.parametrize(
    "command",
    [["report"], ["report", "--format", "html"], ["calendar", "--output"], ["completion", "bash"]],
)
def test_report_calendar_and_completion_stay_off_sqlmodel(
    kb: KnowledgeBase, command: list[str], tmp_path: Path
) -> None:
    """Read commands: the demo's 15 vendors read with stdlib sqlite3, as ``show`` is. (The
    calendar writes bytes, so it goes to a file: the probe captures text stdout.)"""
    from tests.core.cli_process import imported_after
    from vendortui.app.demo import load_demo

    load_demo(kb)
    if command[-1] == "--output":
        command = [*command, str(tmp_path / "due.ics")]
    argv = [*command, "--db", str(kb.path)] if command[0] != "completion" else command
    assert imported_after(argv, ("sqlmodel", "sqlalchemy", "pydantic", "textual")) == []


def test_public_posture_says_what_public_check_finds(tmp_path: Path) -> None:
    """The report's public column and ``public-check`` ask the same datasets the same
    questions: every finding of the one appears, under its vendor, in the other."""
    db = str(tmp_path / "kb.db")
    assert vendortui("--db", db, "demo").returncode == 0
    checked = vendortui("--db", db, "public-check", "--json")
    findings = [(v["vendor"], f["why"]) for v in json.loads(checked.stdout) for f in v["findings"]]
    assert findings, "the demo is meant to show public-data findings on first launch"
    report = vendortui("--db", db, "report")
    assert report.returncode == 0, report.stderr
    blocks = {b.splitlines()[0].rsplit(" (", 1)[0]: b for b in report.stdout.split("\n### ")[1:]}
    for vendor, why in findings:
        assert why in blocks[vendor].replace("\\", ""), (vendor, why)
    listed = [line for line in report.stdout.splitlines() if "Public posture:" in line]
    assert len(listed) == len(blocks)
    assert any("security keys offered" in line for line in listed)

"""Names: one spelling per name (NFC), and a new vendor that looks like an existing one is
said so, on the command line and in the form, instead of silently becoming ``name-2``."""

from __future__ import annotations

import unicodedata

import pytest
from textual.widgets import Input, Static

from tests.core.test_cli import vendortui
from tests.waiting import wait_for
from vendortui.app.kb import KnowledgeBase
from vendortui.app.validation import LookAlikeError
from vendortui.models.rules import look_alike_key

CAFE_NFC = "Caf\u00e9"
CAFE_NFD = unicodedata.normalize("NFD", CAFE_NFC)


@pytest.mark.parametrize(
    ("existing", "new"),
    [
        (CAFE_NFC, CAFE_NFD),
        ("Datadog", "datadog"),
        ("Datadog", "Datadog, Inc."),
        ("GitLab", "Git Lab"),
        ("PayPal", "PayPaI"),
        ("Apple", "\u0410pple"),  # Cyrillic capital A
        ("Okta", "0kta"),
        ("New Relic", "new-relic"),
        ("Café", "CAFE GmbH"),
    ],
)
def test_look_alikes_share_a_key(existing: str, new: str) -> None:
    assert look_alike_key(existing) == look_alike_key(new)


@pytest.mark.parametrize(("one", "other"), [("Datadog", "Dataiku"), ("Slack", "Stack")])
def test_different_names_do_not(one: str, other: str) -> None:
    assert look_alike_key(one) != look_alike_key(other)


def test_nfc_and_nfd_are_one_vendor(kb: KnowledgeBase) -> None:
    kb.add_vendor(CAFE_NFC)
    with pytest.raises(LookAlikeError, match="looks like the existing vendor 'Café' \\(cafe\\)"):
        kb.add_vendor(CAFE_NFD)
    assert [row.name for row in kb.vendor_rows()] == [CAFE_NFC]
    assert kb.find_vendor_id(CAFE_NFD) == kb.find_vendor_id(CAFE_NFC)


def test_a_look_alike_is_added_only_when_confirmed(kb: KnowledgeBase) -> None:
    kb.add_vendor("Datadog")
    with pytest.raises(LookAlikeError):
        kb.add_vendor("Datadog Inc.")
    second = kb.add_vendor("Datadog Inc.", allow_similar=True)
    assert second.slug == "datadog-inc"
    third = kb.add_vendor("datadog", allow_similar=True)
    assert third.slug == "datadog-2"


def test_command_line_says_so_and_adds_nothing(kb: KnowledgeBase) -> None:
    kb.add_vendor(CAFE_NFC)
    before = kb.path.read_bytes()
    refused = vendortui("vendors", "add", CAFE_NFD, "--db", str(kb.path), check=False)
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1
    assert "looks like the existing vendor 'Café' (cafe)" in refused.stderr
    assert "--allow-similar" in refused.stderr
    assert kb.path.read_bytes() == before
    added = vendortui("vendors", "add", "CAFE", "--allow-similar", "--db", str(kb.path))
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "cafe-2"


async def test_form_warns_under_the_name_and_a_second_save_confirms(kb: KnowledgeBase) -> None:
    from vendortui.screens.app import VendorTui
    from vendortui.screens.forms import FormScreen
    from vendortui.screens.home import HomeScreen
    from vendortui.screens.vendor import VendorScreen

    kb.add_vendor(CAFE_NFC)
    app = VendorTui(kb)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        form.query_one("#field-name", Input).value = CAFE_NFD
        await pilot.press("ctrl+s")
        error = form.query_one("#error-name", Static)
        await wait_for(pilot, lambda: "looks like" in str(error.render()))
        assert "'Café' (cafe)" in str(error.render())
        assert "Save again to add it anyway" in str(error.render())
        assert [row.name for row in kb.vendor_rows()] == [CAFE_NFC]
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, VendorScreen))
    assert sorted(row.slug for row in kb.vendor_rows()) == ["cafe", "cafe-2"]

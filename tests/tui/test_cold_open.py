"""A vendor opened right after launch: the card must not wait for SQLModel (about 270 ms to
import, more for the first ORM query). Each check runs the real app in a fresh interpreter,
since this one imported SQLModel to build the knowledge base; it records what was loaded at
the moment the card was handed to the vendor screen, so no timing is involved."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.tui.conftest import build
from vendortui.app.kb import KnowledgeBase

ROOT = Path(__file__).resolve().parents[2]

OPEN_AT_ONCE = """
import asyncio, json, sys
from pathlib import Path

from tests.tui.keys import burst
from tests.waiting import wait_for
from vendortui.app.kb import KnowledgeBase
from vendortui.screens.app import VendorTui
from vendortui.screens.vendor import VendorScreen

seen = {}
load = VendorScreen.load

def recording_load(self, card):
    orm = [m for m in sys.modules if m.split(".")[0] in ("sqlmodel", "sqlalchemy")]
    seen.setdefault("orm", sorted(orm))
    seen.setdefault("vendor", card.vendor.name)
    load(self, card)

VendorScreen.load = recording_load

async def main():
    app = VendorTui(KnowledgeBase.open(Path(sys.argv[1])))
    async with app.run_test(size=(120, 40)) as pilot:
        burst(pilot, "/", *"GitLa", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, VendorScreen), "the card")
        await wait_for(pilot, lambda: "sqlmodel" in sys.modules, "models loaded for edits")
    print(json.dumps(seen))

asyncio.run(main())
"""


def test_a_card_opened_at_once_is_read_without_sqlmodel(tmp_path: Path) -> None:
    """The card comes from stdlib ``sqlite3`` (``kb.card_view``); SQLModel, needed only to
    save edits, is loaded in a worker after the first card is shown."""
    db = tmp_path / "kb.db"
    kb = KnowledgeBase.open(db)
    build(kb)
    kb.add_vendor("GitLab", category="ci")
    kb.db.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", OPEN_AT_ONCE, str(db)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen == {"orm": [], "vendor": "GitLab"}

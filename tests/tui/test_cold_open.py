"""A vendor opened right after launch: the card must not wait for SQLModel (about 270 ms to
import, more for the first ORM query), nor for work on the home screen that the keys only
pass through (its footer rebuilt, its filtered list drawn: each about a frame). Each check
runs the real app in a fresh interpreter, since this one imported SQLModel to build the
knowledge base; it records what was loaded and what was done at the moment the card was
handed to the vendor screen, so no timing is involved."""

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
from types import SimpleNamespace

from tests.tui.keys import burst
from tests.waiting import wait_for
from vendortui.app.kb import KnowledgeBase
from vendortui.screens.app import VendorTui
from vendortui.screens.vendor import VendorScreen
from vendortui.screens import typeahead
from vendortui.screens.typeahead import TypeAhead
from textual._compositor import Compositor
from textual.screen import Screen
from textual.widgets import Footer

seen = {}
home_work = {"footer rebuilds": 0, "frames": 0}
typing = False
load = VendorScreen.load
recompose = Footer.recompose
render_update = Compositor.render_update
timer_update = Screen._on_timer_update
updating = False
feed = TypeAhead.feed
mount = VendorTui.on_mount
# The burst's frames are held back for at most BATCH_LIMIT seconds; a loaded test machine
# must not turn that bound into what is checked here.
typeahead.BATCH_LIMIT = 60.0

def recording_load(self, card):
    orm = [m for m in sys.modules if m.split(".")[0] in ("sqlmodel", "sqlalchemy")]
    seen.setdefault("orm", sorted(orm))
    seen.setdefault("vendor", card.vendor.name)
    seen.setdefault("home screen work while typing", dict(home_work))
    load(self, card)

async def counted_recompose(self):
    if typing and self.screen is self.app.screen_stack[0]:
        home_work["footer rebuilds"] += 1
    await recompose(self)

def counted_render(self, *args, **kwargs):
    # Frames drawn for what changed (Textual's update timer): those the keys cause. Layouts
    # for the terminal's size at start-up come from events, and are not the keys' doing.
    if typing and updating and self is app.screen_stack[0]._compositor:
        home_work["frames"] += 1
    return render_update(self, *args, **kwargs)

def timed_update(self):
    global updating
    updating = True
    try:
        timer_update(self)
    finally:
        updating = False

def counting_feed(self, event):
    # From the second key on, the keys are a burst; what the home screen does from then on is
    # for keys that only pass through.
    global typing
    feed(self, event)
    typing = typing or len(self.waiting) + self.in_flight > 1

def typed_at_launch(self):
    # Typed as the app starts, the way bench/startup.py writes them to its pty: they reach
    # the app while the home screen mounts.
    burst(SimpleNamespace(app=self), "/", *"GitLa", "enter")
    mount(self)

VendorScreen.load = recording_load
TypeAhead.feed = counting_feed
VendorTui.on_mount = typed_at_launch
Footer.recompose = counted_recompose
Compositor.render_update = counted_render
Screen._on_timer_update = timed_update

async def main():
    global app
    app = VendorTui(KnowledgeBase.open(Path(sys.argv[1])))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, VendorScreen), "the card")
        await wait_for(pilot, lambda: "sqlmodel" in sys.modules, "models loaded for edits")
    print(json.dumps(seen))

asyncio.run(main())
"""


def test_a_card_opened_at_once_is_read_without_sqlmodel(tmp_path: Path) -> None:
    """The card comes from stdlib ``sqlite3`` (``kb.card_view``); SQLModel, needed only to
    save edits, is loaded in a worker after the first card is shown. The home screen the burst
    passes through is neither redrawn nor has its footer rebuilt before the card is up
    (``TypeAhead`` batches the frames of a burst; ``BindingsWhenIdle``)."""
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
    assert seen == {
        "orm": [],
        "vendor": "GitLab",
        "home screen work while typing": {"footer rebuilds": 0, "frames": 0},
    }

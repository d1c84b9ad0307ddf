"""The vendortui Textual App: screens, global keys, theme, and the flows every screen shares.

Start-up path: this module and the home screen import no SQLModel (about 270 ms). The home
screen reads the vendor list with stdlib ``sqlite3``; the card is read with stdlib ``sqlite3``
too (``kb.card_view``), so a vendor typed straight after launch opens without the ORM.
Background work (warm-up imports, the attention list) waits until the keys typed ahead have
landed (``TypeAhead.when_idle``), and the screens those keys pass through draw no frames
(``TypeAhead`` batches them): on two busy cores every frame and every thread competes with
the card. SQLModel, needed only by edits (which save in workers), is imported in a worker once
the first card is on screen, off the path of the keys that opened it.

The flows that several screens and the command palette share (add/edit/delete a vendor, edit
a person, confirm a delete) live here so there is one of each.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.notifications import Notify
from textual.screen import Screen

from vendortui.app.config import current
from vendortui.app.errors import KbError
from vendortui.app.kb import KnowledgeBase
from vendortui.app.queries import VendorRow
from vendortui.app.text import safe
from vendortui.models.ids import utcnow
from vendortui.screens.confirm import ConfirmScreen
from vendortui.screens.forms import PERSON_FIELDS, VENDOR_FIELDS, FormScreen, initial, save_edit
from vendortui.screens.home import HomeScreen
from vendortui.screens.keymap import check, effective_keymap
from vendortui.screens.palette import ActionCommands, VendorCommands
from vendortui.screens.themes import ALIASES, LIGHT, LIGHT_ANSI, user_themes
from vendortui.screens.toasts import keep_newest_visible
from vendortui.screens.typeahead import Release, TypeAhead

if TYPE_CHECKING:
    from vendortui.app.kb import VendorCard
    from vendortui.models import Person
    from vendortui.screens.vendor import VendorScreen

R = TypeVar("R")


class VendorTui(App[None]):
    """The dashboard. ``now`` freezes the clock (snapshots, tests); by default it is real."""

    CSS_PATH = "vendortui.tcss"
    # Size classes on every screen, for the small-terminal rules in vendortui.tcss (80x24).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    TITLE = "vendortui"
    COMMANDS = App.COMMANDS | {VendorCommands, ActionCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Keys", key_display="?", id="app.help"),
        # Textual's own ctrl+q is hidden from the footer; quitting is a ctrl key (never a letter
        # a burst of typing could hit), so say it on every screen.
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
    ]

    def __init__(
        self, kb: KnowledgeBase, theme: str | None = None, *, now: datetime | None = None
    ) -> None:
        super().__init__()
        self.kb = kb
        self.typeahead = TypeAhead(self)
        self._now = now
        self._stop_watching: Callable[[], None] | None = None
        self.config = current({"theme": theme})
        self.warnings = list(self.config.problems)
        self._set_theme(self.config.value("theme"))
        self.keys_in_effect, problems = effective_keymap(self.config)
        self.warnings += problems
        self.set_keymap(self.keys_in_effect)

    def _set_theme(self, requested: str) -> None:
        """Register vendortui's light theme and the user's ``themes/*.toml``, then use
        ``requested`` (flag > ``$VENDORTUI_THEME`` > config file > textual-dark)."""
        self.register_theme(LIGHT)
        self.ansi_theme_light = LIGHT_ANSI
        themes, problems = user_themes()
        for theme in themes:
            self.register_theme(theme)
        self.warnings += problems
        name = ALIASES.get(requested, requested)
        if name in self.available_themes:
            self.theme = name
        else:
            self.warnings.append(
                f"There is no theme called {requested!r}; try one of "
                f"{', '.join(sorted(self.available_themes))} (or textual-ansi)."
            )

    def get_default_screen(self) -> Screen[Any]:
        return HomeScreen()

    # Keys typed ahead (screens/typeahead.py) ------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            self.typeahead.feed(event)
            await self.typeahead.pump()
        else:
            await super().on_event(event)

    async def dispatch_typed(self, event: events.Event) -> None:
        """Deliver one key or paste the way Textual would (called by ``TypeAhead``)."""
        await super().on_event(event)

    def hold_keys(self) -> Release:
        """Keep typed keys waiting until the returned function is called."""
        return self.typeahead.hold()

    def push_screen(self, *args: Any, **kwargs: Any) -> Any:
        """Push, and keep typed keys for the new screen until it is mounted and focused."""
        result = super().push_screen(*args, **kwargs)
        self.typeahead.end_batch()
        self.typeahead.hold_until_settled(self.screen)
        return result

    def pop_screen(self) -> Any:
        """Pop, and keep typed keys until the screen below has resumed (its focus back)."""
        result = super().pop_screen()
        self.typeahead.end_batch()
        self.typeahead.hold_until_settled(self.screen)
        return result

    def opening(self, job: Callable[[], R], show: Callable[[R], object]) -> None:
        """``background`` for a read that opens something (a card, a form): keys typed
        meanwhile wait for what ``show`` opens instead of landing on the screen below."""
        release = self.hold_keys()

        def shown(result: R) -> None:
            try:
                show(result)
            finally:
                release()

        self.background(job, shown, failed=release)

    def on_notify(self, event: Notify) -> None:
        """After Textual shows the notification: the newest stays on a short screen."""
        self.call_after_refresh(keep_newest_visible, self, event.notification)

    def on_mount(self) -> None:
        for warning in self.warnings:
            self.notify(warning, severity="warning", timeout=10, markup=False)
        if self.kb.db.notice:
            self.notify(self.kb.db.notice, severity="warning", timeout=10, markup=False)
        # After the first frame, when keys typed during start-up have most likely arrived.
        self.call_after_refresh(self.warm_up, "vendortui.screens.vendor")
        if self.keys_in_effect:
            self.call_after_refresh(self.check_keymap)
        self._stop_watching = self.kb.watch(self._teammate_wrote)
        self.call_after_refresh(self.refresh_offline_copy)

    def _teammate_wrote(self) -> None:
        """From the listening thread: a teammate's write committed on the team server."""
        with contextlib.suppress(RuntimeError):  # the app has already stopped
            self.call_from_thread(self.changed)

    def on_unmount(self) -> None:
        if self._stop_watching is not None:
            self._stop_watching()
        self.kb.stop_refreshing_offline_copy()

    def refresh_offline_copy(self) -> None:
        """On a team server, refresh the offline copy in a worker once typed keys have landed
        (seconds on a big knowledge base; a file has none)."""

        def refresh() -> None:
            try:
                self.kb.refresh_offline_copy()
            except KbError as error:
                self.call_from_thread(self.report, error)

        self.typeahead.when_idle(
            lambda: self.run_worker(refresh, thread=True, group="offline-copy", name="offline")
        )

    def check_keymap(self) -> None:
        """Report unknown ids and two actions on one key in a thread once typed keys have
        landed: the check imports every screen, which the first frame must not wait for."""
        keymap = self.keys_in_effect

        def run() -> None:
            for problem in check(self.config, keymap):
                self.call_from_thread(
                    self.notify, problem, severity="warning", timeout=15, markup=False
                )

        self.typeahead.when_idle(
            lambda: self.run_worker(run, thread=True, group="keymap-check", name="keymap-check")
        )

    def warm_up(self, module: str) -> None:
        """Import ``module`` in a thread worker once typed keys have landed, so the screen or
        service that needs it next finds it loaded (a use that comes first imports it itself;
        the import lock makes the two wait for each other, never import twice)."""

        def start() -> None:
            self.run_worker(
                lambda: importlib.import_module(module), thread=True, group="warm-up", name=module
            )

        self.typeahead.when_idle(start)

    # Clock --------------------------------------------------------------------------------------

    def now(self) -> datetime:
        """Now in UTC, or the frozen moment given to the constructor."""
        return self._now or utcnow()

    def today(self) -> date:
        """Today's date (UTC), consistent with ``now()``."""
        return self.now().date()

    # Shared plumbing ------------------------------------------------------------------------------

    def report(self, error: KbError) -> None:
        """Show a ``KbError`` as a notification: one sentence, never a traceback."""
        self.notify(str(error), title="vendortui", severity="error", timeout=8, markup=False)

    def background(
        self,
        job: Callable[[], R],
        then: Callable[[R], object] | None = None,
        *,
        failed: Callable[[], object] | None = None,
    ) -> None:
        """Run a knowledge-base call in a thread worker; on success pass its result to ``then``
        on the UI thread, on a ``KbError`` report it (and call ``failed``)."""

        def run() -> None:
            try:
                result = job()
            except KbError as error:
                self.call_from_thread(self.report, error)
                if failed is not None:
                    self.call_from_thread(failed)
                return
            if then is not None:
                self.call_from_thread(then, result)

        self.run_worker(run, thread=True, group="kb")

    def changed(self) -> None:
        """Something was written: every screen on the stack re-reads what it shows."""
        for screen in self.screen_stack:
            refresh = getattr(screen, "refresh_data", None)
            if refresh is not None:
                refresh()

    def vendor_rows(self) -> list[VendorRow]:
        """The vendor list the home screen holds (for the palette: no extra query)."""
        home = self.screen_stack[0]
        return home.rows if isinstance(home, HomeScreen) else []

    def current_vendor(self) -> VendorScreen | None:
        """The vendor screen on top, if that is what is showing."""
        from vendortui.screens.vendor import VendorScreen

        return self.screen if isinstance(self.screen, VendorScreen) else None

    # Navigation ---------------------------------------------------------------------------------

    def open_vendor(self, vendor_id: str) -> None:
        """Show one vendor on top of home: read its card in a worker, then show the screen
        already filled in (one paint, not an empty screen and then a full one)."""
        kb = self.kb
        self.opening(lambda: kb.card_view(vendor_id), self._show_vendor)

    def _show_vendor(self, card: VendorCard) -> None:
        from vendortui.screens.vendor import VendorScreen

        self.go_home()
        if not self.is_screen_installed("vendor"):
            self.install_screen(VendorScreen(), "vendor")
            # The first card is drawn first; then the models that edits save with.
            self.warm_up("vendortui.models.vendor")
        screen = self.get_screen("vendor")
        assert isinstance(screen, VendorScreen)
        screen.load(card)
        self.push_screen(screen)

    def go_home(self) -> None:
        """Close every screen above home."""
        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    def action_help(self) -> None:
        """``?``: every key on every screen."""
        from vendortui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_people(self) -> None:
        """Everyone we may need to reach."""
        from vendortui.screens.people import PeopleScreen

        self.push_screen(PeopleScreen())

    def action_probe_sweep(self) -> None:
        """Run every vendor's machine SSO probes, with progress; escape cancels."""
        from vendortui.screens.probe_sweep import ProbeSweepScreen

        self.push_screen(ProbeSweepScreen())

    def action_sync(self) -> None:
        """``ctrl+s`` on home: commit, fetch, merge and push the knowledge base (app.sync.run)."""
        self.run_worker(self._sync, thread=True, exclusive=True, group="sync")

    def _sync(self) -> None:
        from vendortui.app.sync.run import sync

        try:
            report = sync(
                self.kb.path,
                progress=lambda step: self.call_from_thread(
                    self._sync_step, f"Syncing: {safe(step)}"
                ),
            )
        except KbError as error:
            self.call_from_thread(self.report, error)
            self.call_from_thread(self._sync_step, "")
            return
        self.call_from_thread(self._synced, report.headline())

    def show_conflicts(self) -> None:
        """The sync engineer's conflicts screen over this knowledge base."""
        from vendortui.app.sync.conflicts import ConflictService
        from vendortui.screens.conflicts import ConflictsScreen

        self.push_screen(ConflictsScreen(ConflictService(self.kb.db)))

    def _sync_step(self, markup: str) -> None:
        home = self.screen_stack[0]
        if isinstance(home, HomeScreen):
            home.set_status(markup)

    def _synced(self, headline: str) -> None:
        self.notify(headline, title="Sync", markup=False)
        self.changed()

    # Flows --------------------------------------------------------------------------------------

    def add_vendor(self) -> None:
        """The new-vendor form; on save, open the vendor."""
        kb = self.kb

        def saved(vendor: Any) -> None:
            if vendor is not None:
                self.notify(f"Added {vendor.name}.", markup=False)
                self.changed()
                self.open_vendor(vendor.id)

        defaults = {"status": "evaluating", "risk_tier": "medium", "sso_protocol": "none"}
        self.push_screen(
            FormScreen("Add a vendor", VENDOR_FIELDS, defaults, lambda v: kb.add_vendor(**v)),
            saved,
        )

    def edit_vendor(self, vendor_id: str) -> None:
        """The vendor form with the vendor's current values (read in a worker first)."""
        kb = self.kb

        def open_form(card: VendorCard) -> None:
            from vendortui.models import Vendor

            vendor = card.vendor

            def save(values: dict[str, Any]) -> Any:
                row = save_edit(kb, Vendor, vendor, values)
                moved = row.status != vendor.status
                template = kb.checklists.offer_for_status(vendor_id, row.status) if moved else None
                return row, template

            def saved(result: Any) -> None:
                if result is None:
                    return
                self._saved(result[0])
                screen = self.current_vendor()
                if result[1] is not None and screen is not None:
                    reason = f"The vendor is now {result[0].status.replace('_', ' ')}."
                    screen.offer_checklist(result[1].key, reason)

            self.push_screen(
                FormScreen(
                    f"Edit {vendor.name}", VENDOR_FIELDS, initial(vendor, VENDOR_FIELDS), save
                ),
                saved,
            )

        self.opening(lambda: kb.card_view(vendor_id), open_form)

    def edit_person(self, person: Person | None) -> None:
        """The person form: a new person (``None``) or an existing one."""
        kb = self.kb

        def save(values: dict[str, Any]) -> Any:
            from vendortui.models import Person

            if person is None:
                return kb.create(Person, **values)
            return save_edit(kb, Person, person, values)

        values = initial(person, PERSON_FIELDS) if person else {"active": True}
        title = f"Edit {person.name}" if person else "Add a person"
        self.push_screen(FormScreen(title, PERSON_FIELDS, values, save), self._saved)

    def _saved(self, result: object) -> None:
        if result is not None:
            self.notify("Saved.")
            self.changed()

    def confirm_delete(
        self, question: str, table_name: str, row_id: str, then: Callable[[], object] | None = None
    ) -> None:
        """Ask, then tombstone one row of ``models.<table_name>``."""
        kb = self.kb

        def delete() -> None:
            from vendortui import models

            kb.delete(getattr(models, table_name), row_id)

        def deleted(_: object) -> None:
            self.notify("Deleted (a tombstone stays for sync and history).")
            if then is not None:
                then()
            self.changed()

        def answered(yes: bool | None) -> None:
            if yes:
                self.background(delete, deleted)

        self.push_screen(ConfirmScreen(question), answered)

    def delete_vendor(self, vendor_id: str, name: str) -> None:
        """Ask, tombstone the vendor, and go home if it was open."""
        self.confirm_delete(
            f"Delete the vendor {name!r}? It disappears from every screen; a tombstone stays "
            "so the deletion syncs to your teammates.",
            "Vendor",
            vendor_id,
            then=self.go_home,
        )

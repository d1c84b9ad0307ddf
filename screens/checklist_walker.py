"""The checklist walker: one run, full screen, every change drawn at once and saved in order.

The list itself is ``ChecklistLines`` (screens/checklist_lines.py) and the questions it asks
are in screens/checklist_prompts.py. A key that changes an item draws the change at once,
marked ``saving…``, and hands the write (``ChecklistService.mark``, its own transaction) to
the screen's ``WriteQueue``: writes run one at a time in a thread worker, in the order they
were asked for, so a teammate's sync holding the write lock never freezes the keys. Once saved
the row is redrawn from what the service returns; if the write fails, the row goes back to
what is stored with the reason beside it. Completing and exporting go through the same queue
(after the ticks before them); leaving the walker waits for the queue to empty.

Text from the knowledge base is stripped of control sequences and drawn as plain ``Content``
(never parsed as markup).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from vendortui.app.checklists.clock import show_moment, time_left
from vendortui.app.checklists.export import check_target, file_name, one_line
from vendortui.app.checklists.records import ItemView, RunDetail
from vendortui.app.errors import KbError
from vendortui.models.enums import ItemState, RunStatus
from vendortui.models.ids import utcnow
from vendortui.screens.checklist_lines import ChecklistLines
from vendortui.screens.checklist_prompts import RollbackPrompt, TextPrompt
from vendortui.screens.confirm import ConfirmScreen
from vendortui.screens.fit_footer import FitFooter
from vendortui.screens.write_queue import WriteQueue

if TYPE_CHECKING:
    from vendortui.app.checklists.service import ChecklistService, TickResult
    from vendortui.screens.app import VendorTui

BAR_WIDTH = 30

MUTED, WARN, BAD = "$foreground 70%", "$text-warning", "$text-error"
"""Colours as theme variables, resolved when drawn: Rich's named colours ("yellow", "green")
are the terminal palette's, which Textual maps to one ANSI theme for every light theme, so
they did not follow ``vendortui-light`` (yellow on white reads at about 2.5:1)."""

BAR: tuple[tuple[str, str], ...] = (
    (ItemState.DONE, "$success"),
    (ItemState.NOT_APPLICABLE, MUTED),
    (ItemState.BLOCKED, "$error"),
)
"""The progress bar's filled parts in order; the rest is ``░`` in ``MUTED``."""

Part = str | tuple[str, str]
"""A piece of ``Content.assemble``: plain text, or text with a style (never markup)."""


class ChecklistWalker(Screen[None]):
    """Walk one checklist run. ``ChecklistWalker(run_id)``; the service is ``app.kb.checklists``."""

    app: VendorTui

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="walker.back"),
        Binding("space", "done", "Done", id="walker.done"),
        Binding("x", "not_applicable", "N/A", id="walker.not_applicable"),
        Binding("b", "block", "Blocked", id="walker.block"),
        Binding("n", "note", "Note", id="walker.note"),
        Binding("e", "evidence", "Link", id="walker.evidence"),
        Binding("R", "rollback", "Rollback", id="walker.rollback"),
        Binding("C", "complete", "Complete", id="walker.complete"),
        Binding("m", "export", "Export", id="walker.export"),
        Binding("r", "reload", "Refresh", id="walker.reload"),
    ]

    EDITING: ClassVar[frozenset[str]] = frozenset(
        {"done", "not_applicable", "block", "note", "evidence", "complete"}
    )

    DEFAULT_CSS = """
    ChecklistWalker #walker-head { padding: 0 1; background: $panel; }
    ChecklistWalker #walker-progress { height: 1; padding: 0 1; }
    ChecklistWalker #walker-detail { height: 8; padding: 0 1; border-top: solid $foreground-muted; }
    """

    def __init__(self, run_id: str) -> None:
        super().__init__()
        self.run_id = run_id
        self.detail: RunDetail | None = None
        self.status = ""
        self.stage = ""
        self.writes = WriteQueue(self)
        self.closing = False

    @property
    def service(self) -> ChecklistService:
        """The checklist service of the app's knowledge base."""
        return self.app.kb.checklists

    @property
    def lines(self) -> ChecklistLines:
        """The item list."""
        return self.query_one(ChecklistLines)

    @property
    def read_only(self) -> bool:
        """True for completed runs (and before the run is loaded)."""
        return self.detail is None or self.status in (RunStatus.COMPLETED, RunStatus.ABANDONED)

    def compose(self) -> ComposeResult:
        yield Static(id="walker-head")
        yield Static(id="walker-progress")
        yield ChecklistLines(id="walker-lines")
        yield Static(id="walker-detail")
        yield FitFooter()

    def on_mount(self) -> None:
        self.load()
        self.lines.focus()
        self.run_worker(self.service.warm_up, thread=True, group="checklist-warm-up")

    # Data -------------------------------------------------------------------------------------

    def load(self, keep_item: str | None = None) -> None:
        """Read the run; the cursor goes to ``keep_item``, else where the walk resumes."""
        try:
            detail = self.service.detail(self.run_id)
        except KbError as error:
            self.notify(str(error), severity="error", markup=False)
            self.dismiss(None)
            return
        self.detail = detail
        self.run_id = detail.run.id
        self.status, self.stage = detail.run.status, detail.run.current_stage
        position = detail.resume_position()
        if keep_item is not None:
            position = next(
                (i for i, item in enumerate(detail.items) if item.id == keep_item), position
            )
        self.lines.set_items(list(detail.items), self.stage, position)
        self._paint_head()
        self._paint_progress()
        self.refresh_bindings()

    def refresh_data(self) -> None:
        """Re-read the run (the app calls this after a write elsewhere or a sync)."""
        item = self._item()
        self.load(item.id if item else None)

    def _item(self) -> ItemView | None:
        index = self.lines.current_item
        return None if index is None else self.lines.items[index]

    # Writes -----------------------------------------------------------------------------------

    def _change(
        self, item: ItemView, state: str | None, *, advance: bool = False, **values: str
    ) -> None:
        """Check a change of ``item`` (a refusal is a notification), then draw and queue it."""
        try:
            proposed = self.service.preview(item, state, **values)
        except KbError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self._submit(proposed, state, values, advance=advance)

    def _submit(
        self, proposed: ItemView, state: str | None, values: dict[str, str], *, advance: bool
    ) -> None:
        """Draw ``proposed`` as saving, move on, and queue the write that saves it."""
        self.lines.show_pending(proposed)
        self._paint_progress()
        if advance:
            self.lines.next_item()
        service, item_id = self.service, proposed.id
        self.writes.submit(
            lambda: service.mark(item_id, state, **values),
            self._saved,
            lambda error: self._failed(item_id, error),
        )

    def _saved(self, tick: TickResult) -> None:
        """A tick was saved: its row, its header and the counts from what was stored."""
        self.lines.show_saved(tick.item, tick.current_stage)
        changed = tick.run_status != self.status or tick.current_stage != self.stage
        self.status, self.stage = tick.run_status, tick.current_stage
        self._paint_progress()
        if changed:
            self._paint_head()

    def _failed(self, item_id: str, error: KbError) -> None:
        """A tick was not saved: the row shows what is stored and why, beside the item."""
        self.lines.show_failed(item_id, str(error))
        self._paint_progress()
        self._paint_detail()
        self.notify(str(error), severity="error", markup=False)

    def _ask(
        self,
        item: ItemView,
        state: str | None,
        field: str,
        value: str,
        title: str,
        about: str,
        placeholder: str,
        *,
        advance: bool = False,
    ) -> None:
        """Ask for ``field`` of ``item`` (a note, link or reason), checked in the prompt, and
        queue the change once it closes."""
        service = self.service

        def check(text: str) -> tuple[dict[str, str], ItemView]:
            values = {field: text}
            return values, service.preview(item, state, **values)

        def answered(result: object) -> None:
            if result is not None:
                values, proposed = cast("tuple[dict[str, str], ItemView]", result)
                self._submit(proposed, state, values, advance=advance)

        self.app.push_screen(TextPrompt(title, about, value, placeholder, check), answered)

    # Drawing ----------------------------------------------------------------------------------

    def _paint_head(self) -> None:
        if self.detail is None:
            return
        run = self.detail.run
        head: list[Part] = [
            (one_line(run.title), "bold"),
            "  ·  ",
            (one_line(run.vendor), "bold"),
            (f"  ·  {run.template_key} v{run.template_version}", MUTED),
            (f"  ·  started {show_moment(run.started_at)} by {one_line(run.started_by)}", MUTED),
        ]
        if self.status == RunStatus.COMPLETED:
            when = show_moment(run.completed_at) if run.completed_at else "earlier"
            head.append(
                (
                    f"\nCompleted {when} by {one_line(run.completed_by)}: read-only. "
                    "m exports it as Markdown.",
                    "bold",
                )
            )
        else:
            head.append(f"\nStatus: {self.status.replace('_', ' ')}")
            title = next((s.title for s in self.detail.stages if s.key == self.stage), "")
            if title:
                head.append(f"  ·  current stage: {one_line(title)}")
        now = utcnow()
        for deadline in self.detail.deadlines:
            late = deadline.due_at < now and not deadline.met
            verdict = "met" if deadline.met else time_left(deadline.due_at, now)
            head.append(
                (
                    f"\nDeadline: {deadline.what} due {show_moment(deadline.due_at)} ({verdict})",
                    f"bold {BAD}" if late else WARN if not deadline.met else MUTED,
                )
            )
        self.query_one("#walker-head", Static).update(Content.assemble(*head))

    def _paint_progress(self) -> None:
        items = self.lines.items
        counts = Counter(item.state for item in items)
        total = max(1, len(items))
        bar: list[Part] = []
        used = 0
        for state, style in BAR:
            cells = round(BAR_WIDTH * counts[state] / total)
            bar.append(("█" * cells, style))
            used += cells
        bar.append(("░" * max(0, BAR_WIDTH - used), MUTED))
        bar.append(
            f"  {counts[ItemState.DONE]} done · {counts[ItemState.NOT_APPLICABLE]} n/a · "
            f"{counts[ItemState.BLOCKED]} blocked · {counts[ItemState.OPEN]} open"
            f"  ({len(items)} items)"
        )
        if self.writes.pending:
            bar.append((f"  · saving {self.writes.pending}…", "italic"))
            if self.closing:
                bar.append((" closing once saved", "italic"))
        self.query_one("#walker-progress", Static).update(Content.assemble(*bar), layout=False)

    @on(ChecklistLines.Highlighted)
    def _paint_detail(self) -> None:
        item = self._item()
        pane = self.query_one("#walker-detail", Static)
        if item is None:
            section = self.lines.current_section
            title = self.lines.sections[section].title if section is not None else ""
            heading = Content.assemble(
                (one_line(title), "bold"), ("  enter folds or unfolds", MUTED)
            )
            pane.update(heading, layout=False)
            return
        text: list[Part] = [(one_line(item.text), "bold")]
        if item.id in self.lines.saving:
            text.append(("  saving…", f"italic {MUTED}"))
        elif item.id in self.lines.failed:
            text.append((f"\nNot saved: {one_line(self.lines.failed[item.id])}", f"bold {BAD}"))
        if item.help:
            text.append((f"\n{one_line(item.help)}", f"italic {MUTED}"))
        needs = "a note" if item.needs_note else "an evidence link" if item.needs_evidence else ""
        rule = "required" if item.required else "optional"
        text.append((f"\n{rule}" + (f", needs {needs} to be done" if needs else ""), MUTED))
        if item.blocked_reason:
            text.append((f"\nBlocked: {one_line(item.blocked_reason)}", BAD))
        if item.note:
            text.append(f"\nNote: {one_line(item.note)}")
        if item.evidence_url:
            text.append(f"\nEvidence: {one_line(item.evidence_url)}")
        if item.state_at:
            text.append(
                (
                    f"\n{item.state.replace('_', ' ')} by {one_line(item.state_by)} "
                    f"at {show_moment(item.state_at)}",
                    MUTED,
                )
            )
        pane.update(Content.assemble(*text), layout=False)

    # Actions ----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.EDITING and (self.read_only or self.closing):
            return False
        if action == "rollback":
            return bool(self.detail and self.detail.stages)
        return True

    def action_back(self) -> None:
        """Leave once every queued write has been saved or has failed (each ends within the
        database's lock wait), so nothing typed is silently dropped."""
        if self.closing:
            return
        self.closing = True
        self._paint_progress()
        self.writes.when_idle(lambda: self.dismiss(None))

    def action_done(self) -> None:
        """Space: done (asking for the note or link a required item needs), or back to open."""
        item = self._item()
        if item is None:
            self.lines.action_fold()
            return
        if item.state == ItemState.DONE:
            self._change(item, ItemState.OPEN)
            return
        missing = item.missing
        if missing == "note":
            self._ask(
                item,
                ItemState.DONE,
                "note",
                item.note,
                "This item needs a note before it is done",
                item.help or item.text,
                "what was checked, who decided, when",
                advance=True,
            )
        elif missing == "evidence":
            self._ask(
                item,
                ItemState.DONE,
                "evidence_url",
                item.evidence_url,
                "This item needs an evidence link before it is done",
                item.help or item.text,
                "https://...",
                advance=True,
            )
        else:
            self._change(item, ItemState.DONE, advance=True)

    def action_not_applicable(self) -> None:
        item = self._item()
        if item is not None:
            opening = item.state == ItemState.NOT_APPLICABLE
            target = ItemState.OPEN if opening else ItemState.NOT_APPLICABLE
            self._change(item, target, advance=not opening)

    def action_block(self) -> None:
        """b: blocked (asks why), or unblocked when it already is."""
        item = self._item()
        if item is None:
            return
        if item.state == ItemState.BLOCKED:
            self._change(item, ItemState.OPEN)
            return
        self._ask(
            item,
            ItemState.BLOCKED,
            "reason",
            "",
            "Why is this item blocked?",
            item.text,
            "waiting for the vendor's SOC 2 report",
        )

    def action_note(self) -> None:
        item = self._item()
        if item is not None:
            self._ask(
                item,
                None,
                "note",
                item.note,
                "Note",
                item.text,
                "what was checked, who decided, when",
            )

    def action_evidence(self) -> None:
        item = self._item()
        if item is not None:
            self._ask(
                item,
                None,
                "evidence_url",
                item.evidence_url,
                "Evidence link",
                item.text,
                "https://...",
            )

    def action_rollback(self) -> None:
        """R: record a rollback of a stage as an event on the vendor (saved by the prompt, in
        a worker)."""
        if self.detail is None or not self.detail.stages:
            return
        stages = [(stage.key, stage.title) for stage in self.detail.stages]
        default = self.stage or stages[-1][0]
        service, run_id = self.service, self.run_id

        def save(why: str, stage: str, incident: str) -> object:
            return service.record_rollback(run_id, why=why, stage=stage, incident=incident)

        def saved(event_id: object) -> None:
            if event_id is not None:
                self.notify("Rollback recorded on the vendor's timeline.")

        self.app.push_screen(RollbackPrompt(stages, default, save), saved)

    def action_complete(self) -> None:
        """C: complete the run (asks first; saved after the ticks before it); it becomes
        read-only."""
        if self.detail is None:
            return
        title = one_line(self.detail.run.title)
        service, run_id = self.service, self.run_id

        def completed(_: object) -> None:
            self.notify(f"{title} completed; it is now read-only.", markup=False)
            self.refresh_data()

        def failed(error: KbError) -> None:
            self._paint_progress()
            self.notify(str(error), severity="error", markup=False)

        def answered(yes: bool | None) -> None:
            if yes:
                self.writes.submit(lambda: service.complete(run_id), completed, failed)
                self._paint_progress()

        self.app.push_screen(
            ConfirmScreen(f"Complete {title}? It becomes read-only history.", yes="Complete"),
            answered,
        )

    def action_export(self) -> None:
        """m: ask where to save the run as Markdown (a new file; the current folder by
        default), then save it after the ticks before it."""
        if self.detail is None:
            return
        default = Path.cwd() / file_name(self.detail.run, utcnow().date())
        service, run_id = self.service, self.run_id

        def saved(path: Path) -> None:
            self.notify(f"Saved {path}", markup=False)

        def failed(error: KbError) -> None:
            self.notify(str(error), severity="error", markup=False)

        def answered(path: object) -> None:
            if isinstance(path, Path):
                self.writes.submit(lambda: service.save_markdown(run_id, path), saved, failed)

        self.app.push_screen(
            TextPrompt(
                "Export as Markdown",
                "Where to save it: a new file (an existing one is never replaced).",
                str(default),
                "folder/name.md",
                check_target,
            ),
            answered,
        )

    def action_reload(self) -> None:
        """r: read the run again (to see a teammate's ticks)."""
        self.refresh_data()
        self.notify("Checklist refreshed.")

"""The checklist walker: one run, full screen, every tick saved the moment it is made.

The item list is a line-API widget (``ChecklistLines``): it stores the items and draws only
the rows on screen, so a 500-item run opens as fast as a 20-item one and a tick repaints two
lines (the item and its section header), not the screen. Every key that changes an item calls
``ChecklistService.mark`` at once (its own transaction), and the row is redrawn from what the
service returns; closing the terminal between two ticks loses nothing.

Text from the knowledge base is stripped of control sequences and drawn as plain ``Text`` or
``Segment`` (never parsed as markup).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.strip import Strip
from textual.widgets import Footer, Input, Select, Static

from vendortui.app.checklists.clock import show_moment, time_left
from vendortui.app.checklists.records import ItemView, RunDetail
from vendortui.app.errors import KbError
from vendortui.app.text import strip_control
from vendortui.models.enums import ItemState, RunStatus
from vendortui.models.ids import utcnow
from vendortui.screens.confirm import ConfirmScreen
from vendortui.screens.cursor_view import CursorView

if TYPE_CHECKING:
    from vendortui.app.checklists.service import ChecklistService, TickResult
    from vendortui.screens.app import VendorTui

GLYPHS: dict[str, tuple[str, str]] = {
    ItemState.DONE: ("[x]", "checklist--done"),
    ItemState.NOT_APPLICABLE: ("[-]", "checklist--na"),
    ItemState.BLOCKED: ("[!]", "checklist--blocked"),
    ItemState.OPEN: ("[ ]", "checklist--open"),
}
BAR_WIDTH = 30


def plain(value: object) -> str:
    """Knowledge-base text on one line, control sequences removed."""
    return " ".join(strip_control(str(value)).split())


def fit(text: str, width: int) -> str:
    """``text`` cropped with an ellipsis, or as is when it fits."""
    if width <= 0:
        return ""
    return set_cell_size(text, width - 1) + "…" if cell_len(text) > width else text


@dataclass(frozen=True, slots=True)
class Section:
    """A run of consecutive items with the same section: ``items[start:end]``."""

    key: str
    title: str
    start: int
    end: int


def sections_of(items: list[ItemView]) -> list[Section]:
    """The sections in walking order, from the items' section keys."""
    out: list[Section] = []
    start = 0
    for index in range(1, len(items) + 1):
        if index == len(items) or items[index].section_key != items[start].section_key:
            first = items[start]
            out.append(Section(first.section_key, first.section_title, start, index))
            start = index
    return out


class ChecklistLines(CursorView, can_focus=True):
    """Sections and items as lines: a cursor, folding, and drawing only what is visible.

    A row is ``-1 - s`` for the header of section ``s``, or an item index ``>= 0``.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,o", "fold", "Fold"),
        Binding("z", "fold_all", "Fold all", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "checklist--section",
        "checklist--current-stage",
        "checklist--cursor",
        "checklist--done",
        "checklist--na",
        "checklist--blocked",
        "checklist--open",
        "checklist--muted",
        "checklist--warning",
    }

    DEFAULT_CSS = """
    ChecklistLines { height: 1fr; overflow-x: hidden; background: $surface; }
    ChecklistLines > .checklist--section { text-style: bold; color: $text-accent; }
    ChecklistLines > .checklist--current-stage { color: $text-warning; text-style: bold; }
    ChecklistLines > .checklist--cursor { background: $panel; }
    ChecklistLines:focus > .checklist--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
    ChecklistLines > .checklist--done { color: $text-success; text-style: bold; }
    ChecklistLines > .checklist--na { color: $text-muted; }
    ChecklistLines > .checklist--blocked { color: $text-error; text-style: bold; }
    ChecklistLines > .checklist--open { color: $text; }
    ChecklistLines > .checklist--muted { color: $text-muted; }
    ChecklistLines > .checklist--warning { color: $text-warning; }
    """  # noqa: E501

    class Highlighted(Message):
        """The cursor moved (or the item under it changed)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: list[ItemView] = []
        self.sections: list[Section] = []
        self.section_of: list[int] = []
        self.folded: set[int] = set()
        self.rows: list[int] = []
        self.row_of: dict[int, int] = {}
        self.cursor = 0
        self.current_stage = ""

    # Data -------------------------------------------------------------------------------------

    def set_items(self, items: list[ItemView], current_stage: str, cursor_item: int) -> None:
        """Show ``items`` with the cursor on item ``cursor_item``; folds are kept by key."""
        folded_keys = {self.sections[s].key for s in self.folded if s < len(self.sections)}
        self.items = items
        self.current_stage = current_stage
        self.sections = sections_of(items)
        self.section_of = [0] * len(items)
        for number, section in enumerate(self.sections):
            for index in range(section.start, section.end):
                self.section_of[index] = number
        self.folded = {n for n, s in enumerate(self.sections) if s.key in folded_keys}
        self._layout()
        self.move_to_item(cursor_item)

    def _layout(self) -> None:
        """Rebuild the visible rows after a fold changed (O(items), no drawing)."""
        rows: list[int] = []
        for number, section in enumerate(self.sections):
            rows.append(-1 - number)
            if number not in self.folded:
                rows.extend(range(section.start, section.end))
        self.rows = rows
        self.row_of = {row: y for y, row in enumerate(rows)}
        self.virtual_size = Size(0, len(rows))
        self.refresh()

    def update_item(self, index: int, item: ItemView, current_stage: str) -> None:
        """One item changed: redraw its line and its section's header, nothing else."""
        self.items[index] = item
        if current_stage != self.current_stage:
            self.current_stage = current_stage
            self.refresh()
        for row in (index, -1 - self.section_of[index]):
            if row in self.row_of:
                self.refresh_line(self.row_of[row])
        self.post_message(self.Highlighted())

    @property
    def current_item(self) -> int | None:
        """The index of the item under the cursor (``None`` on a section header)."""
        if not self.rows:
            return None
        row = self.rows[self.cursor]
        return row if row >= 0 else None

    @property
    def current_section(self) -> int | None:
        """The section of the row under the cursor."""
        if not self.rows:
            return None
        row = self.rows[self.cursor]
        return -1 - row if row < 0 else self.section_of[row]

    # Cursor -----------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def move_to(self, row: int) -> None:
        """Put the cursor on visible row ``row`` and scroll it into view."""
        if self.rows:
            super().move_to(row)

    def cursor_moved(self, old: int) -> None:
        self.refresh_line(old)
        self.refresh_line(self.cursor)
        self.post_message(self.Highlighted())

    def move_to_item(self, index: int) -> None:
        """Put the cursor on an item, unfolding its section if needed."""
        if not self.items:
            return
        index = max(0, min(index, len(self.items) - 1))
        section = self.section_of[index]
        if section in self.folded:
            self.folded.discard(section)
            self._layout()
        self.move_to(self.row_of[index])

    def next_item(self) -> None:
        """Move to the next visible item (after a tick: walking goes forward)."""
        for y in range(self.cursor + 1, len(self.rows)):
            if self.rows[y] >= 0:
                self.move_to(y)
                return

    def action_fold(self) -> None:
        """Fold or unfold the section under the cursor; the cursor stays on its header."""
        section = self.current_section
        if section is None:
            return
        self.folded ^= {section}
        self._layout()
        self.move_to(self.row_of[-1 - section])

    def action_fold_all(self) -> None:
        """Fold every section, or unfold them all when all are folded."""
        section = self.current_section
        every = set(range(len(self.sections)))
        self.folded = set() if self.folded == every else every
        self._layout()
        if section is not None:
            self.move_to(self.row_of[-1 - section])

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        y = round(self.scroll_y) + offset.y
        if y < len(self.rows):
            self.move_to(y)
            if event.chain >= 2 and self.rows[y] < 0:
                self.action_fold()

    # Drawing ----------------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = round(self.scroll_y) + y
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row_style = base + self._style("checklist--cursor") if index == self.cursor else base
        row = self.rows[index]
        if row < 0:
            segments, flexible = self._section_segments(-1 - row), 1
        else:
            segments, flexible = self._item_segments(row), 3
        fixed = sum(cell_len(text) for n, (text, _) in enumerate(segments) if n != flexible)
        text, style = segments[flexible]
        segments[flexible] = (fit(text, max(10, width - fixed)), style)
        styled = [Segment(text, row_style + style) for text, style in segments]
        return Strip(styled).adjust_cell_length(width, row_style)

    def _section_segments(self, number: int) -> list[tuple[str, Style]]:
        section = self.sections[number]
        states = Counter(item.state for item in self.items[section.start : section.end])
        settled = states[ItemState.DONE] + states[ItemState.NOT_APPLICABLE]
        out = [
            ("▸ " if number in self.folded else "▾ ", self._style("checklist--section")),
            (plain(section.title or section.key), self._style("checklist--section")),
            (f"  {settled}/{section.end - section.start}", self._style("checklist--muted")),
        ]
        if states[ItemState.BLOCKED]:
            blocked = states[ItemState.BLOCKED]
            out.append((f"  {blocked} blocked", self._style("checklist--blocked")))
        if section.key and section.key == self.current_stage:
            out.append(("  ◀ current stage", self._style("checklist--current-stage")))
        return out

    def _item_segments(self, index: int) -> list[tuple[str, Style]]:
        item = self.items[index]
        glyph, glyph_style = GLYPHS.get(item.state, ("[?]", "checklist--open"))
        out = [("   ", Style()), (glyph, self._style(glyph_style)), (" ", Style())]
        out.append(
            (
                plain(item.text),
                self._style("checklist--na") if item.state == ItemState.NOT_APPLICABLE else Style(),
            )
        )
        if not item.required:
            out.append(("  optional", self._style("checklist--muted")))
        if item.state == ItemState.BLOCKED and item.blocked_reason:
            out.append((f"  ({plain(item.blocked_reason)})", self._style("checklist--blocked")))
        missing = item.missing
        if missing and item.state != ItemState.DONE:
            label = "needs a note" if missing == "note" else "needs a link"
            out.append((f"  {label}", self._style("checklist--warning")))
        else:
            marks = ("  ✎" if item.note else "") + ("  ↗" if item.evidence_url else "")
            if marks:
                out.append((marks, self._style("checklist--muted")))
        return out


class TextPrompt(ModalScreen[object]):
    """Ask for one line (a note, a link, a reason) and save it; a refusal shows in place.

    ``save`` runs the service call and returns what the prompt dismisses with; a ``KbError``
    keeps the prompt open with the sentence under the input.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    DEFAULT_CSS = """
    TextPrompt { align: center middle; }
    TextPrompt > Vertical {
        width: 90; max-width: 100%; height: auto; padding: 1 2;
        border: thick $accent; background: $surface;
    }
    TextPrompt .prompt-about { color: $text-muted; margin-bottom: 1; }
    TextPrompt .prompt-error { color: $text-error; }
    TextPrompt .prompt-keys { color: $text-muted; margin-top: 1; }
    """

    def __init__(
        self, title: str, about: str, value: str, placeholder: str, save: Callable[[str], object]
    ) -> None:
        super().__init__()
        self.title_text = title
        self.about = about
        self.value = value
        self.placeholder = placeholder
        self.save = save

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(plain(self.title_text), style="bold"))
            if self.about:
                yield Static(Text(strip_control(self.about)), classes="prompt-about")
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input")
            yield Static("", classes="prompt-error")
            yield Static("enter saves · escape cancels", classes="prompt-keys")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            result = self.save(event.value)
        except KbError as error:
            self.query_one(".prompt-error", Static).update(Text(str(error)))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)


class RollbackPrompt(ModalScreen[object]):
    """Why, which stage, and the incident it was suspected of; who is the current user."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    DEFAULT_CSS = """
    RollbackPrompt { align: center middle; }
    RollbackPrompt > Vertical {
        width: 90; max-width: 100%; height: auto; padding: 1 2;
        border: thick $error; background: $surface;
    }
    RollbackPrompt .prompt-label { margin-top: 1; }
    RollbackPrompt .prompt-error { color: $text-error; }
    RollbackPrompt .prompt-keys { color: $text-muted; margin-top: 1; }
    """

    def __init__(
        self,
        stages: list[tuple[str, str]],
        stage: str,
        save: Callable[[str, str, str], object],
    ) -> None:
        super().__init__()
        self.stages = stages
        self.stage = stage
        self.save = save

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Record a rollback", style="bold"))
            yield Static("Why was it rolled back?", classes="prompt-label")
            yield Input(placeholder="error rate doubled on checkout", id="rollback-why")
            yield Static("Which stage was rolled back?", classes="prompt-label")
            yield Select(
                [(Text(plain(title)), key) for key, title in self.stages],
                value=self.stage,
                allow_blank=False,
                id="rollback-stage",
            )
            yield Static("Incident it was suspected of (id or link)", classes="prompt-label")
            yield Input(placeholder="INC-1234 or https://...", id="rollback-incident")
            yield Static("", classes="prompt-error")
            yield Static("enter saves · escape cancels", classes="prompt-keys")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        why = self.query_one("#rollback-why", Input).value
        stage = self.query_one("#rollback-stage", Select).value
        incident = self.query_one("#rollback-incident", Input).value
        try:
            result = self.save(why, str(stage), incident)
        except KbError as error:
            self.query_one(".prompt-error", Static).update(Text(str(error)))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChecklistWalker(Screen[None]):
    """Walk one checklist run. ``ChecklistWalker(run_id)``; the service is ``app.kb.checklists``."""

    app: VendorTui

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back"),
        Binding("space", "done", "Done"),
        Binding("x", "not_applicable", "N/A"),
        Binding("b", "block", "Blocked"),
        Binding("n", "note", "Note"),
        Binding("e", "evidence", "Link"),
        Binding("R", "rollback", "Rollback"),
        Binding("C", "complete", "Complete"),
        Binding("m", "export", "Export"),
        Binding("r", "reload", "Refresh"),
    ]

    EDITING: ClassVar[frozenset[str]] = frozenset(
        {"done", "not_applicable", "block", "note", "evidence", "complete"}
    )

    DEFAULT_CSS = """
    ChecklistWalker #walker-head { padding: 0 1; background: $panel; }
    ChecklistWalker #walker-progress { height: 1; padding: 0 1; }
    ChecklistWalker #walker-detail { height: 8; padding: 0 1; border-top: solid $panel-lighten-2; }
    """

    def __init__(self, run_id: str) -> None:
        super().__init__()
        self.run_id = run_id
        self.detail: RunDetail | None = None
        self.status = ""
        self.stage = ""

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
        yield Footer()

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

    def _apply(self, result: object, *, advance: bool = False) -> None:
        """Show what a tick returned: one line, its header, the counts."""
        if result is None:
            return
        tick: TickResult = result  # type: ignore[assignment]
        index = next(i for i, item in enumerate(self.lines.items) if item.id == tick.item.id)
        self.lines.update_item(index, tick.item, tick.current_stage)
        changed = tick.run_status != self.status or tick.current_stage != self.stage
        self.status, self.stage = tick.run_status, tick.current_stage
        self._paint_progress()
        if changed:
            self._paint_head()
        if advance:
            self.lines.next_item()

    def _mark(self, state: str | None, *, advance: bool = False, **values: str) -> None:
        item = self._item()
        if item is None:
            return
        try:
            result = self.service.mark(item.id, state, **values)
        except KbError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self._apply(result, advance=advance)

    def _ask(
        self,
        title: str,
        about: str,
        value: str,
        placeholder: str,
        save: Callable[[str], object],
        *,
        advance: bool = False,
    ) -> None:
        self.app.push_screen(
            TextPrompt(title, about, value, placeholder, save),
            lambda result: self._apply(result, advance=advance),
        )

    # Drawing ----------------------------------------------------------------------------------

    def _paint_head(self) -> None:
        if self.detail is None:
            return
        run = self.detail.run
        head = Text.assemble(
            (plain(run.title), "bold"),
            "  ·  ",
            (plain(run.vendor), "bold"),
            (f"  ·  {run.template_key} v{run.template_version}", "dim"),
            (f"  ·  started {show_moment(run.started_at)} by {plain(run.started_by)}", "dim"),
        )
        if self.status == RunStatus.COMPLETED:
            when = show_moment(run.completed_at) if run.completed_at else "earlier"
            head.append(
                f"\nCompleted {when} by {plain(run.completed_by)}: read-only. "
                "m exports it as Markdown.",
                style="bold",
            )
        else:
            head.append(f"\nStatus: {self.status.replace('_', ' ')}")
            title = next((s.title for s in self.detail.stages if s.key == self.stage), "")
            if title:
                head.append(f"  ·  current stage: {plain(title)}")
        now = utcnow()
        for deadline in self.detail.deadlines:
            late = deadline.due_at < now and not deadline.met
            verdict = "met" if deadline.met else time_left(deadline.due_at, now)
            head.append(
                f"\nDeadline: {deadline.what} due {show_moment(deadline.due_at)} ({verdict})",
                style="bold red" if late else "yellow" if not deadline.met else "dim",
            )
        self.query_one("#walker-head", Static).update(head)

    def _paint_progress(self) -> None:
        items = self.lines.items
        counts = Counter(item.state for item in items)
        total = max(1, len(items))
        bar = Text()
        used = 0
        for state, style in (
            (ItemState.DONE, "green"),
            (ItemState.NOT_APPLICABLE, "grey50"),
            (ItemState.BLOCKED, "red"),
        ):
            cells = round(BAR_WIDTH * counts[state] / total)
            bar.append("█" * cells, style=style)
            used += cells
        bar.append("░" * max(0, BAR_WIDTH - used), style="grey37")
        bar.append(
            f"  {counts[ItemState.DONE]} done · {counts[ItemState.NOT_APPLICABLE]} n/a · "
            f"{counts[ItemState.BLOCKED]} blocked · {counts[ItemState.OPEN]} open"
            f"  ({len(items)} items)"
        )
        self.query_one("#walker-progress", Static).update(bar, layout=False)

    @on(ChecklistLines.Highlighted)
    def _paint_detail(self) -> None:
        item = self._item()
        pane = self.query_one("#walker-detail", Static)
        if item is None:
            section = self.lines.current_section
            title = self.lines.sections[section].title if section is not None else ""
            heading = Text.assemble((plain(title), "bold"), ("  enter folds or unfolds", "dim"))
            pane.update(heading, layout=False)
            return
        text = Text(plain(item.text), style="bold")
        if item.help:
            text.append(f"\n{plain(item.help)}", style="italic dim")
        needs = "a note" if item.needs_note else "an evidence link" if item.needs_evidence else ""
        rule = "required" if item.required else "optional"
        text.append(f"\n{rule}" + (f", needs {needs} to be done" if needs else ""), style="dim")
        if item.blocked_reason:
            text.append(f"\nBlocked: {plain(item.blocked_reason)}", style="red")
        if item.note:
            text.append(f"\nNote: {plain(item.note)}")
        if item.evidence_url:
            text.append(f"\nEvidence: {plain(item.evidence_url)}")
        if item.state_at:
            text.append(
                f"\n{item.state.replace('_', ' ')} by {plain(item.state_by)} "
                f"at {show_moment(item.state_at)}",
                style="dim",
            )
        pane.update(text, layout=False)

    # Actions ----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.EDITING and self.read_only:
            return False
        if action == "rollback":
            return bool(self.detail and self.detail.stages)
        return True

    def action_back(self) -> None:
        self.dismiss(None)

    def action_done(self) -> None:
        """Space: done (asking for the note or link a required item needs), or back to open."""
        item = self._item()
        if item is None:
            self.lines.action_fold()
            return
        if item.state == ItemState.DONE:
            self._mark(ItemState.OPEN)
            return
        missing = item.missing
        if missing == "note":
            self._ask(
                "This item needs a note before it is done",
                item.help or item.text,
                item.note,
                "what was checked, who decided, when",
                lambda value: self.service.mark(item.id, ItemState.DONE, note=value),
                advance=True,
            )
        elif missing == "evidence":
            self._ask(
                "This item needs an evidence link before it is done",
                item.help or item.text,
                item.evidence_url,
                "https://...",
                lambda value: self.service.mark(item.id, ItemState.DONE, evidence_url=value),
                advance=True,
            )
        else:
            self._mark(ItemState.DONE, advance=True)

    def action_not_applicable(self) -> None:
        item = self._item()
        if item is not None:
            opening = item.state == ItemState.NOT_APPLICABLE
            self._mark(ItemState.OPEN if opening else ItemState.NOT_APPLICABLE, advance=not opening)

    def action_block(self) -> None:
        """b: blocked (asks why), or unblocked when it already is."""
        item = self._item()
        if item is None:
            return
        if item.state == ItemState.BLOCKED:
            self._mark(ItemState.OPEN)
            return
        self._ask(
            "Why is this item blocked?",
            item.text,
            "",
            "waiting for the vendor's SOC 2 report",
            lambda value: self.service.mark(item.id, ItemState.BLOCKED, reason=value),
        )

    def action_note(self) -> None:
        item = self._item()
        if item is not None:
            self._ask(
                "Note",
                item.text,
                item.note,
                "what was checked, who decided, when",
                lambda value: self.service.mark(item.id, None, note=value),
            )

    def action_evidence(self) -> None:
        item = self._item()
        if item is not None:
            self._ask(
                "Evidence link",
                item.text,
                item.evidence_url,
                "https://...",
                lambda value: self.service.mark(item.id, None, evidence_url=value),
            )

    def action_rollback(self) -> None:
        """R: record a rollback of a stage as an event on the vendor."""
        if self.detail is None or not self.detail.stages:
            return
        stages = [(stage.key, stage.title) for stage in self.detail.stages]
        default = self.stage or stages[-1][0]
        run_id = self.run_id

        def save(why: str, stage: str, incident: str) -> object:
            return self.service.record_rollback(run_id, why=why, stage=stage, incident=incident)

        def saved(event_id: object) -> None:
            if event_id is not None:
                self.notify("Rollback recorded on the vendor's timeline.")

        self.app.push_screen(RollbackPrompt(stages, default, save), saved)

    def action_complete(self) -> None:
        """C: complete the run (asks first); it becomes read-only."""
        if self.detail is None:
            return
        title = plain(self.detail.run.title)

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.service.complete(self.run_id)
            except KbError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            self.notify(f"{title} completed; it is now read-only.", markup=False)
            self.refresh_data()

        self.app.push_screen(
            ConfirmScreen(f"Complete {title}? It becomes read-only history.", yes="Complete"),
            answered,
        )

    def action_export(self) -> None:
        """m: save the run as Markdown in the current directory."""
        try:
            path = self.service.save_markdown(self.run_id, Path.cwd())
        except KbError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.notify(f"Saved {path}", markup=False)

    def action_reload(self) -> None:
        """r: read the run again (to see a teammate's ticks)."""
        self.refresh_data()
        self.notify("Checklist refreshed.")

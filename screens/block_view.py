"""A scrolling view over parsed blocks that renders only the blocks on screen.

A runbook may hold a pasted 5 MB log: rendered whole with Rich it took minutes and 800 MB,
and again on every resize. Here the text is parsed into bounded blocks
(``vendortui.app.runbook_doc``) in a thread worker that hands them over in batches, so the
first screen shows as soon as the first sections are parsed. Each block is rendered with Rich
when it first comes into view; blocks never seen count with an estimated height. A resize
forgets the rendered lines and re-renders only what is visible; a cache of a few thousand
rendered lines keeps memory bounded whatever the size of the text.

Untrusted text: every block goes through ``strip_control`` before Rich sees it, and links are
rendered as text with their URL (``hyperlinks=False``), never as terminal hyperlinks, so nothing
opens or runs from a runbook.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from itertools import accumulate
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Console
from rich.text import Text
from textual import work
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import get_current_worker

from vendortui.app.runbook_doc import Block, code_text
from vendortui.app.text import strip_control
from vendortui.screens.clipboard import Copyable, copy

if TYPE_CHECKING:
    from textual.app import App

FIRST_LINES = 80
"""Source lines handed over first (two screens of a runbook); the rest follows in batches."""
BATCH = 2_000
"""Blocks handed over at a time after that."""
REFRESH_WAIT_S = 1.0
"""Longest the parse waits for the screen to draw its first blocks (``_wait_for_a_refresh``)."""
CACHE_LINES = 4_000
"""Rendered lines kept for blocks scrolled out of view (a few screens' worth)."""


def code_theme(app: App[Any]) -> str:
    """A Pygments theme for code blocks; the ANSI themes keep the terminal's own colours."""
    if app.current_theme.ansi:
        return "ansi_dark" if app.current_theme.dark else "ansi_light"
    return "monokai" if app.current_theme.dark else "default"


def render_block(block: Block, console: Console, theme: str) -> list[Strip]:
    """``block`` rendered at the console's width, followed by one blank line. Pure and cheap
    (blocks are bounded in size), so it runs on the UI thread for the blocks on screen."""
    # Imported here: rich.markdown loads markdown-it-py (about 60 ms), which a vendor card
    # opened right after launch does not need until its runbook is shown.
    from rich.markdown import Markdown

    text = strip_control(block.source)
    renderable = (
        Text(text.rstrip("\n"))
        if block.kind == "text"
        else Markdown(text, code_theme=theme, hyperlinks=False)
    )
    width = console.width
    strips = [Strip(line, width) for line in console.render_lines(renderable, console.options)]
    # Rich puts blank lines around some blocks (headings, tables) when it renders a whole
    # document: trim them so that blocks are one blank line apart, as Rich spaces paragraphs.
    while strips and _empty(strips[-1]):
        strips.pop()
    start = 0
    while start < len(strips) and _empty(strips[start]):
        start += 1
    return [*strips[start:], Strip.blank(width)]


def _empty(strip: Strip) -> bool:
    """A line with no text and no background (a code block's padding has a background)."""
    return not strip.text.strip() and not any(
        segment.style is not None and segment.style.bgcolor is not None for segment in strip
    )


class BlockView(ScrollView, can_focus=True):
    """Blocks drawn where visible; j/k, arrows, pages and the wheel scroll, ] and [ jump
    between headings, y copies the code block nearest the top."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Up", show=False, id="reader.up"),
        Binding("down,j", "move(1)", "Down", show=False, id="reader.down"),
        Binding("pageup,ctrl+b", "page(-1)", "Page up", show=False, id="reader.page_up"),
        Binding("pagedown,ctrl+f,space", "page(1)", "Page down", show=False, id="reader.page_down"),
        Binding("home,g", "top", "Top", show=False, id="reader.top"),
        Binding("end,G", "bottom", "Bottom", show=False, id="reader.bottom"),
        Binding(
            "right_square_bracket",
            "next_heading",
            "Next heading",
            show=False,
            id="reader.next_heading",
        ),
        Binding(
            "left_square_bracket",
            "previous_heading",
            "Previous heading",
            show=False,
            id="reader.previous_heading",
        ),
        Binding("y", "copy_code", "Copy code", id="reader.copy_code"),
    ]

    class Loaded(Message):
        """Every block of the text has been handed over (the outline is complete)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.blocks: list[Block] = []
        self.complete = False
        self._heights: list[int] = []
        self._offsets: list[int] = [0]
        self._cache: OrderedDict[int, list[Strip]] = OrderedDict()
        self._cached_lines = 0
        self._layout: tuple[int, str] = (0, "")
        self._block_console: Console | None = None
        self._generation = 0

    # Content ----------------------------------------------------------------------------------

    def load(self, blocks: Callable[[], Iterable[Block]]) -> None:
        """Replace what is shown with the blocks ``blocks()`` yields, parsed in a thread."""
        self._generation += 1
        self.blocks, self.complete = [], False
        self._heights, self._offsets = [], [0]
        self._forget_rendered()
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._recount()
        self._parse(blocks, self._generation)

    @work(thread=True, exclusive=True, group="block-parse")
    def _parse(self, blocks: Callable[[], Iterable[Block]], generation: int) -> None:
        worker = get_current_worker()
        batch: list[Block] = []
        lines = 0
        first = True
        for block in blocks():
            if worker.is_cancelled:
                return
            batch.append(block)
            lines += block.source.count("\n")
            if (first and lines >= FIRST_LINES) or len(batch) >= BATCH:
                self.app.call_from_thread(self._add, batch, generation, False)
                if first:
                    self._wait_for_a_refresh()
                batch, first = [], False
        self.app.call_from_thread(self._add, batch, generation, True)

    def _wait_for_a_refresh(self) -> None:
        """Let the screen draw the first blocks before parsing on.

        A thread that parses without pause takes the GIL back each time the event loop lets
        go of it (every turn of the loop, in ``select``), for up to the switch interval
        (5 ms): with a parse running, the first screen of a 5 MB runbook came 0.4 s after
        its blocks had arrived. ``call_after_refresh`` runs once the screen has been updated,
        drawn or not (a hidden tab refreshes too); the cap bounds a screen that is not being
        refreshed (another pushed over it) or an app shutting down.
        """
        refreshed = threading.Event()
        self.app.call_from_thread(self.call_after_refresh, refreshed.set)
        refreshed.wait(REFRESH_WAIT_S)

    def _add(self, batch: list[Block], generation: int, last: bool) -> None:
        if generation != self._generation:
            return
        width = self._layout[0] or self.scrollable_content_region.width
        self.blocks.extend(batch)
        self._heights.extend(block.estimate_height(width) for block in batch)
        self._recount()
        self.complete = last
        self.refresh()
        if last:
            self.post_message(self.Loaded())

    def _forget_rendered(self) -> None:
        self._cache.clear()
        self._cached_lines = 0

    def _recount(self) -> None:
        self._offsets = [0, *accumulate(self._heights)]
        self.virtual_size = Size(self._layout[0], self._offsets[-1])
        # Textual re-decides a ScrollView's scrollbars only when its size changes, not when the
        # widget sets its own virtual size (as TextArea does, ask for it): without this a bar
        # shown for estimated heights stayed after the real ones fitted the view, or not,
        # depending on whether a resize came in between (the flaky 80x24 runbook snapshot).
        self._refresh_scrollbars()

    # Rendering --------------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        self._prepare()
        return super().render_lines(crop)

    def _prepare(self) -> None:
        """Render the blocks about to be drawn and correct their heights, keeping the line at
        the top where it was (or the view at the bottom if it was there)."""
        width = self.scrollable_content_region.width
        if width <= 0 or not self.blocks:
            return
        layout = (width, code_theme(self.app))
        if layout != self._layout:
            self._relayout(layout)
        for _ in range(8):  # each pass renders blocks that the previous one pulled into view
            at_end = 0 < self.max_scroll_y <= self.scroll_y
            top = round(self.scroll_y)
            shift = 0
            changed = False
            for index in self._visible(top):
                if index in self._cache:
                    self._cache.move_to_end(index)
                    continue
                delta = len(self._render_block(index)) - self._heights[index]
                if delta:
                    changed = True
                    self._heights[index] += delta
                    if self._offsets[index] < top:
                        shift += delta
            if not changed:
                break
            self._recount()
            if self.app.animator.is_being_animated(self, "scroll_y"):
                break
            if at_end or shift:
                self.scroll_to(y=self.max_scroll_y if at_end else top + shift, animate=False)
        self._evict()

    def _relayout(self, layout: tuple[int, str]) -> None:
        """New width or theme: estimate every height anew and keep the top block at the top."""
        top = round(self.scroll_y)
        anchor = max(0, bisect_right(self._offsets, top) - 1)
        within = top - self._offsets[anchor]
        self._layout = layout
        self._block_console = Console(
            width=layout[0], force_terminal=True, color_system="truecolor", no_color=False
        )
        self._forget_rendered()
        self._heights = [block.estimate_height(layout[0]) for block in self.blocks]
        self._recount()
        if anchor < len(self.blocks):
            y = self._offsets[anchor] + min(within, self._heights[anchor] - 1)
            self.scroll_to(y=y, animate=False)

    def settled(self) -> bool:
        """Every block is handed over, the ones in view are drawn at their real heights, and
        the scrollbar already matches: what a test or bench waits for before looking."""
        needs_bar = self.virtual_size.height > self.scrollable_content_region.height
        in_view = self._visible(round(self.scroll_y))
        return (
            self.complete
            and all(index in self._cache for index in in_view)
            and self.show_vertical_scrollbar == needs_bar
        )

    def _visible(self, top: int) -> Iterator[int]:
        index = max(0, bisect_right(self._offsets, top) - 1)
        bottom = top + self.scrollable_content_region.height
        while index < len(self.blocks) and self._offsets[index] < bottom:
            yield index
            index += 1

    def _render_block(self, index: int) -> list[Strip]:
        strips = self._cache.get(index)
        if strips is None:
            assert self._block_console is not None
            strips = render_block(self.blocks[index], self._block_console, self._layout[1])
            self._cache[index] = strips
            self._cached_lines += len(strips)
        return strips

    def _evict(self) -> None:
        while self._cached_lines > CACHE_LINES and len(self._cache) > 1:
            _, strips = self._cache.popitem(last=False)
            self._cached_lines -= len(strips)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        line = round(self.scroll_y) + y
        index = bisect_right(self._offsets, line) - 1
        if not 0 <= index < len(self.blocks) or self._block_console is None:
            return Strip.blank(width, self.rich_style)
        strips = self._render_block(index)
        row = line - self._offsets[index]
        if row >= len(strips):
            return Strip.blank(width, self.rich_style)
        # Rich leaves unstyled cells without a background: put the widget's under them.
        return strips[row].apply_style(self.rich_style).crop_extend(0, width, self.rich_style)

    def visible_text(self) -> str:
        """The lines on screen as plain text (what a reader sees, for tests and checks)."""
        self._prepare()
        height = self.scrollable_content_region.height
        return "\n".join(self.render_line(y).text.rstrip() for y in range(height))

    # Moving -----------------------------------------------------------------------------------
    # Without animation: an on-call reader wants the page now, and an animation would be
    # stopped by the height corrections of the blocks it passes.

    def action_move(self, lines: int) -> None:
        self.scroll_to(y=self.scroll_y + lines, animate=False)

    def action_page(self, pages: int) -> None:
        self.scroll_to(
            y=self.scroll_y + pages * self.scrollable_content_region.height, animate=False
        )

    def action_top(self) -> None:
        self.scroll_to(y=0, animate=False)

    def action_bottom(self) -> None:
        self.scroll_to(y=self.max_scroll_y, animate=False)

    def top_block(self) -> int:
        """Index of the block at the top of the view."""
        return max(0, bisect_right(self._offsets, round(self.scroll_y)) - 1)

    def jump_to(self, index: int) -> None:
        """Put block ``index`` at the top of the view."""
        if 0 <= index < len(self.blocks):
            self.scroll_to(y=self._offsets[index], animate=False)

    def _heading_after(self, start: int, step: int) -> int | None:
        index = start + step
        while 0 <= index < len(self.blocks):
            if self.blocks[index].kind == "heading":
                return index
            index += step
        return None

    def action_next_heading(self) -> None:
        found = self._heading_after(self.top_block(), 1)
        if found is not None:
            self.jump_to(found)

    def action_previous_heading(self) -> None:
        top = self.top_block()
        at_start = self._offsets[top] == round(self.scroll_y) if self.blocks else True
        found = self._heading_after(top if at_start else top + 1, -1)
        if found is not None:
            self.jump_to(found)

    def action_copy_code(self) -> None:
        """Copy the first code block in view (all of it, if a long fence was cut in pieces)."""
        top = round(self.scroll_y)
        for index in self._visible(top):
            if self.blocks[index].kind == "code":
                copy(self.app, Copyable("code block", code_text(self.blocks, index), True))
                return
        self.notify("No code block in view.", severity="warning")

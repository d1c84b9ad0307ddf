"""A footer that ends visibly: when its keys do not fit, the last ones give way to "…".

Textual's ``Footer`` lays its keys out in a row and lets the row run past the terminal's edge,
so at 80 columns the vendor card's People tab ended mid-word with nothing saying more keys
exist. ``FitFooter`` hides the keys that do not fit (in the footer's own order, so the first,
most specific ones stay), always keeps ``? Keys`` and ``^q Quit`` (quitting is a ctrl key that
nobody guesses), and shows "…" where keys were left out. ``?`` lists every key regardless
(``screens.help`` reads the bindings, not the footer).
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel

KEPT_ACTIONS = frozenset({"help", "quit"})
"""The actions whose keys are never hidden: the list of every key, and quitting."""


class FitFooter(Footer):
    """A ``Footer`` that hides the keys that do not fit and says so with "…"."""

    _shown: tuple[object, ...] | None = None
    """What the keys were last built from (``_keys``)."""

    def compose(self) -> ComposeResult:
        self._shown = self._keys()
        yield from super().compose()
        more = FooterLabel("…", classes="footer-more")
        more.display = False
        yield more

    async def recompose(self) -> None:
        # Textual rebuilds every key on each bindings signal, and one tab switch sends three
        # (focus, tab, type-ahead): about 25 ms each on the runbook's first screen, for keys
        # that had not changed.
        if self._shown is not None and self._keys() == self._shown:
            return
        await super().recompose()
        self.call_after_refresh(self.fit)

    def _keys(self) -> tuple[object, ...]:
        """Everything ``Footer.compose`` reads: the shown bindings and the palette's, their
        state and display, and the settings it checks."""
        if not self._bindings_ready or not self.is_attached:
            return ()
        palette = self.app.COMMAND_PALETTE_BINDING
        return (
            self.compact,
            self.show_command_palette,
            self.app.ENABLE_COMMAND_PALETTE,
            palette,
            *(
                (key, binding, enabled, tooltip, self.app.get_key_display(binding))
                for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
                if binding.show or key == palette
            ),
        )

    def on_resize(self, _event: events.Resize) -> None:
        self.fit()

    def fit(self) -> None:
        """Show the keys that fit in the footer's width, in order, keeping help and quit."""
        # The palette key is docked right and hidden by CSS when narrow: counted, never toggled.
        palette = [c for c in self.children if c.has_class("-command-palette") and c.display]
        items = [
            c
            for c in self.children
            if not c.has_class("footer-more") and not c.has_class("-command-palette")
        ]
        if not items or not self.size.width:
            return
        width = self.size.width - sum(self._width(item) for item in palette)
        widths = {id(item): self._width(item) for item in items}
        more = self.query_one(".footer-more", FooterLabel)
        keep = [item for item in items if _is_kept(item)]
        room = width - sum(widths[id(item)] for item in keep)
        if sum(widths.values()) > width:
            room -= self._width(more)
        shown: set[int] = {id(item) for item in keep}
        for item in items:
            if id(item) in shown:
                continue
            if widths[id(item)] > room:
                break
            room -= widths[id(item)]
            shown.add(id(item))
        for item in items:
            item.display = id(item) in shown
        more.display = len(shown) < len(items)
        if more.display:
            # Right after the last key shown, before the keys that always stay.
            before = [item for item in items if id(item) in shown and not _is_kept(item)]
            if before:
                self.move_child(more, after=before[-1])
            else:
                self.move_child(more, before=items[0])

    def _width(self, item: Widget) -> int:
        """The cells ``item`` takes in the row, margins included, shown or not."""
        if item.display and item.outer_size.width:
            return item.outer_size.width + item.styles.margin.width
        content = item.get_content_width(self.size, self.app.size)
        return content + item.styles.gutter.width + item.styles.margin.width


def _is_kept(item: Widget) -> bool:
    return isinstance(item, FooterKey) and item.action in KEPT_ACTIONS

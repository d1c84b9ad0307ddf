"""A sweep of every vendor's SSO probes, with progress, that escape cancels.

Opened from the home screen or the palette. The run happens in a thread worker; results are
stored as they arrive, so cancelling keeps what finished.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, ProgressBar, RichLog

from vendortui.app.errors import KbError
from vendortui.app.text import strip_control
from vendortui.screens.auth_panel import OUTCOME_STYLE

if TYPE_CHECKING:
    from vendortui.screens.app import VendorTui


class ProbeSweepScreen(ModalScreen[int]):
    """Runs all enabled machine probes; dismisses with how many ran."""

    app: VendorTui

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel / close", id="sweep.cancel"),
    ]

    DEFAULT_CSS = """
    ProbeSweepScreen { align: center middle; }
    ProbeSweepScreen > Vertical {
        width: 90; height: 24; border: thick $accent; background: $surface; padding: 1 2;
    }
    ProbeSweepScreen RichLog { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._cancel = threading.Event()
        self._done = 0
        self._sweeping = True

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Probing every vendor's SSO... (escape cancels)", id="sweep-title")
            yield ProgressBar(id="sweep-bar", total=1, show_eta=False)
            yield RichLog(id="sweep-log", markup=False, wrap=True)

    def on_mount(self) -> None:
        self._sweep()

    @work(thread=True, exclusive=True)
    def _sweep(self) -> None:
        kb = self.app.kb
        call = self.app.call_from_thread
        names: dict[str, str] = {}
        configs: list[Any] = []

        def progress(done: int, total: int, config: Any, report: Any) -> None:
            line = Text.assemble(
                (
                    f"{report.outcome.value.upper():<12}",
                    OUTCOME_STYLE.get(report.outcome.value, ""),
                ),
                strip_control(f"{names.get(config.vendor_id, '?')} / {config.name}"),
                f"  {report.network_ms:.0f} ms network, {report.overhead_ms} ms vendortui",
            )
            call(self._progress, done, line)

        try:
            names = {row.id: row.name for row in kb.vendor_rows()}
            configs = [c for c in kb.probes.configs() if c.kind not in ("device_code", "auth_code")]
            call(self.query_one("#sweep-bar", ProgressBar).update, total=len(configs), progress=0)
            results = kb.probes.run(configs, on_progress=progress, cancelled=self._cancel.is_set)
        except KbError as error:
            call(self.notify, str(error), severity="error", markup=False)
            results = []
        call(self._finished, len(results), len(configs))

    def _progress(self, done: int, line: Text) -> None:
        self._done = done
        self.query_one("#sweep-bar", ProgressBar).update(progress=done)
        self.query_one("#sweep-log", RichLog).write(line)

    def _finished(self, done: int, total: int) -> None:
        self._sweeping = False
        verdict = "cancelled" if done < total else "done"
        self.query_one("#sweep-title", Label).update(
            f"Sweep {verdict}: {done} of {total} probes ran (escape closes)."
        )

    def action_cancel(self) -> None:
        if self._sweeping:
            self._cancel.set()
        else:
            self.dismiss(self._done)

"""The vendor's Auth tab: SSO probes with their latest verdict, findings and latency history.

Probes run in a thread worker (network never touches the UI thread) with progress shown and
``escape`` to cancel; results are stored by the service as they arrive. Interactive probes
(device code, authorization code) show the user code in a dialog or open the browser.
"""

from __future__ import annotations

import json
import threading
import webbrowser
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, ProgressBar, Sparkline, Static

from vendortui.app.errors import KbError
from vendortui.app.kb import age
from vendortui.app.probes.findings import shown_with_result
from vendortui.app.text import strip_control
from vendortui.models.enums import ProbeKind, labels
from vendortui.screens.clipboard import Copyable, offer
from vendortui.screens.forms import FormField, FormScreen
from vendortui.screens.long_text import FullTextScreen, clipped

if TYPE_CHECKING:
    from textual.widget import Widget

    from vendortui.screens.app import VendorTui

OUTCOME_STYLE = {
    "pass": "bold green",
    "warn": "bold yellow",
    "fail": "bold red",
    "unreachable": "bold blue",
    "error": "bold magenta",
}
SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "dim"}
READ_ALL = "; f reads every finding in full"

PROBE_FIELDS = (
    FormField("name", "Name"),
    FormField("kind", "Kind", "choice", labels(ProbeKind)),
    FormField("issuer", "Issuer URL", hint="Entra ID: with your tenant id in the URL"),
    FormField("metadata_url", "Metadata URL", hint="SAML metadata (or a discovery URL)"),
    FormField("client_id", "Client id"),
    FormField("scopes", "Scopes", hint="openid profile ..."),
    FormField("audience", "Audience / resource"),
    FormField("expected_claims", "Expected claims", hint="name=value, ..."),
    FormField("api_url", "API URL", hint="must answer 2xx with the token"),
    FormField("secret_ref", "Keyring entry", hint="where `vendortui secret set` stored it"),
    FormField("ca_file", "Extra CA file", hint="PEM file path, optional (stored absolute)"),
)


class UserCodeScreen(ModalScreen[None]):
    """Shows a device-flow user code and where to enter it while the probe polls."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="auth.close_code")
    ]

    def __init__(self, code: str, uri: str) -> None:
        super().__init__()
        self.code, self.uri = strip_control(code), strip_control(uri)

    def compose(self) -> ComposeResult:
        with Vertical(id="form-dialog"):
            yield Label("Sign in to finish the probe")
            yield Static(
                Text.assemble("Open  ", (self.uri, "bold"), "\nEnter ", (self.code, "bold reverse"))
            )
            yield Static("vendortui polls politely until you finish (escape hides this).")
            yield Button("Close", id="close")

    def on_button_pressed(self) -> None:
        self.dismiss()


def _findings(status: Any) -> list[dict[str, str]]:
    """The findings of a probe's latest run (none if it never ran)."""
    return json.loads(status.latest.findings or "[]") if status.latest else []


def _result_text(status: Any) -> Text:
    config, latest = status.config, status.latest
    line = Text.assemble(
        (strip_control(config.name), "bold"), f"  {config.kind.replace('_', ' ')}  "
    )
    if latest is None:
        line.append("never run", style="dim")
    else:
        line.append(latest.outcome.upper(), style=OUTCOME_STYLE.get(latest.outcome, ""))
        line.append(
            f"  {age(latest.started_at)}, {status.network_ms:.0f} ms network "
            f"({latest.duration_ms} ms in all)"
        )
    if status.creeping:
        line.append("  latency creeping up", style="yellow")
    if not config.enabled:
        line.append("  (disabled)", style="dim")
    if latest is not None:
        for finding in _findings(status):
            if not shown_with_result(finding.get("check_id", ""), finding["severity"]):
                continue
            line.append(f"\n  {finding['severity']}: ", style=SEVERITY_STYLE[finding["severity"]])
            line.append_text(clipped(finding["message"], more=READ_ALL))
            if finding.get("hint"):
                hint = clipped(finding["hint"], more=READ_ALL)
                hint.stylize_before("dim")
                line.append_text(Text("\n    hint: ", style="dim").append_text(hint))
    return line


class AuthPanel(Vertical):
    """Probes of one vendor: r runs them, a adds one, escape cancels a run."""

    app: VendorTui

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "run_probes", "Run probes", id="auth.run"),
        Binding("a", "add_probe", "Add probe", id="auth.add"),
        Binding("escape", "cancel_run", "Cancel run", show=False, id="auth.cancel_run"),
        Binding("f", "read_findings", "Read findings", id="auth.findings"),
        Binding("y", "copy", "Copy finding", id="auth.copy"),
    ]

    DEFAULT_CSS = """
    AuthPanel { height: 1fr; }
    AuthPanel #probe-progress { height: 1; display: none; }
    AuthPanel #probe-progress.running { display: block; }
    AuthPanel .probe { height: auto; margin-bottom: 1; }
    AuthPanel Sparkline { height: 2; width: 40; }
    """

    def __init__(self, vendor_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.vendor_id = vendor_id
        self.can_focus = True
        self._cancel = threading.Event()
        self._probing = False
        self._statuses: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Static("SSO probes: r run, a add. Loading...", id="probe-summary")
        with Horizontal(id="probe-progress"):
            yield ProgressBar(id="probe-bar", show_eta=False)
            yield Label("", id="probe-step")
        yield VerticalScroll(id="probe-list")

    def on_mount(self) -> None:
        self.refresh_probes()

    @work(thread=True, exclusive=True, group="probe-load")
    def refresh_probes(self) -> None:
        """Reload statuses off the UI thread."""
        try:
            statuses = self.app.kb.probes.status(self.vendor_id)
        except KbError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        # mypy solves Textual's ``T | Awaitable[T]`` callback type as Awaitable[Never] here.
        self.app.call_from_thread(self._show, statuses)  # type: ignore[arg-type]

    async def _show(self, statuses: list[Any]) -> None:
        self._statuses = statuses
        box = self.query_one("#probe-list", VerticalScroll)
        await box.remove_children()
        summary = self.query_one("#probe-summary", Static)
        if not statuses:
            summary.update("No SSO probes yet: press a to add one (or `vendortui probe add`).")
            return
        summary.update(f"{len(statuses)} SSO probe(s): r runs them, a adds one.")
        for status in statuses:
            widgets: list[Widget] = [Static(_result_text(status), classes="probe")]
            if len(status.durations_ms) > 1:
                widgets.append(Sparkline(status.durations_ms, summary_function=max))
            await box.mount_all(widgets)

    def _findings_text(self) -> str:
        """Every finding of the latest runs as plain text, probe by probe."""
        parts = []
        for status in self._statuses:
            parts.append(f"{status.config.name}\n")
            for finding in _findings(status):
                parts.append(f"  {finding['severity']}: {finding['message']}\n")
                if finding.get("hint"):
                    parts.append(f"    hint: {finding['hint']}\n")
        return "".join(parts)

    def action_read_findings(self) -> None:
        """Every finding of the latest runs, whole (the list shows the start of long ones)."""
        self.app.push_screen(
            FullTextScreen("Probe findings", self._findings_text() or "No probes yet.")
        )

    def action_copy(self) -> None:
        """y: one finding (check id, message, hint), or all of them, to paste into a ticket."""
        items = [
            Copyable(
                f"{status.config.name} {finding.get('check_id', 'finding')}",
                f"{finding.get('check_id', finding['severity'])}: {finding['message']}"
                + (f"\nhint: {finding['hint']}" if finding.get("hint") else ""),
                multiline=True,
            )
            for status in self._statuses
            for finding in _findings(status)
        ]
        if len(items) > 1:
            items.append(Copyable("every finding", self._findings_text(), multiline=True))
        offer(self.app, items)

    def action_add_probe(self) -> None:
        kb = self.app.kb

        def save(values: dict[str, Any]) -> Any:
            from vendortui.models import ProbeConfig

            return kb.create(ProbeConfig, vendor_id=self.vendor_id, **values)

        def added(result: Any) -> None:
            if result:
                self.refresh_probes()

        self.app.push_screen(
            FormScreen("New SSO probe", PROBE_FIELDS, {"kind": "oidc_discovery"}, save), added
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape cancels only while probes run; otherwise it goes back as everywhere."""
        if action == "cancel_run":
            return self._probing
        return True

    def action_cancel_run(self) -> None:
        self._cancel.set()

    def action_run_probes(self) -> None:
        self._cancel.clear()
        self._probing = True
        self.query_one("#probe-progress").add_class("running")
        self.query_one("#probe-step", Label).update("starting...")
        self._run()

    @work(thread=True, exclusive=True, group="probe-run")
    def _run(self) -> None:
        from vendortui.app.probes.interactive import ProbeHooks

        kb = self.app.kb
        call = self.app.call_from_thread

        def progress(done: int, total: int, config: Any, report: Any) -> None:
            call(self._progress, done, total, f"{config.name}: {report.outcome.value}")

        hooks = ProbeHooks(
            on_user_code=lambda code, uri: call(self.app.push_screen, UserCodeScreen(code, uri)),
            open_browser=webbrowser.open,
        )
        configs: list[Any] = []
        try:
            configs = [s.config for s in kb.probes.status(self.vendor_id) if s.config.enabled]
            results = kb.probes.run(
                configs, on_progress=progress, hooks=hooks, cancelled=self._cancel.is_set
            )
        except KbError as error:
            call(self.notify, str(error), severity="error", markup=False)
            results = []
        call(self._finished, len(results), len(configs))

    def _progress(self, done: int, total: int, step: str) -> None:
        self.query_one("#probe-bar", ProgressBar).update(total=total, progress=done)
        self.query_one("#probe-step", Label).update(Text(strip_control(step)))

    def _finished(self, done: int, total: int) -> None:
        self._probing = False
        self.query_one("#probe-progress").remove_class("running")
        cancelled = " (cancelled)" if done < total else ""
        self.notify(f"Ran {done} of {total} probes{cancelled}.")
        self.refresh_probes()

"""What a probe found, and the one rule that turns findings into a verdict.

The verdict is computed from the findings alone (``outcome_for``), so a stored result can be
re-judged from its JSON without the run that produced it. Two families of check ids are special:

* ``net.*`` says we could not reach the server (DNS, connect, timeout, dropped connection).
  That is not the vendor's fault as far as we can tell: an on-call engineer on a plane must see
  "unreachable", not a red alarm.
* ``probe.*`` says the probe itself could not run (missing secret, no UI hooks, a bug).

Everything else is judged by severity: any error is a failure of the vendor's SSO.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from vendortui.app.probes.redaction import Redactor, quoted
from vendortui.app.probes.timing import Timing
from vendortui.models.enums import ProbeOutcome


class Severity(StrEnum):
    """How bad one finding is."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


_SEVERITY_RANK = [Severity.ERROR, Severity.WARNING, Severity.INFO]
WAIT_STEP = "user"
"""The step that waits for a person (interactive probes): wall time, not network."""
UNREACHABLE_PREFIX = "net."
PROBE_PREFIX = "probe."
ALWAYS_SHOWN = frozenset({"http.proxy", "http.retried"})
"""Information findings shown with every result, not only in full reports: how the request
travelled (through which proxy, after a retry) explains a verdict or a latency."""


def shown_with_result(check_id: str, severity: str) -> bool:
    """Whether a short result (the CLI's lines, the Auth tab) shows this finding."""
    return severity != Severity.INFO.value or check_id in ALWAYS_SHOWN


@dataclass(frozen=True, slots=True)
class Finding:
    """One check's verdict: a stable id, a severity, a one-line finding and a hint to fix it."""

    check_id: str
    severity: Severity
    message: str
    hint: str = ""

    def to_dict(self) -> dict[str, str]:
        """The JSON shape stored in ``ProbeResult.findings``."""
        return {
            "check_id": self.check_id,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        """Read back what ``to_dict`` wrote."""
        return cls(data["check_id"], Severity(data["severity"]), data["message"], data["hint"])


def outcome_for(findings: Iterable[Finding]) -> ProbeOutcome:
    """The verdict: fail > error (probe could not run) > unreachable > warn > pass.

    Evidence of breakage beats everything; "we could not look" beats "looked and it was fine".
    """
    items = list(findings)
    errors = [f for f in items if f.severity is Severity.ERROR]
    if any(not f.check_id.startswith((UNREACHABLE_PREFIX, PROBE_PREFIX)) for f in errors):
        return ProbeOutcome.FAIL
    if any(f.check_id.startswith(PROBE_PREFIX) for f in errors):
        return ProbeOutcome.ERROR
    if any(f.check_id.startswith(UNREACHABLE_PREFIX) for f in items):
        return ProbeOutcome.UNREACHABLE
    if any(f.severity is Severity.WARNING for f in items):
        return ProbeOutcome.WARN
    return ProbeOutcome.PASS


@dataclass(frozen=True, slots=True)
class ProbeReport:
    """The result of one probe run, ready to be stored as a ``ProbeResult`` row."""

    outcome: ProbeOutcome
    findings: tuple[Finding, ...]
    latencies_ms: dict[str, float]
    duration_ms: int
    started_at: datetime
    network_ms: float = 0.0
    late_ms: float = 0.0

    @property
    def overhead_ms(self) -> int:
        """vendortui's own share of ``duration_ms``: neither on the wire nor waiting for a person.

        Parsing, checks, key import and, in a sweep, waiting for the event loop.
        """
        waiting = self.latencies_ms.get(WAIT_STEP, 0.0)
        return max(0, round(self.duration_ms - self.network_ms - waiting))

    def findings_json(self) -> list[dict[str, str]]:
        """``ProbeResult.findings`` as a JSON-ready list."""
        return [f.to_dict() for f in self.findings]


MAX_PER_CHECK = 5
"""Findings kept per check id; the rest are counted in one closing finding (a JWKS of 10,000
bad keys must not store and sync 10,000 lines to the whole team)."""


def listing(items: list[str], limit: int = MAX_PER_CHECK) -> str:
    """``a, b, c`` with at most ``limit`` items named and the rest counted."""
    shown = ", ".join(items[:limit])
    return shown if len(items) <= limit else f"{shown} and {len(items) - limit} more"


@dataclass(slots=True)
class Recorder:
    """Collects findings and per-step latencies during one run.

    Every message goes through ``redact`` so that a secret echoed back by a hostile server (or
    sitting in an exception's text) never reaches a finding; hints are our own fixed text.
    Server text quoted in a message goes through ``quote`` (redacted, cut, visibly escaped).
    At most ``MAX_PER_CHECK`` findings are kept per check id; the rest are counted.
    """

    redact_values: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    latencies_ms: dict[str, float] = field(default_factory=dict)
    timing: Timing = field(default_factory=Timing)
    _redactor: Redactor = field(init=False)
    _counts: Counter[str] = field(init=False, default_factory=Counter)
    _dropped: dict[str, Severity] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._redactor = Redactor(self.redact_values)

    def add(self, check_id: str, severity: Severity, message: str, hint: str = "") -> None:
        """Record one finding; the message (which may quote a server) is redacted."""
        if self._counts[check_id] >= MAX_PER_CHECK:
            self._drop(check_id, severity, 1)
            return
        self._counts[check_id] += 1
        self.findings.append(Finding(check_id, severity, self.redact(message), hint))

    def error(self, check_id: str, message: str, hint: str = "") -> None:
        """Record an error finding."""
        self.add(check_id, Severity.ERROR, message, hint)

    def warning(self, check_id: str, message: str, hint: str = "") -> None:
        """Record a warning finding."""
        self.add(check_id, Severity.WARNING, message, hint)

    def info(self, check_id: str, message: str, hint: str = "") -> None:
        """Record an informational finding."""
        self.add(check_id, Severity.INFO, message, hint)

    def protect(self, *values: str) -> None:
        """Add values (tokens, codes) that must never appear in a finding."""
        fresh = [v for v in values if v]
        self.redact_values.extend(fresh)
        self._redactor.add(*fresh)

    def redact(self, text: str) -> str:
        """Mask every protected value, whole or in fragments (see ``redaction``)."""
        return self._redactor.redact(text)

    def quote(self, value: object, limit: int = 80) -> str:
        """Server-supplied text for a message: redacted, then cut, then visibly escaped."""
        return quoted(value, limit, self._redactor)

    def child(self) -> Recorder:
        """A recorder for work done in another thread, merged back with ``merge``."""
        return Recorder(redact_values=list(self.redact_values))

    def merge(self, other: Recorder) -> None:
        """Take over what a ``child`` recorded."""
        for finding in other.findings:
            self.add(finding.check_id, finding.severity, finding.message, finding.hint)
        for check_id, severity in other._dropped.items():
            self._drop(check_id, severity, other._counts[check_id] - MAX_PER_CHECK)

    def _drop(self, check_id: str, severity: Severity, count: int) -> None:
        """Count findings past the cap; the closing finding carries the worst severity."""
        self._counts[check_id] += count
        worst = self._dropped.get(check_id, Severity.INFO)
        self._dropped[check_id] = min(worst, severity, key=_SEVERITY_RANK.index)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time a network step as the wire time of its requests; repeated steps add up.

        The ``WAIT_STEP`` (a person signing in) is timed on the wall clock instead.
        """
        start, wire = time.perf_counter(), self.timing.network_ms
        try:
            yield
        finally:
            if name == WAIT_STEP:
                elapsed = (time.perf_counter() - start) * 1000
            else:
                elapsed = self.timing.network_ms - wire
            self.latencies_ms[name] = round(self.latencies_ms.get(name, 0.0) + elapsed, 2)

    def has_errors(self) -> bool:
        """Whether any error was recorded so far (later steps may be pointless)."""
        return any(f.severity is Severity.ERROR for f in self.findings)

    def report(self, started_at: datetime, started: float) -> ProbeReport:
        """Freeze into a ``ProbeReport``, with one closing finding per capped check."""
        extra = [
            Finding(
                check_id,
                severity,
                f"... and {self._counts[check_id] - MAX_PER_CHECK} more finding(s) of this check",
                "Only the first few of each check are kept.",
            )
            for check_id, severity in self._dropped.items()
        ]
        findings = (*self.findings, *extra)
        return ProbeReport(
            outcome=outcome_for(findings),
            findings=findings,
            latencies_ms=dict(self.latencies_ms),
            duration_ms=round((time.perf_counter() - started) * 1000),
            started_at=started_at,
            network_ms=round(self.timing.network_ms, 2),
            late_ms=self.timing.late_ms,
        )

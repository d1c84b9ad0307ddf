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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from vendortui.models.enums import ProbeOutcome


class Severity(StrEnum):
    """How bad one finding is."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


UNREACHABLE_PREFIX = "net."
PROBE_PREFIX = "probe."


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

    def findings_json(self) -> list[dict[str, str]]:
        """``ProbeResult.findings`` as a JSON-ready list."""
        return [f.to_dict() for f in self.findings]


@dataclass(slots=True)
class Recorder:
    """Collects findings and per-step latencies during one run.

    Every message goes through ``redact`` so that a secret echoed back by a hostile server (or
    sitting in an exception's text) never reaches a finding; hints are our own fixed text.
    """

    redact_values: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    latencies_ms: dict[str, float] = field(default_factory=dict)

    def add(self, check_id: str, severity: Severity, message: str, hint: str = "") -> None:
        """Record one finding; the message (which may quote a server) is redacted."""
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
        self.redact_values.extend(v for v in values if v)

    def redact(self, text: str) -> str:
        """Replace every secret value (and its encodings) with ``***``."""
        for value in self.redact_values:
            text = text.replace(value, "***")
        return text

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time a step; repeated steps (polls, redirects) add up."""
        start = time.perf_counter()
        try:
            yield
        finally:
            elapsed = (time.perf_counter() - start) * 1000
            self.latencies_ms[name] = round(self.latencies_ms.get(name, 0.0) + elapsed, 2)

    def has_errors(self) -> bool:
        """Whether any error was recorded so far (later steps may be pointless)."""
        return any(f.severity is Severity.ERROR for f in self.findings)

    def report(self, started_at: datetime, started: float) -> ProbeReport:
        """Freeze into a ``ProbeReport``."""
        findings = tuple(self.findings)
        return ProbeReport(
            outcome=outcome_for(findings),
            findings=findings,
            latencies_ms=dict(self.latencies_ms),
            duration_ms=round((time.perf_counter() - started) * 1000),
            started_at=started_at,
        )

"""Probe configurations and results in the knowledge base: the bridge between rows and engine.

Configurations become ``ProbeSpec`` values for the engine; reports become append-only
``ProbeResult`` rows. A verdict that flips between healthy (pass/warn) and failing creates an
event on the vendor's timeline; ``unreachable`` and ``error`` say nothing about the vendor and
never flip anything. Latency that creeps up is judged here, from stored history.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vendortui.app.errors import KbError, ReadOnlyError
from vendortui.app.identity import current_user
from vendortui.models.enums import ProbeOutcome
from vendortui.models.ids import utcnow

if TYPE_CHECKING:
    from vendortui.app.db import Database
    from vendortui.app.probes.findings import ProbeReport
    from vendortui.app.probes.interactive import ProbeHooks
    from vendortui.app.probes.spec import ProbeSpec
    from vendortui.models import ProbeConfig, ProbeResult

HEALTHY = {ProbeOutcome.PASS.value, ProbeOutcome.WARN.value}
INTERACTIVE_KINDS = {"device_code", "auth_code"}
Progress = Callable[[int, int, "ProbeConfig", "ProbeReport"], object]
CREEP_RECENT = 5
CREEP_MIN_HISTORY = 10
CREEP_FACTOR = 1.5


def secret_ref_for(vendor_slug: str, probe_name: str) -> str:
    """The default keyring entry name for a probe's client secret: readable, stable."""
    from vendortui.models.rules import slugify

    return f"{vendor_slug}/{slugify(probe_name)}"


def unavailable_secret_report(message: str) -> ProbeReport:
    """The report of a probe that could not run because its secret is out of reach."""
    import time
    from datetime import UTC, datetime

    from vendortui.app.probes.findings import Recorder

    rec = Recorder()
    rec.error("probe.secret_unavailable", message)
    return rec.report(datetime.now(UTC), time.perf_counter())


def latency_creeps(durations_ms: list[int]) -> bool:
    """Recent runs (median of the last 5) markedly slower than the longer history before them.

    Needs at least 10 runs; "markedly" is 1.5x the median of the earlier ones, so one slow run
    or a noisy network does not raise it.
    """
    if len(durations_ms) < CREEP_MIN_HISTORY:
        return False
    recent, earlier = durations_ms[-CREEP_RECENT:], durations_ms[:-CREEP_RECENT]
    baseline = statistics.median(earlier)
    return baseline > 0 and statistics.median(recent) > CREEP_FACTOR * baseline


@dataclass
class ProbeStatus:
    """A probe with its latest result and recent durations (oldest first), for screens."""

    config: ProbeConfig
    latest: ProbeResult | None
    durations_ms: list[int]

    @property
    def network_ms(self) -> float:
        """The latest run's time on the wire (its network steps as measured), 0 if never run."""
        if self.latest is None:
            return 0.0
        from vendortui.app.probes.findings import WAIT_STEP

        steps = json.loads(self.latest.latencies or "{}")
        return sum(float(ms) for name, ms in steps.items() if name != WAIT_STEP)

    @property
    def creeping(self) -> bool:
        """Whether latency is creeping up (see ``latency_creeps``)."""
        return latency_creeps(self.durations_ms)


class ProbeService:
    """Probe configurations and history over one knowledge base."""

    HISTORY = 30

    def __init__(self, db: Database) -> None:
        self.db = db

    def configs(
        self, vendor_ids: list[str] | None = None, kind: str | None = None
    ) -> list[ProbeConfig]:
        """Enabled, live probe configurations, optionally for some vendors or one kind."""
        from sqlmodel import col, select

        from vendortui.models import ProbeConfig, Vendor

        query = (
            select(ProbeConfig)
            .join(Vendor, col(Vendor.id) == ProbeConfig.vendor_id)
            .where(col(ProbeConfig.deleted_at).is_(None), col(Vendor.deleted_at).is_(None))
            .where(col(ProbeConfig.enabled).is_(True))
            .order_by(col(Vendor.name), col(ProbeConfig.name))
        )
        if vendor_ids is not None:
            query = query.where(col(ProbeConfig.vendor_id).in_(vendor_ids))
        if kind:
            query = query.where(ProbeConfig.kind == kind)
        with self.db.session() as session:
            return list(session.exec(query).all())

    def status(self, vendor_id: str) -> list[ProbeStatus]:
        """Every probe of a vendor with its latest result and recent durations."""
        from sqlmodel import col, select

        from vendortui.models import ProbeConfig, ProbeResult

        with self.db.session() as session:
            configs = session.exec(
                select(ProbeConfig)
                .where(ProbeConfig.vendor_id == vendor_id, col(ProbeConfig.deleted_at).is_(None))
                .order_by(col(ProbeConfig.name), col(ProbeConfig.id))
            ).all()
            out = []
            for config in configs:
                results = session.exec(
                    select(ProbeResult)
                    .where(ProbeResult.probe_id == config.id, col(ProbeResult.deleted_at).is_(None))
                    .order_by(col(ProbeResult.started_at).desc(), col(ProbeResult.id).desc())
                    .limit(self.HISTORY)
                ).all()
                durations = [r.duration_ms for r in reversed(results)]
                out.append(ProbeStatus(config, results[0] if results else None, durations))
        return out

    @staticmethod
    def spec(config: ProbeConfig) -> ProbeSpec:
        """The engine's view of a stored configuration (no secret in it); the deadline is
        the config's ``probes.timeout`` and the proxy its ``probes.proxy``."""
        from vendortui.app.config import current
        from vendortui.app.probes.spec import ProbeSpec
        from vendortui.models.enums import ProbeKind

        settings = current()
        return ProbeSpec(
            kind=ProbeKind(config.kind),
            issuer=config.issuer,
            metadata_url=config.metadata_url,
            client_id=config.client_id,
            scopes=config.scopes,
            audience=config.audience,
            expected_claims=config.expected_claims,
            api_url=config.api_url,
            secret_ref=config.secret_ref,
            ca_file=config.ca_file,
            name=config.name,
            timeout_s=settings.value("probes.timeout"),
            proxy=settings.value("probes.proxy"),
        )

    def run(
        self,
        configs: list[ProbeConfig],
        *,
        on_progress: Progress | None = None,
        hooks: ProbeHooks | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> list[tuple[ProbeConfig, ProbeReport]]:
        """Run probes (bounded concurrency), storing each result as soon as it arrives.

        Blocking: call from a worker thread or a command. ``cancelled`` is polled; when it
        turns true the probes still running are cancelled and the ones done stay stored.
        Interactive kinds run one at a time with ``hooks`` (they need a person).
        ``on_progress`` sees results as they complete; the returned list is in the order of
        ``configs`` (``configs()`` gives vendor, then probe), so the same sweep always prints
        the same way.
        """
        if self.db.readonly:
            raise ReadOnlyError(
                self.db.notice or f"{self.db.label} is open read-only, so results cannot be stored."
            )
        try:
            return asyncio.run(self._run(configs, on_progress, hooks, cancelled))
        except* KbError as group:
            raise group.exceptions[0] from None

    async def _run(
        self,
        configs: list[ProbeConfig],
        on_progress: Progress | None,
        hooks: ProbeHooks | None,
        cancelled: Callable[[], bool] | None,
    ) -> list[tuple[ProbeConfig, ProbeReport]]:
        from vendortui.app.config import current
        from vendortui.app.probes.runner import run_probe
        from vendortui.app.probes.sweep import sweep
        from vendortui.app.secrets import get_secret

        done: list[tuple[ProbeConfig, ProbeReport]] = []
        machine = [c for c in configs if c.kind not in INTERACTIVE_KINDS or hooks is None]
        people = [c for c in configs if c.kind in INTERACTIVE_KINDS and hooks is not None]
        by_spec: dict[int, ProbeConfig] = {}

        def delivered(config: ProbeConfig, report: ProbeReport) -> None:
            self.record(config, report)
            done.append((config, report))
            if on_progress is not None:
                on_progress(len(done), len(configs), config, report)

        async def everything() -> None:
            specs = []
            for config in machine:
                spec = self.spec(config)
                by_spec[id(spec)] = config
                specs.append(spec)
            await sweep(
                specs,
                concurrency=current().value("probes.concurrency"),
                secret_for=lambda spec: get_secret(spec.secret_ref),
                on_progress=lambda _n, _total, spec, report: delivered(by_spec[id(spec)], report),
            )
            for config in people:
                try:
                    secret = get_secret(config.secret_ref) if config.secret_ref else None
                except KbError as exc:
                    delivered(config, unavailable_secret_report(str(exc)))
                    continue
                delivered(config, await run_probe(self.spec(config), secret=secret, hooks=hooks))

        task = asyncio.ensure_future(everything())
        while not task.done():
            if cancelled is not None and cancelled():
                task.cancel()
                break
            await asyncio.wait({task}, timeout=0.1)
        with contextlib.suppress(asyncio.CancelledError):
            await task
        order = {id(config): index for index, config in enumerate(configs)}
        return sorted(done, key=lambda pair: order[id(pair[0])])

    def record(self, config: ProbeConfig, report: ProbeReport) -> ProbeResult:
        """Store one run; a flip between healthy and failing adds an event to the vendor."""
        from sqlmodel import col, select

        from vendortui.models import Event, ProbeResult

        now, who = utcnow(), current_user()
        result = ProbeResult(
            probe_id=config.id,
            vendor_id=config.vendor_id,
            started_at=report.started_at,
            duration_ms=report.duration_ms,
            outcome=report.outcome.value,
            findings=json.dumps(report.findings_json()),
            latencies=json.dumps(report.latencies_ms, sort_keys=True),
            created_at=now,
            updated_at=now,
            updated_by=who,
        )
        with self.db.write() as session:
            previous = session.exec(
                select(ProbeResult.outcome)
                .where(ProbeResult.probe_id == config.id, col(ProbeResult.deleted_at).is_(None))
                .where(col(ProbeResult.outcome).in_([*HEALTHY, ProbeOutcome.FAIL.value]))
                .order_by(col(ProbeResult.started_at).desc(), col(ProbeResult.id).desc())
                .limit(1)
            ).first()
            session.add(result)
            flipped = previous is not None and (previous in HEALTHY) != (result.outcome in HEALTHY)
            if result.outcome in (*HEALTHY, ProbeOutcome.FAIL.value) and flipped:
                verdict = "fails" if result.outcome == ProbeOutcome.FAIL.value else "works again"
                first = next((f for f in report.findings if f.severity.value == "error"), None)
                session.add(
                    Event(
                        vendor_id=config.vendor_id,
                        kind="probe_status_change",
                        occurred_at=report.started_at,
                        title=f"SSO probe {config.name!r} {verdict}",
                        body=first.message if first else "",
                        created_at=now,
                        updated_at=now,
                        updated_by=who,
                    )
                )
        return result

    def get(self, probe_id: str) -> ProbeConfig:
        """One live probe configuration."""
        from vendortui.models import ProbeConfig

        with self.db.session() as session:
            config = session.get(ProbeConfig, probe_id)
        if config is None or config.deleted_at is not None:
            raise KbError("That probe no longer exists.")
        return config

    def find(self, vendor_id: str, name: str) -> ProbeConfig:
        """A vendor's probe by name (case-insensitive); a readable error if there is none."""
        from sqlmodel import col, select

        from vendortui.models import ProbeConfig

        with self.db.session() as session:
            configs = session.exec(
                select(ProbeConfig).where(
                    ProbeConfig.vendor_id == vendor_id, col(ProbeConfig.deleted_at).is_(None)
                )
            ).all()
        for config in configs:
            if name.lower() in (config.name.lower(), config.id):
                return config
        names = ", ".join(repr(c.name) for c in configs) or "none"
        raise KbError(f"That vendor has no probe called {name!r} (it has: {names}).")

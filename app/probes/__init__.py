"""SSO probes: check that a vendor's OIDC / OAuth / SAML sign-in works and is safe.

Pure engine, no database: callers turn ``ProbeConfig`` rows into ``ProbeSpec`` values, call
``run_probe`` (or ``sweep`` for many), and store the ``ProbeReport``.
"""

from app.probes.findings import Finding, ProbeReport, Severity, outcome_for
from app.probes.interactive import ProbeHooks
from app.probes.runner import run_probe
from app.probes.spec import ProbeSpec
from app.probes.sweep import sweep

__all__ = [
    "Finding",
    "ProbeHooks",
    "ProbeReport",
    "ProbeSpec",
    "Severity",
    "outcome_for",
    "run_probe",
    "sweep",
]

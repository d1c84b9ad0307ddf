"""SSO probes: check that a vendor's OIDC / OAuth / SAML sign-in works and is safe.

Pure engine, no database: callers turn ``ProbeConfig`` rows into ``ProbeSpec`` values, call
``run_probe`` (or ``sweep`` for many), and store the ``ProbeReport``.

Names resolve lazily (PEP 562): the due list imports ``app.probes.due`` and ``store`` on every
``vendortui due``, and must not pay for Authlib and httpx (about 165 ms) to do so.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "Finding": "vendortui.app.probes.findings",
    "ProbeReport": "vendortui.app.probes.findings",
    "Severity": "vendortui.app.probes.findings",
    "outcome_for": "vendortui.app.probes.findings",
    "ProbeHooks": "vendortui.app.probes.interactive",
    "run_probe": "vendortui.app.probes.runner",
    "ProbeSpec": "vendortui.app.probes.spec",
    "sweep": "vendortui.app.probes.sweep",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'vendortui.app.probes' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value


__all__ = sorted(_HOMES)

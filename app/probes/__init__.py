"""SSO probes: check that a vendor's OIDC / OAuth / SAML sign-in works and is safe.

Pure engine, no database: callers turn ``ProbeConfig`` rows into ``ProbeSpec`` values
(``spec``), call ``runner.run_probe`` (or ``sweep.sweep`` for many), and store the
``findings.ProbeReport`` (``store``). Import from those modules: this package imports nothing,
because the due list imports ``due`` and ``store`` on every ``vendortui due`` and must not pay
for Authlib and httpx (about 165 ms) to do so.
"""

"""Public data: what open datasets say about each vendor, checked against what the team recorded.

Four datasets ship as reduced snapshots (``snapshots/*.json.gz``, rebuilt by ``reduce.py`` from
the upstream files; licenses and attribution in ``notices/``): 2fa.directory, the passkeys
directory, sso.tax and the Auto-Provisioning Atlas. Nothing here touches the network; a user
replaces a snapshot with ``vendortui datasets import FILE``.

Nothing is loaded on import: ``datasets.load()`` reads the snapshots on first use (a panel or
a command that needs them), so opening the TUI does not pay for them. For a report, use
``check.vendor_public(posture, datasets, today)``: a vendor's facts and findings in one value.
"""

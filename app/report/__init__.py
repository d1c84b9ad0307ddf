"""The inventory report for a security team or an auditor: ``vendortui report``.

``inventory.py`` reads every live vendor with stdlib ``sqlite3`` (a handful of queries, not
one per vendor, so 10,000 vendors stay well under the 3 s budget), ``markdown.py`` and
``html.py`` render it with every stored string escaped for their format.
"""

"""Making untrusted text safe to draw.

Vendor names, runbooks, notes and anything else that came from a teammate's commit, an import or
a remote server may contain Rich markup (``[bold]``) or terminal escape sequences. Both must show
as text, never act: escape sequences are removed and markup brackets are escaped.
"""

from __future__ import annotations

import re

_ANSI = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]          # CSI ... final byte (colours, cursor moves)
    | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?  # OSC ... BEL or ST (titles, hyperlinks, clipboard)
    | \x1b[PX^_][^\x1b]*(?:\x1b\\)?   # DCS / SOS / PM / APC strings
    | \x1b.?                          # any other escape
    | \x9b[0-?]*[ -/]*[@-~]          # 8-bit CSI
    """,
    re.VERBOSE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_control(text: str) -> str:
    """Remove terminal escape sequences and control characters; keep newlines and tabs."""
    return _CONTROL.sub("", _ANSI.sub("", text))


def safe(text: object) -> str:
    """Text ready to embed in Rich markup: control sequences stripped, markup escaped."""
    from rich.markup import escape

    return escape(strip_control(str(text)))

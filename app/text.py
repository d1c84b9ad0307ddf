"""Making untrusted text safe to draw and to print.

Vendor names, runbooks, notes and anything else that came from a teammate's commit, an import or
a remote server may contain Rich markup (``[bold]``), terminal control characters (ESC, the
one-byte CSI U+009B), bidirectional overrides or zero-width characters. None of them may act or
hide: each is shown visibly escaped as ``\\uXXXX`` (``\\n``, ``\\t``, ``\\r`` for line breaks
and tabs in one-line places), never dropped silently, so what a reader sees is what is stored.
Markup brackets are escaped by ``safe()``.
"""

from __future__ import annotations

import json
import re
from typing import Any

INVISIBLE = (
    r"\x00-\x1f\x7f-\x9f"  # C0 and C1 controls (U+009B is a one-byte CSI), DEL
    r"\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e"  # soft hyphen, fillers, Arabic mark
    r"\u200b-\u200f"  # zero-width space/joiners, LRM/RLM
    r"\u2028-\u202e"  # line/paragraph separators, bidi embeddings and overrides
    r"\u2060-\u206f"  # word joiner, invisible operators, bidi isolates
    r"\u3164\ufeff\ufff0-\ufffb"  # Hangul filler, BOM / zero-width no-break space, specials
    r"\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2"  # other format characters (Unicode Cf)
    r"\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    r"\U000e0000-\U000e0fff"  # tag characters and supplementary variation selectors
)
"""Characters that act on a terminal, reorder text or take no room, as a regex class body.

A short explicit class rather than ``not str.isprintable()``: a class of all 700 non-printable
ranges makes ``re`` about a hundred times slower on a large runbook."""

_HIDDEN_ML = re.compile("[" + INVISIBLE.replace(r"\x00-\x1f", r"\x00-\x08\x0b-\x1f") + "]")
"""``INVISIBLE`` less newline and tab, for text where line breaks are meaningful."""
_HIDDEN = re.compile("[" + INVISIBLE + "]")
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED.get(char) or f"\\u{ord(char):04x}"


def visible(text: str) -> str:
    """Multi-line text with every control, bidi and zero-width character shown as ``\\uXXXX``.

    Newlines and tabs are kept (a runbook or a description has lines); a carriage return is
    shown, since it moves the cursor back over what was printed (a Windows line end ``\r\n``
    is a line break, not a hidden character).
    """
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    return _HIDDEN_ML.sub(_escape, text)


ONE_LINE_SHOWN = 300
"""Characters of a one-line value shown before it is cut: a 5 MB name (an old file, a merge)
must not flood a terminal or a list row."""


def one_line(text: object, limit: int = ONE_LINE_SHOWN) -> str:
    """Text for one line of output (a list row, a heading, a table cell): like ``visible`` but
    newlines and tabs too are shown escaped, so stored data can never break a line; cut after
    ``limit`` characters with a note of how many more there are."""
    raw = str(text)
    if len(raw) > limit:
        return f"{_HIDDEN.sub(_escape, raw[:limit])}… ({len(raw) - limit} more characters)"
    return _HIDDEN.sub(_escape, raw)


strip_control = visible
"""The old name of ``visible`` (it used to drop control characters, which hid them); screens
still call it by this name."""


def has_invisible(text: str) -> bool:
    """True when ``text`` holds a character that ``one_line`` would escape."""
    return _HIDDEN.search(text) is not None


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_text(value: Any) -> str:
    """Stable, readable JSON (sorted keys, two-space indent, dates as ISO text) for every
    ``--json`` output: non-ASCII letters stay readable, but every character in ``INVISIBLE``
    is written as a ``\\uXXXX`` escape, so a terminal that prints the JSON runs nothing
    (``json.dumps`` leaves C1 controls such as the one-byte CSI U+009B raw). Parsing it gives
    back exactly the stored strings."""
    raw = json.dumps(value, indent=2, sort_keys=True, default=str, ensure_ascii=False)
    return escape_json(raw)


def escape_json(raw: str) -> str:
    """JSON text with every ``INVISIBLE`` character inside it written as a ``\\uXXXX``
    escape (the same JSON value): for writers that lay their JSON out themselves."""
    return _HIDDEN_ML.sub(_json_escape, raw)


def clip(text: str, limit: int) -> tuple[str, int]:
    """``text`` cut to at most ``limit`` characters at a line end when there is one, and how
    many characters were left out (0 when it fits)."""
    if len(text) <= limit:
        return text, 0
    cut = text.rfind("\n", 0, limit)
    head = text[: cut if cut > 0 else limit]
    return head, len(text) - len(head)


_MD_ANYWHERE = re.compile(r"([\\`*_\[\]<>#|~!&])")
_MD_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])", re.MULTILINE)
_MD_HTML = re.compile(r"<(?![A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>)")
"""A ``<`` that does not open an autolink (``<https://...>``): it could start raw HTML."""


def markdown_text(text: object) -> str:
    """Plain text from data placed in Markdown so that it reads as itself: hidden characters
    shown (``visible``), every character Markdown would interpret backslash-escaped (emphasis,
    code, links, headings, tables, raw HTML and entities), and list, quote and setext markers
    at the start of a line escaped too."""
    escaped = _MD_ANYWHERE.sub(r"\\\1", visible(str(text)))
    return _MD_LINE_START.sub(
        lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], escaped
    )


def markdown_line(text: object) -> str:
    """``markdown_text`` for a one-line field: line breaks shown as ``\\n``, never taken."""
    return markdown_text(one_line(text))


def markdown_source(text: str) -> str:
    """Markdown written by a person (a runbook), kept as Markdown but with hidden characters
    shown and raw HTML neutralised (``\\<``), since a renderer would run or hide it."""
    return _MD_HTML.sub(r"\\<", visible(text))


def safe(text: object) -> str:
    """Text ready to embed in Rich markup on one line: hidden characters shown, markup escaped."""
    from rich.markup import escape

    return escape(one_line(text))

"""Checking an upstream file's shape, naming the first place where it goes wrong.

An imported dataset is untrusted: every value is checked for the type vendortui needs before
it is kept, and the first mismatch is refused with its JSON path (``$[12].vendor_url:
expected a string``), so the user can find it in the file. Fields vendortui does not use are
ignored (an upstream may add some), but never kept.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from vendortui.app.text import has_invisible

MAX_TEXT = 300
"""Longest published value kept (a price, a name, a URL): longer is not a real entry."""


class ShapeError(ValueError):
    """The file does not have the upstream's shape at ``path``."""

    def __init__(self, path: str, expected: str) -> None:
        super().__init__(f"{path}: expected {expected}")
        self.path = path


def key_path(path: str, key: str) -> str:
    """``path`` extended by an object member: ``$["github.com"]`` (JSON-quoted, ASCII-only, so
    a hostile key cannot act on a terminal, and cut to 80 characters)."""
    return f"{path}[{json.dumps(key[:80])}]"


def member_path(path: str, name: str) -> str:
    """``path`` extended by a known member name: ``$[3].vendor_url``."""
    return f"{path}.{name}" if name.isidentifier() else key_path(path, name)


def obj(value: Any, path: str) -> dict[str, Any]:
    """``value`` as a JSON object."""
    if not isinstance(value, dict):
        raise ShapeError(path, "an object")
    return value


def array(value: Any, path: str) -> list[Any]:
    """``value`` as a JSON array."""
    if not isinstance(value, list):
        raise ShapeError(path, "an array")
    return value


def text(value: Any, path: str, *, limit: int = MAX_TEXT) -> str:
    """``value`` as a string of at most ``limit`` characters."""
    if not isinstance(value, str):
        raise ShapeError(path, "a string")
    if len(value) > limit:
        raise ShapeError(path, f"a string of at most {limit} characters")
    return value


def optional_text(value: Any, path: str) -> str:
    """A string, or ``""`` when the member is missing (None)."""
    return "" if value is None else text(value, path)


def link(value: Any, path: str) -> str:
    """An http(s) URL, or ``""`` when missing: a link in the data may never be another scheme
    (``javascript:``, ``file:``) that a terminal or a report would follow, nor hide
    characters."""
    raw = optional_text(value, path).strip()
    if raw and (
        urlsplit(raw).scheme not in ("http", "https")
        or any(c.isspace() for c in raw)
        or has_invisible(raw)
    ):
        raise ShapeError(path, "an http(s) URL")
    return raw


def choice(value: Any, path: str, allowed: tuple[str, ...]) -> str:
    """One of ``allowed`` (case-insensitive; stored as written in ``allowed``)."""
    if isinstance(value, str):
        for option in allowed:
            if value.strip().upper() == option.upper():
                return option
    raise ShapeError(path, "one of " + ", ".join(allowed))


def optional_choice(value: Any, path: str, allowed: tuple[str, ...]) -> str:
    """One of ``allowed``, or ``""`` when the member is missing."""
    return "" if value is None else choice(value, path, allowed)


def links(value: Any, path: str, *, limit: int = 10) -> list[str]:
    """One http(s) URL or an array of them (upstreams write both), at most ``limit`` kept."""
    if value is None:
        return []
    if isinstance(value, list):
        return [u for n, item in enumerate(value[:limit]) if (u := link(item, f"{path}[{n}]"))]
    url = link(value, path)
    return [url] if url else []

"""JSON from a server, bounded in nesting: the parse cannot recurse without limit.

``json.loads`` recurses once per level; a body of 400,000 ``[`` raises ``RecursionError`` (and
anything that later walks a deep value, ``str`` or ``json.dumps``, does too). Every JSON body a
probe receives, and every JWT header and payload, goes through ``loads``: deeper than
``MAX_DEPTH`` is ``JsonTooDeep``, which callers report as a finding about the server.
"""

from __future__ import annotations

import json

MAX_DEPTH = 32
"""Real discovery documents, JWKS and tokens nest 3 to 5 levels; 32 leaves room for claims."""


class JsonTooDeep(ValueError):
    """The document nests deeper than ``MAX_DEPTH`` levels."""


def nesting(value: object) -> int:
    """How many container levels ``value`` has (iteratively: no recursion on hostile input)."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: list[object] = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


def loads(data: bytes | str) -> object:
    """``json.loads`` that refuses more than ``MAX_DEPTH`` levels; ValueError when not JSON."""
    try:
        value = json.loads(data)
    except RecursionError:
        raise JsonTooDeep(f"nested deeper than {MAX_DEPTH} levels") from None
    if nesting(value) > MAX_DEPTH:
        raise JsonTooDeep(f"nested deeper than {MAX_DEPTH} levels")
    return value


def looks_like_json(body: bytes) -> bool:
    """Whether a body is meant as JSON (whatever its Content-Type says)."""
    return body.lstrip()[:1] in (b"{", b"[")

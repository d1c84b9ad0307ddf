"""Keeping secrets out of findings, and showing server text visibly escaped.

A hostile (or merely chatty) server may echo what we sent it: the client secret, whole or cut,
URL-encoded, base64-encoded on its own or inside a Basic header at any byte alignment. Whatever
comes back is redacted *before* anything cuts it to length, and any run of at least
``FRAGMENT`` characters taken from a protected value counts as a leak: a cut secret is still a
secret (the first 16 characters of a 32-character secret halve the work of guessing it).

Server text that a finding quotes is then shown the way issuers are shown: ``repr``-escaped, so
control characters, bidi overrides and C1 bytes appear as ``\\x1b``-style text, never act, and
nothing is silently stripped.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

FRAGMENT = 8
"""Shortest run of a protected value treated as a leak (shorter runs match by chance)."""
MASK = "***"


def _base64_forms(data: bytes) -> list[str]:
    """``data`` as it appears inside base64 of a longer string, at each of the 3 alignments.

    Characters that mix bits of ``data`` with bits of its neighbours are dropped at both ends;
    what remains appears verbatim in the encoding of any string that contains ``data``.
    """
    forms = []
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + data).decode().rstrip("=")
        start = -(-8 * shift // 6)  # first character made only of data's bits
        core = encoded[start:-2] if len(encoded) - start > 2 else ""
        forms += [core, core.replace("+", "-").replace("/", "_")]
    return forms


def secret_forms(client_id: str, secret: str | None) -> list[str]:
    """Every form in which the secret may travel or be echoed back."""
    if not secret:
        return []
    raw = secret.encode()
    forms = [
        secret,
        quote(secret, safe=""),
        quote(secret, safe="").lower(),
        quote_plus(secret),
        raw.hex(),
        raw.hex().upper(),
        base64.b64encode(f"{client_id}:{secret}".encode()).decode(),
        base64.b64encode(f"{quote(client_id)}:{quote(secret)}".encode()).decode(),
        *_base64_forms(raw),
        *_base64_forms(quote(secret, safe="").encode()),
    ]
    return [f for f in dict.fromkeys(forms) if f]


class Redactor:
    """Masks protected values, whole or as fragments of ``FRAGMENT`` characters or more."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        self._values: list[str] = []
        self._grams: set[str] = set()
        self.longest = 0
        self.add(*values)

    def add(self, *values: str) -> None:
        """Protect more values (tokens and codes learnt during a run)."""
        for value in values:
            if not value or value in self._values:
                continue
            self._values.append(value)
            self.longest = max(self.longest, len(value))
            size = min(FRAGMENT, len(value))
            self._grams.update(value[i : i + size] for i in range(len(value) - size + 1))

    def __bool__(self) -> bool:
        return bool(self._values)

    def redact(self, text: str) -> str:
        """``text`` with every protected run masked."""
        return self._mask(text, len(text))

    def cut(self, text: str, limit: int) -> str:
        """Redact, then shorten to ``limit`` characters (redaction first: see the module doc).

        Masking works in the original text's positions, so nothing that follows a masked run
        can slide into the kept part; only the first ``limit`` plus the longest value's length
        can touch it, so the rest is never scanned.
        """
        window = text[: limit + self.longest + FRAGMENT]
        head = self._mask(window, limit)
        return head if len(text) <= limit else head + "…"

    def _mask(self, text: str, stop: int) -> str:
        """The first ``stop`` characters of ``text``, protected runs (found in all of it) masked."""
        if not self._values or not text:
            return text[:stop]
        covered = bytearray(len(text))
        for size in sorted({min(FRAGMENT, len(v)) for v in self._values}):
            for i in range(len(text) - size + 1):
                if text[i : i + size] in self._grams:
                    covered[i : i + size] = b"\1" * size
        if not any(covered):
            return text[:stop]
        out: list[str] = []
        for index in range(min(stop, len(text))):
            if not covered[index]:
                out.append(text[index])
            elif index == 0 or not covered[index - 1]:
                out.append(MASK)
        return "".join(out)


def as_text(value: object) -> str:
    """A server-supplied value of any JSON type as text (strings as they are)."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (ValueError, RecursionError):
        return f"({type(value).__name__})"


def quoted(value: object, limit: int = 80, redactor: Redactor | None = None) -> str:
    """Server text for a finding: redacted, then cut, then visibly escaped (``repr``)."""
    text = (redactor or Redactor()).cut(as_text(value), limit)
    return repr(text)

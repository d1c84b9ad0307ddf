"""What "the secret leaked" means in tests: the secret in any encoding, whole or in fragments.

The encodings are computed here, independently of ``app.probes.redaction``, so a form the
application forgets is still looked for. A fragment is any run of ``WINDOW`` characters of an
encoded form; every probe scenario run through ``helpers.timed_probe`` is scanned for them
after the test (see ``conftest.no_secret_reaches_storage``).
"""

from __future__ import annotations

import base64
from urllib.parse import quote, quote_plus

WINDOW = 12
"""Long enough that no 12-character run of a random secret appears in a file by chance."""


def encodings(secret: str, client_id: str = "") -> list[str]:
    """The secret as it may be echoed: raw, URL-encoded, base64 (alone and in Basic), hex."""
    raw = secret.encode()
    forms = [
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
        base64.b64encode(f"{client_id}:{secret}".encode()).decode().rstrip("="),
        raw.hex(),
    ]
    return list(dict.fromkeys(forms))


def fragments(text: str, size: int = WINDOW) -> set[str]:
    """Every run of ``size`` characters of ``text`` (the whole text when shorter)."""
    if len(text) <= size:
        return {text}
    return {text[i : i + size] for i in range(len(text) - size + 1)}


def leaked(
    haystack: str | bytes, secret: str, client_id: str = "", size: int = WINDOW
) -> list[str]:
    """The fragments of any encoding of ``secret`` found in ``haystack`` (empty: no leak)."""
    found = []
    for form in encodings(secret, client_id):
        for piece in fragments(form, size):
            needle: str | bytes = piece.encode() if isinstance(haystack, bytes) else piece
            if needle in haystack:  # type: ignore[operator]
                found.append(piece)
    return found

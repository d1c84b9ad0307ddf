"""Reduced snapshots on disk: the ones shipped in the package, and a user's imported copies.

A snapshot is gzip'd JSON: ``{"format", "source", "date", "commit", "imported_at",
"entries"}``. A user's copy (``vendortui datasets import``) lives in the user data folder
(platformdirs), ``public-data/<key>.json.gz``, and replaces the shipped one for that user
only. A damaged user copy is not fatal: the shipped snapshot is used and the listing says why.
"""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from vendortui.app.errors import KbError
from vendortui.app.input_file import MB, read_input
from vendortui.app.probes.jsondoc import JsonTooDeep, loads
from vendortui.app.text import one_line

FORMAT = "vendortui-public/1"
SHIPPED_DIR = Path(__file__).with_name("snapshots")
NOTICES_DIR = Path(__file__).with_name("notices")
MAX_UPSTREAM_BYTES = 20 * 1024 * 1024
"""Largest upstream file accepted: 2fa.directory's all.json, the largest, is about 0.4 MB."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One reduced dataset and where it came from."""

    source: str
    date: str
    """The upstream data's date (YYYY-MM-DD): its commit's, or the imported file's."""
    commit: str
    imported_at: str
    """When the user imported it (ISO UTC); empty for the shipped snapshot."""
    entries: dict[str, Any]
    origin: str = "shipped"
    """``shipped`` or the path of the user's copy."""


def user_dir() -> Path:
    """Where imported snapshots live: the user data folder's ``public-data``."""
    from platformdirs import user_data_path

    return user_data_path("vendortui", appauthor=False) / "public-data"


def write(path: Path, snapshot: Snapshot) -> None:
    """Write ``snapshot`` to ``path`` atomically (temporary file, then one rename); the bytes
    depend only on the data (gzip without a time stamp), so a rebuild is reproducible."""
    body = {
        "format": FORMAT,
        "source": snapshot.source,
        "date": snapshot.date,
        "commit": snapshot.commit,
        "imported_at": snapshot.imported_at,
        "entries": snapshot.entries,
    }
    data = gzip.compress(
        json.dumps(body, sort_keys=True, separators=(",", ":")).encode(), 9, mtime=0
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


CONTAINER = {"2fa": "by_domain", "passkeys": "by_domain", "sso-tax": "items", "atlas": "items"}
"""Where each dataset's reduced entries sit in ``entries``."""


def entry_count(entries: dict[str, Any]) -> int:
    """How many sites or vendors a reduced dataset holds."""
    return len(entries.get("by_domain") or entries.get("items") or ())


def _well_formed(body: Any) -> bool:
    """The top of a snapshot as ``write`` makes it (the entries were checked when reduced)."""
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        return False
    key = body.get("source")
    if not isinstance(key, str) or key not in CONTAINER:
        return False
    entries = body.get("entries")
    kind = dict if CONTAINER[key] == "by_domain" else list
    try:
        date.fromisoformat(str(body.get("date")))
    except ValueError:
        return False
    return (
        all(isinstance(body.get(name), str) for name in ("date", "commit", "imported_at"))
        and isinstance(entries, dict)
        and isinstance(entries.get(CONTAINER[key]), kind)
    )


def read(path: Path, origin: str = "shipped") -> Snapshot:
    """A snapshot file; ``ValueError`` with the reason when it is not one."""
    try:
        body = json.loads(gzip.decompress(path.read_bytes()))
    except (OSError, EOFError, ValueError) as exc:
        raise ValueError(f"{path.name} is not a readable snapshot ({exc})") from None
    if not _well_formed(body):
        raise ValueError(f"{path.name} is not a vendortui snapshot")
    return Snapshot(
        body["source"], body["date"], body["commit"], body["imported_at"], body["entries"], origin
    )


def shipped(key: str) -> Snapshot:
    """The snapshot shipped in the package."""
    return read(SHIPPED_DIR / f"{key}.json.gz")


def user_copy(key: str) -> Path:
    """Where the user's imported copy of ``key`` is (it may not exist)."""
    return user_dir() / f"{key}.json.gz"


def current(key: str) -> tuple[Snapshot, str]:
    """The snapshot in use for ``key`` (the user's copy if there is a valid one), and a note
    when a user copy exists but cannot be read (empty otherwise)."""
    path = user_copy(key)
    if path.exists():
        try:
            snapshot = read(path, str(path))
            if snapshot.source == key:
                return snapshot, ""
            note = f"{path} holds another dataset"
        except ValueError as exc:
            note = str(exc)
        return shipped(key), f"imported copy ignored: {note}; import it again"
    return shipped(key), ""


def read_upstream(path: Path) -> Any:
    """An upstream file parsed as JSON, or ``KbError`` with one sentence (missing, too large,
    not UTF-8, not JSON, nested too deep). The file's name is shown escaped: it is the user's,
    but it may hold anything."""
    name = one_line(path.name)
    raw = read_input(
        path,
        MAX_UPSTREAM_BYTES,
        f"an upstream dataset is well under {MAX_UPSTREAM_BYTES // MB} MB: check that this is "
        "the right file.",
    )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise KbError(
            f"{name} is not UTF-8 text (byte {exc.start}): import the JSON file the "
            "upstream publishes."
        ) from None
    try:
        return loads(text)
    except JsonTooDeep as exc:
        raise KbError(f"{name} is {exc}: not an upstream dataset.") from None
    except ValueError as exc:
        raise KbError(f"{name} is not JSON ({exc}): import the upstream's JSON file.") from None

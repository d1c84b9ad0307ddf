"""``vendortui datasets import``: a newer upstream file replaces one snapshot for this user.

The file is read in the upstream's own format (what its API or repository publishes), checked
value by value while it is reduced, and only then written, atomically, over the user's copy:
a refused file leaves the snapshot in use untouched. No network access, ever.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from vendortui.app.errors import KbError
from vendortui.app.public_data import datasets
from vendortui.app.public_data.reduce import REDUCERS, detect
from vendortui.app.public_data.shape import ShapeError
from vendortui.app.public_data.snapshot import (
    Snapshot,
    entry_count,
    read_upstream,
    user_copy,
    write,
)
from vendortui.app.public_data.sources import SOURCES
from vendortui.app.text import one_line

KEYS = ", ".join(SOURCES)


@dataclass(frozen=True, slots=True)
class Imported:
    """What an import did: which dataset, how many entries, where the copy is."""

    source: str
    entries: int
    date: str
    path: Path


def _data_date(path: Path, given: str | None) -> str:
    """``--date`` if given (checked), else the day the file was last modified (UTC)."""
    if given:
        try:
            day = date.fromisoformat(given)
        except ValueError:
            raise KbError(f"--date '{one_line(given)}' is not a date: write YYYY-MM-DD.") from None
        if day > datetime.now(UTC).date():
            raise KbError("--date is in the future: give the day the upstream data is from.")
        return day.isoformat()
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).date().isoformat()


def import_file(path: Path, source: str | None = None, day: str | None = None) -> Imported:
    """Validate ``path`` as ``source`` (detected from its shape if None) and make it this
    user's snapshot of that dataset; ``KbError`` with the first offending path if it is not."""
    if source is not None and source not in SOURCES:
        raise KbError(f"There is no dataset '{one_line(source)}': use one of {KEYS}.")
    doc = read_upstream(path)
    name = one_line(path.name)
    key = source or detect(doc)
    if key is None:
        raise KbError(
            f"Cannot tell which dataset {name} is: name it with --source ({KEYS}). "
            "Nothing was replaced."
        )
    try:
        entries = REDUCERS[key](doc)
    except ShapeError as exc:
        raise KbError(
            f"{name} is not in the shape of {SOURCES[key].title}'s file: {one_line(exc)}. "
            "Nothing was replaced."
        ) from None
    count = entry_count(entries)
    if count == 0:
        raise KbError(f"{name} holds no entries: nothing was replaced.")
    stamp = datetime.now(UTC).replace(microsecond=0).isoformat()
    data_date = _data_date(path, day)
    target = user_copy(key)
    try:
        write(target, Snapshot(key, data_date, "", stamp, entries))
    except OSError as exc:
        raise KbError(f"Cannot write {one_line(target)}: {exc.strerror or exc}.") from None
    datasets.forget()
    return Imported(key, count, data_date, target)

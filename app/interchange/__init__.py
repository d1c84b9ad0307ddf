"""Bringing an inventory in and handing it out: CSV, JSON and Backstage catalog files.

* ``json_format``: the lossless form, every synced table but conflicts, ids kept.
* ``csv_format``: the spreadsheet form, one row per vendor (columns in ``records``).
* ``backstage``: one catalog entity per vendor, read back from a multi-document YAML file.

Reading a file (``source``) gives records or table rows; ``plan`` / ``tables`` compare them
with the knowledge base and decide every insert and update before anything is written, so a
dry run and a real import show the same changes; ``apply`` writes a plan in one transaction.
"""

from __future__ import annotations

from pathlib import Path

from vendortui.app.errors import KbError

FORMATS = ("csv", "json", "backstage")

_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".json": "json",
    ".yaml": "backstage",
    ".yml": "backstage",
}


def guess_format(path: Path | None, given: str | None) -> str:
    """The format named by ``--format``, else the one the file's extension says."""
    if given:
        return given
    fmt = _EXTENSIONS.get(path.suffix.lower()) if path is not None else None
    if fmt is None:
        shown = f"the name {path.name!r}" if path is not None else "standard output"
        raise KbError(
            f"vendortui cannot tell the format from {shown}; pass --format {'|'.join(FORMATS)}."
        )
    return fmt

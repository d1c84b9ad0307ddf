"""The spreadsheet form: one row per vendor, the columns of ``records.COLUMNS`` in any order.

Reading takes what spreadsheets write: comma, semicolon or tab separated (told from the
header line, whose names hold none of them), CRLF or LF, quoted cells with line breaks.
Writing guards against formula injection the OWASP way: a cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a leading ``'`` (after any ``'`` it already
starts with), and reading removes exactly that quote, so a round trip gives the same text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import TextIO

from vendortui.app.errors import KbError
from vendortui.app.interchange.records import COLUMN_NAMES, Record
from vendortui.app.interchange.source import Problem

MAX_COLUMNS = 200
"""More columns than this is not a vendor inventory; refused before the header is parsed."""
DELIMITERS = (",", ";", "\t")
_ESCAPED = re.compile(r"^'*[=+\-@\t\r]")
_UNESCAPE = re.compile(r"^'+[=+\-@\t\r]")


def escape_formula(cell: str) -> str:
    """``cell`` safe to open in a spreadsheet (see the module note)."""
    return "'" + cell if _ESCAPED.match(cell) else cell


def unescape_formula(cell: str) -> str:
    """Undo ``escape_formula``: only a quote it could have added is removed."""
    return cell[1:] if _UNESCAPE.match(cell) else cell


def header_key(name: str) -> str:
    """A header as a column name: ``Risk tier`` and ``risk-tier`` are ``risk_tier``."""
    return re.sub(r"[\s\-]+", "_", name.strip()).casefold()


def write(records: Iterable[dict[str, str]], out: TextIO) -> int:
    """Write the header and one row per record; returns the number of rows."""
    writer = csv.writer(out)
    writer.writerow(COLUMN_NAMES)
    count = 0
    for record in records:
        writer.writerow([escape_formula(record[name]) for name in COLUMN_NAMES])
        count += 1
    return count


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _columns(cells: list[str], file: str, mapping: dict[str, str]) -> list[str | None]:
    """Each header cell's column (``None``: ignored by ``--map "Name="``)."""
    known = set(COLUMN_NAMES)
    out: list[str | None] = []
    for cell in cells:
        key = header_key(cell)
        target = mapping.get(key, key)
        if target == "":
            out.append(None)
            continue
        if target not in known:
            shown = cell.strip()[:80]
            raise KbError(
                f"{file}: the column {shown!r} is not one vendortui knows; rename it or map it, "
                f'e.g. --map "{shown}=lead" (or --map "{shown}=" to ignore it); known columns: '
                f"{', '.join(COLUMN_NAMES)}."
            )
        if target in out:
            raise KbError(f"{file}: two columns both give {target!r}; keep one of them.")
        out.append(target)
    return out


def read(text: str, file: str, mapping: dict[str, str]) -> tuple[list[Record], list[Problem]]:
    """The records of a CSV text and the rows that cannot be read (with file and line)."""
    header = text.split("\n", 1)[0]
    delimiter = _delimiter(header)
    if header.count(delimiter) + 1 > MAX_COLUMNS:
        raise KbError(
            f"{file} has {header.count(delimiter) + 1} columns; a vendor inventory has at most "
            f"{len(COLUMN_NAMES)} (see the README's column table), so this is not one."
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[Record] = []
    problems: list[Problem] = []
    try:
        cells = next(reader, None)
        if not cells:
            raise KbError(f"{file} is empty; it needs a header row naming its columns.")
        columns = _columns(cells, file, mapping)
        while True:
            line = reader.line_num + 1
            row = next(reader, None)
            if row is None:
                break
            if not any(cell.strip() for cell in row):
                continue
            where = f"{file}:{line}"
            if len(row) != len(columns):
                problems.append(
                    Problem(where, f"has {len(row)} cells but the header has {len(columns)}")
                )
                continue
            values = {
                column: unescape_formula(cell)
                for column, cell in zip(columns, row, strict=True)
                if column is not None
            }
            records.append(Record(values, where))
    except csv.Error as exc:
        raise KbError(
            f"{file} line {reader.line_num} cannot be read as CSV ({exc}); nothing was imported."
        ) from None
    return records, problems

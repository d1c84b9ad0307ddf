"""Reading an import file as text, refusing what is not text before any parser sees it.

Spreadsheets save CSV as UTF-8 with or without a byte-order mark, or as UTF-16 with one
("Unicode text"); anything else (a binary file, a file that mixes encodings, a file too large
to be an inventory) is refused with one sentence that says where and what to do.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from vendortui.app.errors import KbError
from vendortui.app.input_file import MB, read_input

MAX_FILE_BYTES = 64 * 1024 * 1024
"""An inventory of 10,000 vendors with runbooks is a few MB; a larger file is not one."""


@dataclass(frozen=True)
class Problem:
    """A row or entity that cannot be imported: where it is and why."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


def read_text(path: Path) -> str:
    """The file's text, decoded; ``KbError`` (one sentence) if it is not a text file."""
    data = read_input(
        path,
        MAX_FILE_BYTES,
        f"vendortui imports files of at most {MAX_FILE_BYTES // MB} MB, so split it.",
    )
    return decode(data, str(path))


def decode(data: bytes, name: str) -> str:
    """UTF-8 (a leading byte-order mark dropped) or BOM-marked UTF-16 to text."""
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                raise KbError(
                    f"{name} starts like UTF-16 but is not; save it as UTF-8 and import again."
                ) from None
            return _refuse_nul(text, name)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if b"\x00" in data:
        raise KbError(
            f"{name} is a binary file, not text (it holds NUL bytes); export the inventory "
            "as CSV, JSON or YAML and import that."
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise KbError(
            f"{name} line {line} is not UTF-8 (byte 0x{data[exc.start]:02X}); the file mixes "
            'encodings: save it as UTF-8 ("CSV UTF-8" in a spreadsheet) and import again.'
        ) from None


def _refuse_nul(text: str, name: str) -> str:
    if "\x00" in text:
        raise KbError(f"{name} is a binary file, not text (it holds NUL characters).")
    return text

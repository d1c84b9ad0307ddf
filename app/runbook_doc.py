"""A runbook's Markdown as a list of blocks, parsed once, so a screen can render only what shows.

Runbooks are written by teammates and sometimes hold a pasted log of megabytes. Rendering a
whole document with Rich costs about 70 microseconds a byte and keeps every rendered line in
memory, so the runbook view renders block by block, and only the blocks on screen. This module
does the part that needs no terminal: it cuts the text into *sections* at cheap, safe places,
parses each section's block structure with markdown-it-py (inline parsing is left to the
renderer, for the few blocks that show), and yields ``Block`` objects with their Markdown
source, their kind, headings for an outline and code fences for copying.

Every block is small by construction (``SECTION_LINES`` lines, ``SECTION_CHARS`` characters at
most), whatever the document holds: a 5 MB paragraph or code fence comes out as many blocks, a
code fence cut in two is closed and reopened so both halves render as code, and a line longer
than ``LONG_LINE`` characters is shown in pieces. The text itself is not made safe here: the
screen escapes what it draws.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

SECTION_LINES = 120
"""A section ends at the first safe place after this many lines..."""
SECTION_CHARS = 8_000
"""...or this many characters; rendering one is a few milliseconds."""
HARD_LINES = 240
HARD_CHARS = 16_000
"""With no safe place by then (one long paragraph, a long code fence), the section is cut anyway."""
LONG_LINE = 4_000
"""Lines longer than this are cut into pieces of this many characters."""

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_CONTINUES = re.compile(r"[ \t\n]|([-+*]|\d{1,9}[.)])([ \t\n]|$)")
"""A line that may continue the block before a blank line: indented, or a list item."""

KIND = {
    "heading_open": "heading",
    "paragraph_open": "paragraph",
    "fence": "code",
    "code_block": "code",
    "bullet_list_open": "list",
    "ordered_list_open": "list",
    "table_open": "table",
    "blockquote_open": "quote",
    "hr": "rule",
    "html_block": "html",
}
"""markdown-it's top-level token types, by the kind of block they start."""


@dataclass(frozen=True, slots=True)
class Block:
    """One top-level Markdown block: what to render, and what the outline and copying need."""

    kind: str
    """heading, paragraph, code, list, table, quote, rule, html or text (plain, not Markdown)."""
    source: str
    """The block's Markdown (for ``text``: the plain text), as written."""
    line: int
    """Its first line in the document, counted from 0."""
    level: int = 0
    """Heading level, 1-6."""
    title: str = ""
    """Heading text, as written."""
    code: str = ""
    """A code block's content, without the fence."""
    info: str = ""
    """A code fence's info string (the language)."""
    continued: bool = False
    """This code block goes on from the previous one (a long fence was cut in two)."""

    def estimate_height(self, width: int) -> int:
        """Lines the block will take at ``width`` before it is rendered (plus one blank line
        after it): each source line, wrapped. Exact for plain text, close for the rest."""
        width = max(1, width)
        return 1 + sum(len(line) // width + 1 for line in self.source.splitlines() or [""])


@dataclass(frozen=True, slots=True)
class Section:
    """A run of whole lines that parses the same alone as in the document."""

    line: int
    """First line in the document (for a reopened fence: the fence line before it)."""
    lines: list[str]
    reopened: bool = False
    """It starts with a copy of the opening line of a fence cut at the previous section."""


@cache
def _parser() -> MarkdownIt:
    """Block structure only: inline parsing of a 5 MB paragraph alone takes seconds."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable("inline")


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their ends, long ones cut in pieces, one at a time (a 5 MB
    text is not split up front: the first section is ready at once)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start, start + LONG_LINE)
        if end < 0:
            end = min(len(text), start + LONG_LINE)
            yield text[start:end] + "\n"
        else:
            end += 1
            yield text[start:end]
        start = end


def sections(text: str) -> Iterator[Section]:
    """Cut ``text`` into sections. A soft cut is a blank line outside a code fence followed
    by an unindented line that is not a list item, where CommonMark starts a new top-level
    block (an HTML block such as ``<pre>`` spanning blank lines is the exception it misses).
    A hard cut inside a fence closes it and reopens it with the same opening line in the next
    section; elsewhere it ends a paragraph or a list where it falls."""
    current: list[str] = []
    size = 0
    start = 0
    reopened = False
    fence: tuple[str, str] | None = None  # (closing marker, opening line)
    lines = _lines(text)
    following = next(lines, "")
    number = -1
    while following:
        line, following, number = following, next(lines, ""), number + 1
        current.append(line)
        size += len(line)
        match = _FENCE.match(line)
        if fence is None and match and not (match[1][0] == "`" and "`" in match[2]):
            fence = (match[1], line)
        elif fence is not None and match and not match[2].strip():
            marker = match[1]
            if marker[0] == fence[0][0] and len(marker) >= len(fence[0]):
                fence = None
        soft = (
            fence is None
            and (len(current) >= SECTION_LINES or size >= SECTION_CHARS)
            and not line.strip()
            and following
            and not _CONTINUES.match(following)
        )
        hard = len(current) >= HARD_LINES or size >= HARD_CHARS
        if (soft or hard) and following:
            if fence is not None:
                current.append(fence[0] + "\n")
            yield Section(start, current, reopened)
            start, current, size, reopened = number + 1, [], 0, fence is not None
            if fence is not None:
                current.append(fence[1])
                start -= 1
    if current:
        yield Section(start, current, reopened)


def _block(token: Token, tokens: list[Token], index: int, section: Section) -> Block | None:
    kind = KIND.get(token.type)
    if kind is None or token.map is None:
        return None
    first, last = token.map
    source = "".join(section.lines[first:last])
    line = section.line + first
    if kind == "heading":
        title = tokens[index + 1].content if index + 1 < len(tokens) else ""
        return Block(kind, source, line, level=int(token.tag[1:]), title=title)
    if kind == "code":
        continued = first == 0 and section.reopened
        return Block(kind, source, line, code=token.content, info=token.info, continued=continued)
    return Block(kind, source, line)


def iter_blocks(text: str) -> Iterator[Block]:
    """The blocks of ``text``, top to bottom, produced lazily: the first screen of a 5 MB
    runbook is ready after its first sections are parsed."""
    parser = _parser()
    for section in sections(text):
        tokens = parser.parse("".join(section.lines))
        for index, token in enumerate(tokens):
            if token.level == 0 and token.nesting != -1:
                block = _block(token, tokens, index, section)
                if block is not None:
                    yield block


def parse(text: str) -> list[Block]:
    """All blocks of ``text`` (``iter_blocks`` at once)."""
    return list(iter_blocks(text))


def plain_blocks(text: str) -> Iterator[Block]:
    """``text`` that is not Markdown (a note, a log) as ``text`` blocks of bounded size, so
    the same lazy view can show any field in full."""
    for section in sections(text):
        yield Block("text", "".join(section.lines), section.line)


def outline(blocks: Iterable[Block]) -> list[tuple[int, Block]]:
    """The headings, with their index among ``blocks``: the runbook's table of contents."""
    return [(index, block) for index, block in enumerate(blocks) if block.kind == "heading"]


def code_text(blocks: list[Block], index: int) -> str:
    """The content of the code block at ``index``, joined with the pieces it was cut into."""
    first = index
    while first > 0 and blocks[first].continued:
        first -= 1
    parts = [blocks[first].code]
    following = first + 1
    while following < len(blocks) and blocks[following].continued:
        parts.append(blocks[following].code)
        following += 1
    return "".join(parts)

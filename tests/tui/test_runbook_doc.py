"""The runbook parser (``app/runbook_doc.py``): every block is bounded whatever the text holds,
cutting into sections changes nothing a reader sees, and headings and code come out whole."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from tests.tui.conftest import RUNBOOK
from vendortui.app import runbook_doc
from vendortui.app.kb import runbook_template
from vendortui.app.runbook_doc import (
    HARD_CHARS,
    HARD_LINES,
    LONG_LINE,
    code_text,
    outline,
    parse,
    plain_blocks,
    sections,
)

LOG_LINE = "2025-06-01T12:00:00Z INFO worker-3 GET /api/v1/items/{n} status=200 took={n}ms\n"


def log(lines: int) -> str:
    return "".join(LOG_LINE.format(n=n) for n in range(lines))


MIXED = (
    runbook_template()
    + "\n## A pasted log\n\n"
    + log(20_000)  # one paragraph of 20,000 lines
    + "\n## The same log, fenced\n\n```text\n"
    + log(20_000)
    + "```\n\n## One long line\n\n"
    + "x" * 300_000
    + "\n\n## Last\n\n"
    + RUNBOOK
)


def test_every_block_is_bounded_whatever_the_text_holds() -> None:
    blocks = parse(MIXED)
    fence_lines = 2  # a cut fence is closed and reopened
    assert max(len(block.source) for block in blocks) <= HARD_CHARS + LONG_LINE + 2 * 10
    assert max(block.source.count("\n") for block in blocks) <= HARD_LINES + fence_lines
    assert len(blocks) > 100, "the log was cut into many blocks"


def test_a_long_fence_is_cut_into_code_blocks_that_copy_back_whole() -> None:
    blocks = parse(MIXED)
    start = next(i for i, b in enumerate(blocks) if b.kind == "code" and b.info == "text")
    pieces = [start]
    while pieces[-1] + 1 < len(blocks) and blocks[pieces[-1] + 1].continued:
        pieces.append(pieces[-1] + 1)
    assert len(pieces) > 10
    assert all(blocks[i].kind == "code" and blocks[i].info == "text" for i in pieces)
    assert all(blocks[i].source.startswith("```text\n") for i in pieces), "each piece is code"
    assert code_text(blocks, start) == log(20_000)
    assert code_text(blocks, pieces[len(pieces) // 2]) == log(20_000), "from any piece"


def test_outline_finds_every_heading_and_none_inside_code() -> None:
    text = (
        "# Top\n\n```sh\n# not a heading\n```\n\n## Second *one*\n\n" + log(3_000) + "\n### Deep\n"
    )
    titles = [(block.level, block.title) for _, block in outline(parse(text))]
    assert titles == [(1, "Top"), (2, "Second *one*"), (3, "Deep")]
    indexes = [index for index, _ in outline(parse(text))]
    assert all(parse(text)[i].kind == "heading" for i in indexes)


@pytest.mark.parametrize("limits", [(3, 40, 6, 80), (1, 1, 2, 2)])
def test_cutting_into_sections_parses_like_the_whole_document(
    limits: tuple[int, int, int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With tiny sections, cuts land everywhere: each block must be what markdown-it finds in
    the whole text (same kinds, same source), except where a hard cut splits one block."""
    text = (runbook_template() + "\n" + RUNBOOK + "\n") * 3 + (
        "```\nfenced\n\n# not a heading\n\nstill code\n```\n\n"
        "- loose\n\n  list item continued\n\n- second\n\n"
        "    indented code\n\n    more indented\n\nAfter.\n"
    )
    monkeypatch.setattr(runbook_doc, "SECTION_LINES", limits[0])
    monkeypatch.setattr(runbook_doc, "SECTION_CHARS", limits[1])
    monkeypatch.setattr(runbook_doc, "HARD_LINES", 10_000)
    monkeypatch.setattr(runbook_doc, "HARD_CHARS", 1_000_000)
    whole = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text)
    lines = text.splitlines(keepends=True)
    expected = [
        (runbook_doc.KIND[t.type], "".join(lines[t.map[0] : t.map[1]]))
        for t in whole
        if t.level == 0 and t.nesting != -1 and t.type in runbook_doc.KIND and t.map
    ]
    assert len(list(sections(text))) > 20, "the limits do cut"
    assert [(block.kind, block.source) for block in parse(text)] == expected


def test_hard_cuts_keep_every_character_and_line() -> None:
    text = log(1_000) + "y" * 50_000 + "\n" + "tail\n"
    rebuilt = "".join("".join(section.lines) for section in sections(text))
    assert rebuilt.replace("\n", "") == text.replace("\n", "")
    assert [block.kind for block in plain_blocks("")] == []
    assert "".join(block.source for block in plain_blocks(text)).replace("\n", "") == (
        text.replace("\n", "")
    )

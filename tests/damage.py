"""A knowledge base with a damaged page in the middle, where a plain read does not look.

Long descriptions fill overflow pages; one in the middle gets an impossible next-page
number. Listing vendors still works, ``PRAGMA quick_check`` fails: the damage a write (or a
sync) must notice before it adds to the file or shares it.
"""

from __future__ import annotations

from vendortui.app.kb import KnowledgeBase

FILLERS = 20
FILLER_TEXT = "x" * 20000


def damage_a_middle_page(kb: KnowledgeBase) -> None:
    """Add filler vendors to ``kb`` and damage one of their overflow pages in the middle."""
    for n in range(FILLERS):
        kb.add_vendor(f"Filler {n}", description=FILLER_TEXT)
    kb.db.close()
    data = bytearray(kb.path.read_bytes())
    size = int.from_bytes(data[16:18], "big")
    overflow = [
        page
        for page in range(len(data) // size)
        if data[page * size + 4 : (page + 1) * size] == b"x" * (size - 4)
    ]
    middle = overflow[len(overflow) // 2] * size
    data[middle : middle + 4] = b"\xff\xff\xff\xf0"
    kb.path.write_bytes(bytes(data))

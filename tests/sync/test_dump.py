"""The text form used as git's textconv: stable, one field per line, inert."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tests.planting import plant
from vendortui.app.db import Database
from vendortui.app.sync import dump as dump_module
from vendortui.app.sync.dump import dump
from vendortui.models import Runbook, Vendor

values = st.one_of(st.none(), st.integers(), st.text(max_size=150))


@given(st.lists(values, min_size=1, max_size=8))
def test_the_fast_path_writes_exactly_what_the_careful_path_writes(row: list[object]) -> None:
    names = [f"c{n}" for n in range(len(row))]
    careful = "\n".join(dump_module._value(n, v) for n, v in zip(names, row, strict=True))
    assert dump_module._row_text("t", names, None, tuple(row)) == "\n[t]\n" + careful


def test_rows_sorted_fields_one_per_line_blocks_and_escapes(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "kb.db")
    with db.write() as session:
        session.add(Vendor(id="b-id", slug="b", name="Bee"))
        session.add(Vendor(id="a-id", slug="a", name='Ay "quoted"'))
        session.flush()  # no ORM relationship orders the runbook after its vendor
        session.add(Runbook(id="r-id", vendor_id="a-id", body="# Steps\n\n1. call\r\n2. wait"))
    db.close()
    plant(tmp_path / "kb.db", "vendor", "b-id", name="Bee \x1b]0;title\x07\u202e")
    text = dump(tmp_path / "kb.db")
    assert text == dump(tmp_path / "kb.db")
    assert text.index("[vendor a-id]") < text.index("[vendor b-id]")
    assert text.index("## runbook") < text.index("## vendor")
    assert 'name: "Ay \\"quoted\\""' in text
    assert 'name: "Bee \\u001b]0;title\\u0007\\u202e"' in text
    assert "body: |\n    # Steps\n    \n    1. call\n    2. wait\n" in text
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text

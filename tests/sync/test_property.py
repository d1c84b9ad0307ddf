"""Random edits on random clones with syncs in between: everyone converges, nothing is lost.

An edit may legitimately disappear only when someone who had already seen it edited the same
field again. Every other edit must be the final value of its field or one of the two values
of a recorded conflict on that field. Every created row survives.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tests.sync.conftest import TEAM_EXAMPLES, Team
from vendortui.models import ChecklistItem, ChecklistRun, ChecklistTick, Vendor

FIELDS = ("name", "status", "description")
CLONES = 3
VENDORS = 3

ops = st.lists(
    st.one_of(
        st.tuples(
            st.just("edit"),
            st.integers(0, CLONES - 1),
            st.integers(0, VENDORS - 1),
            st.sampled_from(FIELDS),
        ),
        st.tuples(st.just("delete"), st.integers(0, CLONES - 1), st.integers(0, VENDORS - 1)),
        st.tuples(st.just("add"), st.integers(0, CLONES - 1), st.booleans()),
        st.tuples(st.just("tick"), st.integers(0, CLONES - 1)),
        st.tuples(st.just("sync"), st.integers(0, CLONES - 1)),
    ),
    min_size=1,
    max_size=14,
)


@dataclass
class Edit:
    """One field edit, with what its clone already knew when making it."""

    seq: int
    row_id: str
    field: str
    value: str
    knew: frozenset[int]


@dataclass
class World:
    """What each clone and the remote have seen, by edit number."""

    known: list[set[int]] = field(default_factory=lambda: [set() for _ in range(CLONES)])
    remote: set[int] = field(default_factory=set)
    edits: list[Edit] = field(default_factory=list)
    created: list[tuple[str, str]] = field(default_factory=list)

    def sync(self, clone: int) -> None:
        self.remote |= self.known[clone]
        self.known[clone] = set(self.remote)


@TEAM_EXAMPLES
@given(ops)
def test_random_edits_converge_and_lose_nothing(steps: list[tuple]) -> None:
    with tempfile.TemporaryDirectory(prefix="vendortui-prop-") as folder:
        team = Team(Path(folder), ("alice", "bob", "carol"))
        first = team.clones[0]
        vendors = [first.add_vendor(f"v{n}") for n in range(VENDORS)]
        run = first.add(
            ChecklistRun, vendor_id=vendors[0], template_key="t", template_version=1, title="Run"
        )
        item = first.add(ChecklistItem, run_id=run, position=0, item_key="k", text="Step")
        team.converge()
        world = World()
        for seq, step in enumerate(steps):
            clone = team.clones[step[1]]
            if step[0] == "edit":
                row_id, name = vendors[step[2]], step[3]
                value = f"{name}-{seq}"
                world.edits.append(Edit(seq, row_id, name, value, frozenset(world.known[step[1]])))
                world.known[step[1]].add(seq)
                clone.edit(Vendor, row_id, **{name: value})
            elif step[0] == "delete":
                clone.delete(Vendor, vendors[step[2]])
            elif step[0] == "add":
                taken = clone.value(
                    "SELECT 1 FROM vendor WHERE slug = 'dup' AND deleted_at IS NULL"
                )
                slug = "dup" if step[2] and not taken else f"new-{seq}"
                world.created.append(("vendor", clone.add_vendor(slug)))
            elif step[0] == "tick":
                world.created.append(
                    (
                        "checklist_tick",
                        clone.add(ChecklistTick, run_id=run, item_id=item, state="done"),
                    )
                )
            else:
                clone.sync()
                world.sync(step[1])
        team.converge()
        team.assert_identical()
        final = team.clones[0]
        for edit in world.edits:
            superseded = any(
                later.row_id == edit.row_id and later.field == edit.field and edit.seq in later.knew
                for later in world.edits
            )
            if superseded:
                continue
            current = final.value(f"SELECT {edit.field} FROM vendor WHERE id = ?", edit.row_id)
            recorded = final.value(
                "SELECT count(*) FROM conflict WHERE table_name = 'vendor' AND row_id = ? "
                "AND field = ? AND ? IN (ours_value, theirs_value)",
                edit.row_id,
                edit.field,
                edit.value,
            )
            assert current == edit.value or recorded, f"edit {edit} was lost"
        for table, row_id in world.created:
            assert final.value(f"SELECT count(*) FROM {table} WHERE id = ?", row_id) == 1
        live = final.rows(
            "SELECT slug FROM vendor WHERE deleted_at IS NULL GROUP BY slug HAVING count(*) > 1"
        )
        assert live == []

"""Three clones clashing again and again over few values: no side's value quietly disappears.

Values repeat on purpose (three statuses, two risk tiers, a tombstone), conflicts are resolved
on any clone with either side, events are added under a vendor another clone may be deleting.

The oracle knows nothing of the merge. It sees what each clone holds right after each sync
(the base of its next merge) and, at its next sync, what it changed since: a field whose
value moved, a field it resolved a conflict on (a decision even when it keeps the value), the
vendor kept alive by an event added under it. Each such change is published with everything
the clone knew at the time. A change may vanish only when a later change to the same field
was made by a clone that knew it; every other change must end as the field's final value or
as one side of an OPEN conflict on that field.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import event, given
from hypothesis import strategies as st

from tests.sync.conflict_views import open_conflicts, resolve
from tests.sync.conftest import TEAM_EXAMPLES, Clone, Team
from vendortui.models import Event, Vendor, utcnow

CLONES = 3
DOMAINS = {"status": ("evaluating", "pilot", "production"), "risk_tier": ("low", "high")}
DELETED = "deleted"
"""The oracle's name for the vendor's tombstone, a field with the values alive/deleted."""

resolves = st.tuples(
    st.just("resolve"),
    st.integers(0, CLONES - 1),
    st.tuples(st.integers(0, 3), st.sampled_from(("mine", "theirs"))),
)
ops = st.lists(
    st.one_of(
        st.tuples(
            st.just("edit"),
            st.integers(0, CLONES - 1),
            st.sampled_from(sorted(DOMAINS)).flatmap(
                lambda f: st.tuples(st.just(f), st.sampled_from(DOMAINS[f]))
            ),
        ),
        st.tuples(st.just("delete"), st.integers(0, CLONES - 1)),
        st.tuples(st.just("event"), st.integers(0, CLONES - 1)),
        resolves,
        resolves,
        st.tuples(st.just("sync"), st.integers(0, CLONES - 1)),
        st.tuples(st.just("sync"), st.integers(0, CLONES - 1)),
    ),
    min_size=4,
    max_size=14,
)


@dataclass(frozen=True)
class Change:
    """What one clone published for one field at one sync."""

    seq: int
    clone: str
    field: str
    value: str
    knew: frozenset[int]


@dataclass
class Oracle:
    """Knowledge of each clone and of the remote, by change number."""

    team: Team
    vendor: str
    known: dict[str, set[int]] = field(default_factory=dict)
    remote: set[int] = field(default_factory=set)
    after_sync: dict[str, dict[str, str]] = field(default_factory=dict)
    resolved: dict[str, set[str]] = field(default_factory=dict)
    added_under: dict[str, bool] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    resolutions: int = 0

    def __post_init__(self) -> None:
        for clone in self.team.clones:
            self.known[clone.name] = set()
            self.after_sync[clone.name] = self.state(clone)
            self.resolved[clone.name] = set()
            self.added_under[clone.name] = False

    def state(self, clone: Clone) -> dict[str, str]:
        [row] = clone.rows(
            f"SELECT {', '.join(DOMAINS)}, deleted_at FROM vendor WHERE id = ?", self.vendor
        )
        values = dict(zip(DOMAINS, row, strict=False))
        values[DELETED] = "alive" if row[-1] is None else "deleted"
        return values

    def sync(self, clone: Clone) -> None:
        now = self.state(clone)
        name = clone.name
        moved = {f for f, v in now.items() if v != self.after_sync[name][f]}
        if self.added_under[name] and now[DELETED] == "alive":
            moved.add(DELETED)
        for name_of_field in sorted(moved | self.resolved[name]):
            seq = len(self.changes)
            knew = frozenset(self.known[name])
            self.changes.append(Change(seq, name, name_of_field, now[name_of_field], knew))
            self.known[name].add(seq)
        clone.sync()
        self.remote |= self.known[name]
        self.known[name] = set(self.remote)
        self.after_sync[name] = self.state(clone)
        self.resolved[name] = set()
        self.added_under[name] = False

    def converge(self) -> None:
        """Every clone syncs twice, in turn."""
        for _ in range(2):
            for clone in self.team.clones:
                self.sync(clone)


def _oracle_field(column: str) -> str:
    return DELETED if column == "deleted_at" else column


def _oracle_value(column: str, value: str | None) -> str | None:
    if column == "deleted_at":
        return "alive" if value is None else "deleted"
    return value


@TEAM_EXAMPLES
@given(ops)
def test_repeated_conflicts_across_three_clones_lose_no_value(steps: list[tuple]) -> None:
    with tempfile.TemporaryDirectory(prefix="vendortui-clash-") as folder:
        team = Team(Path(folder), ("alice", "bob", "carol"))
        alice, bob, _carol = team.clones
        acme = team.shared_vendor()
        oracle = Oracle(team, acme)
        # Every run starts with two open conflicts on every clone (status, and Bob's deletion
        # against Alice's edit), so resolutions on any side are as likely as new clashes.
        alice.edit(Vendor, acme, status="pilot", risk_tier="high")
        bob.edit(Vendor, acme, status="production")
        bob.delete(Vendor, acme)
        oracle.converge()
        for step in steps:
            clone = team.clones[step[1]]
            alive = oracle.state(clone)[DELETED] == "alive"
            if step[0] == "edit":
                name, value = step[2]
                clone.edit(Vendor, acme, **{name: value})
            elif step[0] == "delete" and alive:
                clone.delete(Vendor, acme)
            elif step[0] == "event" and alive:
                clone.add(Event, vendor_id=acme, kind="note", occurred_at=utcnow(), title="x")
                oracle.added_under[clone.name] = True
            elif step[0] == "resolve":
                open_now = open_conflicts(clone)
                if open_now:
                    index, choice = step[2]
                    chosen = open_now[index % len(open_now)]
                    resolve(clone, chosen.id, choice)
                    oracle.resolved[clone.name].add(_oracle_field(chosen.field))
                    oracle.resolutions += 1
            elif step[0] == "sync":
                oracle.sync(clone)
        oracle.converge()
        team.assert_identical()
        final = team.clones[0]
        now = oracle.state(final)
        listed: dict[str, set[str | None]] = {}
        open_views = open_conflicts(final)
        for view in open_views:
            assert view.table == "vendor" and view.row_id == acme
            side_values = {_oracle_value(view.field, v) for v in (view.mine, view.theirs)}
            listed.setdefault(_oracle_field(view.field), set()).update(side_values)
        event(f"open conflicts at the end: {min(len(open_views), 3)}+")
        event(f"resolutions: {min(oracle.resolutions, 2)}+")
        for change in oracle.changes:
            superseded = any(
                later.field == change.field and change.seq in later.knew for later in oracle.changes
            )
            if superseded or now[change.field] == change.value:
                continue
            assert change.value in listed.get(change.field, set()), (
                f"{change} disappeared: final {now}, open conflicts {listed}"
            )

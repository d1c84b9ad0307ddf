"""How a plan reads to a person: the dry run's list and the one line after a real import.

Every value came from a file someone else wrote, so each is printed through
``app.text.one_line`` (control and bidi characters escaped, long values cut).
"""

from __future__ import annotations

from collections.abc import Iterator

from vendortui.app.errors import KbError
from vendortui.app.interchange.plan import Plan
from vendortui.app.text import one_line


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(plan: Plan) -> str:
    """``2 new, 3 changed fields on 1 vendor, 1 unreadable row`` (or nothing to change)."""
    vendors = len({change.label for change in plan.changes})
    parts = []
    if plan.new:
        parts.append(_count(len(plan.new), "new vendor"))
    if plan.changes:
        parts.append(f"{_count(len(plan.changes), 'changed field')} on {_count(vendors, 'vendor')}")
    if plan.problems:
        parts.append(_count(len(plan.problems), "unreadable row"))
    if plan.skipped:
        parts.append(f"{plan.skipped} entities that are not vendors skipped")
    return ", ".join(parts) if parts else "nothing to change"


def dry_run_lines(plan: Plan) -> Iterator[str]:
    """One line per new vendor, changed field and unreadable row, then the summary."""
    for where, label in plan.new:
        yield f"new      {one_line(label)}    ({one_line(where)})"
    for change in plan.changes:
        yield (
            f"change   {one_line(change.label)} {change.field}: '{one_line(change.old, 80)}' -> "
            f"'{one_line(change.new, 80)}'    ({one_line(change.where)})"
        )
    for problem in plan.problems:
        yield f"refused  {one_line(problem.where)}: {one_line(problem.reason)}"
    yield f"Dry run, nothing written: {summary(plan)}."


def refusal(plan: Plan) -> KbError:
    """The sentence for a real import that met unreadable rows: the first one, and a count."""
    first = plan.problems[0]
    more = len(plan.problems) - 1
    others = f" ({_count(more, 'more row')} too: --dry-run lists them)" if more else ""
    return KbError(
        f"{one_line(first.where)}: {one_line(first.reason)}{others}; nothing was imported."
    )

"""A run as Markdown (for the security team) or JSON (for scripts).

Both list every item with its state, note, evidence link, who set the state and when, so the
export stands on its own as the record of what was checked. Times are UTC: the reader may be
in another time zone than the person who ticked.
"""

from __future__ import annotations

from datetime import UTC, datetime

from vendortui.app.checklists.records import ItemView, RunDetail
from vendortui.app.text import strip_control
from vendortui.models.enums import ItemState

BOX: dict[str, str] = {
    ItemState.DONE: "[x]",
    ItemState.NOT_APPLICABLE: "[-]",
    ItemState.BLOCKED: "[!]",
    ItemState.OPEN: "[ ]",
}


def utc_text(moment: datetime | None) -> str:
    """``2026-11-02 14:03 UTC``, or empty."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def _clean(text: str) -> str:
    """Untrusted text made safe for a Markdown list: no control codes, one line."""
    return " ".join(strip_control(text).split())


def _item_lines(item: ItemView) -> list[str]:
    state = item.state.replace("_", " ")
    optional = " (optional)" if not item.required else ""
    head = f"- {BOX.get(item.state, '[?]')} **{_clean(item.text)}**{optional}: {state}"
    if item.state != ItemState.OPEN and item.state_by:
        head += f", by {_clean(item.state_by)} at {utc_text(item.state_at)}"
    lines = [head]
    if item.state == ItemState.BLOCKED and item.blocked_reason:
        lines.append(f"  - Blocked because: {_clean(item.blocked_reason)}")
    if item.note:
        lines.append(f"  - Note: {_clean(item.note)}")
    if item.evidence_url:
        lines.append(f"  - Evidence: <{_clean(item.evidence_url)}>")
    if item.required and item.state == ItemState.OPEN and (item.needs_note or item.needs_evidence):
        lines.append(f"  - Needs {'a note' if item.needs_note else 'an evidence link'}")
    return lines


def run_markdown(detail: RunDetail) -> str:
    """The whole run as a Markdown document."""
    run = detail.run
    lines = [
        f"# {_clean(run.title)}: {_clean(run.vendor)}",
        "",
        f"- Template: {run.template_key}, version {run.template_version}",
        f"- Status: {run.status.replace('_', ' ')}",
        f"- Started: {utc_text(run.started_at)} by {_clean(run.started_by) or 'unknown'}",
    ]
    if run.completed_at:
        lines.append(f"- Completed: {utc_text(run.completed_at)} by {_clean(run.completed_by)}")
    lines.append(f"- Progress: {run.progress()}")
    if run.current_stage and not run.read_only:
        stage = next((s.title for s in detail.stages if s.key == run.current_stage), "")
        lines.append(f"- Current stage: {_clean(stage or run.current_stage)}")
    for deadline in detail.deadlines:
        verdict = "met" if deadline.met else "open"
        lines.append(f"- Deadline: {deadline.what}, {utc_text(deadline.due_at)} ({verdict})")
    section = None
    for item in detail.items:
        if item.section_key != section:
            section = item.section_key
            lines += ["", f"## {_clean(item.section_title or item.section_key)}", ""]
        lines += _item_lines(item)
    lines.append("")
    return "\n".join(lines)


def run_json(detail: RunDetail) -> dict[str, object]:
    """The whole run as one JSON object."""
    return {
        "run": detail.run.as_json(),
        "stages": [{"key": s.key, "title": s.title} for s in detail.stages],
        "deadlines": [
            {"what": d.what, "due_at": d.due_at.isoformat(), "met": d.met} for d in detail.deadlines
        ],
        "items": [item.as_json() for item in detail.items],
    }

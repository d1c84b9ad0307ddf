"""A run as Markdown (for the security team) or JSON (for scripts), and the file it goes to.

Both list every item with its state, note, evidence link, who set the state and when, so the
export stands on its own as the record of what was checked. Times are UTC: the reader may be
in another time zone than the person who ticked.

The user names the file (the walker asks with a default, the command line takes
``--output``); it must be new, in a folder that exists, and is created exclusively, so an
export never replaces a file, not even one that appeared after the question was answered.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TextIO

from vendortui.app.checklists.records import ItemView, RunDetail, RunSummary
from vendortui.app.errors import KbError
from vendortui.app.output_file import check_output
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


def one_line(text: object) -> str:
    """Untrusted text on one line with control codes removed: for a Markdown list item here,
    and for a row of the walker or the runs table (a newline would break either)."""
    return " ".join(strip_control(str(text)).split())


def _item_lines(item: ItemView) -> list[str]:
    state = item.state.replace("_", " ")
    optional = " (optional)" if not item.required else ""
    head = f"- {BOX.get(item.state, '[?]')} **{one_line(item.text)}**{optional}: {state}"
    if item.state != ItemState.OPEN and item.state_by:
        head += f", by {one_line(item.state_by)} at {utc_text(item.state_at)}"
    lines = [head]
    if item.state == ItemState.BLOCKED and item.blocked_reason:
        lines.append(f"  - Blocked because: {one_line(item.blocked_reason)}")
    if item.note:
        lines.append(f"  - Note: {one_line(item.note)}")
    if item.evidence_url:
        lines.append(f"  - Evidence: <{one_line(item.evidence_url)}>")
    if item.required and item.state == ItemState.OPEN and (item.needs_note or item.needs_evidence):
        lines.append(f"  - Needs {'a note' if item.needs_note else 'an evidence link'}")
    return lines


def run_markdown(detail: RunDetail) -> str:
    """The whole run as a Markdown document."""
    run = detail.run
    lines = [
        f"# {one_line(run.title)}: {one_line(run.vendor)}",
        "",
        f"- Template: {run.template_key}, version {run.template_version}",
        f"- Status: {run.status.replace('_', ' ')}",
        f"- Started: {utc_text(run.started_at)} by {one_line(run.started_by) or 'unknown'}",
    ]
    if run.completed_at:
        lines.append(f"- Completed: {utc_text(run.completed_at)} by {one_line(run.completed_by)}")
    lines.append(f"- Progress: {run.progress()}")
    if run.current_stage and not run.read_only:
        stage = next((s.title for s in detail.stages if s.key == run.current_stage), "")
        lines.append(f"- Current stage: {one_line(stage or run.current_stage)}")
    for deadline in detail.deadlines:
        verdict = "met" if deadline.met else "open"
        lines.append(f"- Deadline: {deadline.what}, {utc_text(deadline.due_at)} ({verdict})")
    section = None
    for item in detail.items:
        if item.section_key != section:
            section = item.section_key
            lines += ["", f"## {one_line(item.section_title or item.section_key)}", ""]
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


def file_name(run: RunSummary, day: date) -> str:
    """The default name of a run's Markdown export: ``<vendor>-<template>-<day>.md``."""
    return f"{run.vendor_slug}-{run.template_key}-{day:%Y-%m-%d}.md"


def check_target(text: str) -> Path:
    """The new file a user named for an export, absolute, or a ``KbError`` saying what to
    change (``app.output_file.check_output`` with its never-replace rule)."""
    return check_output(text, replace=False, asked="to export to")


@contextmanager
def open_new(path: Path) -> Iterator[TextIO]:
    """``path`` created for writing text, refused (one sentence) if it exists meanwhile or
    cannot be written; a half-written file is removed."""
    try:
        out = path.open("x", encoding="utf-8")
    except FileExistsError:
        raise KbError(f"{path} already exists; give a new file name.") from None
    except OSError as exc:
        raise KbError(f"Could not write {path} ({exc.strerror}).") from None
    try:
        with out:
            yield out
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise KbError(f"Could not write {path} ({exc.strerror}).") from None
    except BaseException:
        path.unlink(missing_ok=True)
        raise

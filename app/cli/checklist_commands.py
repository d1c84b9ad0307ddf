"""The due list and checklist commands: ``due``, ``checklist start|list|show|templates|import``.

``vendortui due`` is meant for cron and CI: exit 0 when nothing matches ``--fail-on``, 1 when
something does, 2 on usage or configuration errors. Nothing here imports Textual, and only the
commands that write (start, import) import SQLModel, and only on a team server.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from vendortui.app.cli import command
from vendortui.app.cli.common import add_db_argument, open_db, print_json
from vendortui.app.errors import KbError
from vendortui.app.text import one_line, strip_control

if TYPE_CHECKING:
    from vendortui.app.checklists.service import ChecklistService
    from vendortui.app.kb import KnowledgeBase

FAIL_ON = {"overdue": {"overdue"}, "due": {"overdue", "due"}}
MAX_WITHIN = 3650


def _kb(args: argparse.Namespace, *, for_writing: bool) -> KnowledgeBase:
    from vendortui.app.kb import KnowledgeBase

    return KnowledgeBase(open_db(args, for_writing=for_writing))


def _warn_broken_templates(service: ChecklistService) -> None:
    """A broken template never stops a command; it is named on stderr so someone fixes it."""
    for error in service.catalog().errors:
        print(f"vendortui: warning: {error}", file=sys.stderr)


def _due_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--within",
        type=int,
        default=30,
        metavar="DAYS",
        help="list what falls due within DAYS days (default 30)",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    parser.add_argument(
        "--fail-on",
        choices=sorted(FAIL_ON),
        help="exit 1 when something is overdue (overdue) or overdue or due soon (due)",
    )
    add_db_argument(parser)


@command("due", "everything that is due: reviews, cancel-by dates, runbooks, checklists", _due_args)
def due(args: argparse.Namespace) -> int:
    """One due list, the home screen's, with why each entry is due and what to do."""
    if not 0 <= args.within <= MAX_WITHIN:
        raise KbError(f"--within must be between 0 and {MAX_WITHIN} days.")
    kb = _kb(args, for_writing=False)
    items = kb.attention(date.today(), args.within)
    _warn_broken_templates(kb.checklists)
    if args.json:
        print_json([item.as_json() for item in items])
    elif not items:
        print(f"Nothing is due in the next {args.within} days.")
    else:
        for item in items:
            when = item.when.isoformat() if item.when else ""
            print(f"{item.severity:<8} {when:<10} {one_line(item.vendor)}: {one_line(item.why)}")
            print(f"{'':<19} -> {one_line(item.todo)}")
        tally = {s: sum(1 for i in items if i.severity == s) for s in ("overdue", "due", "info")}
        print(f"{tally['overdue']} overdue, {tally['due']} due soon, {tally['info']} to know.")
    if args.fail_on and any(item.severity in FAIL_ON[args.fail_on] for item in items):
        return 1
    return 0


def _start_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("vendor", metavar="VENDOR", help="vendor name or slug")
    parser.add_argument("template", metavar="TEMPLATE", help="template key, e.g. annual-review")
    add_db_argument(parser)


@command("checklist start", "start a checklist run for a vendor", _start_args)
def checklist_start(args: argparse.Namespace) -> int:
    """Start a run; prints its id (for ``checklist show``) and what it is. A file takes the
    stdlib write path (``app.sql_writes``), a team server the ORM."""
    from vendortui.app import sql_writes

    kb = _kb(args, for_writing=True)
    vendor_id = kb.find_vendor_id(args.vendor)
    if sql_writes.supported(kb.db):
        template = kb.checklists.catalog(refresh=True).get(args.template)
        run = kb.checklists.run(sql_writes.start_run(kb.db, vendor_id, template))
    else:
        run = kb.checklists.start_run(vendor_id, args.template)
    print(run.id)
    print(
        strip_control(
            f"Started {run.title} (version {run.template_version}, {run.total} items) "
            f"for {run.vendor}."
        ),
        file=sys.stderr,
    )
    return 0


def _list_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("vendor", nargs="?", metavar="VENDOR", help="only this vendor's runs")
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    add_db_argument(parser)


@command("checklist list", "list checklist runs (of one vendor, or all)", _list_args)
def checklist_list(args: argparse.Namespace) -> int:
    """One run per line: id, vendor, checklist and version, status, progress, started."""
    kb = _kb(args, for_writing=False)
    runs = kb.checklists.runs(kb.find_vendor_id(args.vendor) if args.vendor else None)
    if args.json:
        print_json([run.as_json() for run in runs])
        return 0
    for run in runs:
        print(
            strip_control(
                f"{run.id}\t{run.vendor}\t{run.title} v{run.template_version}\t"
                f"{run.status.replace('_', ' ')}\t{run.progress()}\t"
                f"started {run.started_at.date()}"
            )
        )
    return 0


def _show_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run", metavar="RUN", help="run id (or a unique prefix of it)")
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--markdown", action="store_true", help="Markdown (the default)")
    form.add_argument("--json", action="store_true", help="JSON")
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE (a new file; never replaces one) instead of printing",
    )
    add_db_argument(parser)


@command("checklist show", "print a run with every item (Markdown or JSON)", _show_args)
def checklist_show(args: argparse.Namespace) -> int:
    """A run for the security team (Markdown) or for scripts (JSON), printed or saved to the
    new file ``--output`` names (checked before anything is read, created exclusively)."""
    from vendortui.app.checklists.export import check_target, open_new

    target = check_target(args.output) if args.output is not None else None
    service = _kb(args, for_writing=False).checklists
    run = service.run(args.run)
    with contextlib.ExitStack() as stack:
        if target is not None:
            out = stack.enter_context(open_new(target))
            stack.enter_context(contextlib.redirect_stdout(out))
        if args.json:
            print_json(service.export_json(run.id))
        else:
            print(service.export_markdown(run.id), end="")
    if target is not None:
        print(f"Saved {target}", file=sys.stderr)
    return 0


def _templates_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    add_db_argument(parser)


@command(
    "checklist templates", "list the checklist templates (shipped and the team's)", _templates_args
)
def checklist_templates(args: argparse.Namespace) -> int:
    """Every usable template; broken ones are named on stderr with file, line and reason."""
    service = _kb(args, for_writing=False).checklists
    templates = service.catalog().ordered()
    if args.json:
        print_json(
            [
                {
                    "key": t.key,
                    "version": t.version,
                    "title": t.title,
                    "kind": t.kind,
                    "items": t.item_count,
                    "origin": t.origin,
                }
                for t in templates
            ]
        )
    else:
        for t in templates:
            print(
                strip_control(
                    f"{t.key}\tv{t.version}\t{t.kind}\t{t.item_count} items\t{t.origin}\t{t.title}"
                )
            )
    _warn_broken_templates(service)
    return 0


def _import_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a template YAML file named <key>.yaml")
    add_db_argument(parser)


@command("checklist import", "add a team checklist template to the knowledge base", _import_args)
def checklist_import(args: argparse.Namespace) -> int:
    """Validate a template file and store it (a higher version replaces the old one). A
    file takes the stdlib write path (``app.sql_writes``), a team server the ORM."""
    from vendortui.app.dbfile import check_path

    check_path(Path(args.file), for_writing=False, what="checklist template")
    from vendortui.app import sql_writes

    service = _kb(args, for_writing=True).checklists
    if sql_writes.supported(service.db):
        result = sql_writes.import_template(service.db, service, Path(args.file))
    else:
        result = service.import_template(Path(args.file))
    template = result.template
    what = {
        "added": "Added",
        "updated": "Updated to",
        "unchanged": "Already have",
    }[result.action]
    print(
        strip_control(
            f"{what} template {template.key!r} version {template.version} "
            f"({template.item_count} items)."
        )
    )
    return 0

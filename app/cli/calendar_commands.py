"""``vendortui calendar``: what is due as an iCalendar file (``app/calendar_feed.py``)."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime

from vendortui.app.cli import command
from vendortui.app.cli.checklist_commands import MAX_WITHIN
from vendortui.app.cli.common import add_db_argument, open_db
from vendortui.app.errors import KbError

DEFAULT_WITHIN = 90


def _calendar_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output",
        metavar="FILE",
        help="write the .ics file here, replacing it (default: standard output)",
    )
    parser.add_argument(
        "--within",
        type=int,
        default=DEFAULT_WITHIN,
        metavar="DAYS",
        help=f"include what falls due within DAYS days (default {DEFAULT_WITHIN}); "
        "overdue items are always included",
    )
    add_db_argument(parser)


@command(
    "calendar",
    "what is due (cancel-by dates, reviews, runbooks, rollouts) as an iCalendar file",
    _calendar_args,
)
def calendar(args: argparse.Namespace) -> int:
    """Print or write the calendar; importing it again updates the same events."""
    from vendortui.app.calendar_feed import calendar_bytes
    from vendortui.app.output_file import check_output, write_output

    if not 0 <= args.within <= MAX_WITHIN:
        raise KbError(f"--within must be between 0 and {MAX_WITHIN} days.")
    target = check_output(args.output) if args.output is not None else None
    db = open_db(args, for_writing=False)
    with db.read() as conn:
        data = calendar_bytes(conn, date.today(), args.within, datetime.now().astimezone())
    if target is None:
        sys.stdout.buffer.write(data)
    else:
        write_output(target, data)
        print(f"Wrote {target}.", file=sys.stderr)
    return 0

"""``vendortui report``: the vendor inventory for a security team or an auditor (``app/report``)."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from vendortui.app.cli import command
from vendortui.app.cli.common import add_db_argument, open_db

FORMATS = ("markdown", "html")


def _report_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="markdown",
        help="markdown (default) or html: one self-contained file that prints cleanly",
    )
    parser.add_argument(
        "--output",
        metavar="FILE",
        help="write the report here, replacing it (default: standard output)",
    )
    add_db_argument(parser)


@command(
    "report",
    "the vendor inventory by risk tier for a security review or an audit",
    _report_args,
)
def report(args: argparse.Namespace) -> int:
    """Print or write the report; the output path is checked before anything is read."""
    from vendortui.app.output_file import check_output, write_output
    from vendortui.app.report.render import report_text

    target = check_output(args.output) if args.output is not None else None
    db = open_db(args, for_writing=False)
    with db.read() as conn:
        text = report_text(conn, date.today(), args.format, str(db.path))
    if target is None:
        sys.stdout.write(text)
    else:
        write_output(target, text.encode("utf-8"))
        print(f"Wrote {target}.", file=sys.stderr)
    return 0

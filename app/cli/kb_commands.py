"""Commands over vendors: the TUI launcher, ``demo``, ``vendors``, ``vendors add``, ``show``."""

from __future__ import annotations

import argparse

from vendortui.app.cli import command
from vendortui.app.cli.common import add_db_argument, open_db, print_json
from vendortui.app.errors import KbError
from vendortui.models.enums import RiskTier, Status


def _tui_args(parser: argparse.ArgumentParser) -> None:
    add_db_argument(parser)
    parser.add_argument(
        "--theme",
        help="Textual theme, e.g. textual-ansi to use the terminal's own colours, "
        "vendortui-light, or one of yours (default: $VENDORTUI_THEME, else theme in the "
        "config file, else textual-dark)",
    )


@command("", "open the dashboard", _tui_args)
def launch(args: argparse.Namespace) -> int:
    """Open the TUI. Textual is imported here, never by headless commands."""
    from vendortui.app.kb import KnowledgeBase

    kb = KnowledgeBase(open_db(args, for_writing=True))
    from vendortui.screens.app import VendorTui

    try:
        VendorTui(kb, theme=args.theme).run()
    finally:
        kb.db.close()
    return 0


@command("demo", "load the demo knowledge base (running it twice adds nothing)", add_db_argument)
def demo(args: argparse.Namespace) -> int:
    """Load ``seed_data/demo`` into the knowledge base."""
    from vendortui.app.demo import load_demo
    from vendortui.app.kb import KnowledgeBase

    kb = KnowledgeBase(open_db(args, for_writing=True))
    added = load_demo(kb)
    print(
        f"Added {added} demo vendors to {kb.label}."
        if added
        else f"The demo vendors are already in {kb.label}; nothing added."
    )
    return 0


def _vendors_args(parser: argparse.ArgumentParser) -> None:
    add_db_argument(parser)
    parser.add_argument("--json", action="store_true", help="print a JSON array")


@command("vendors", "list vendors (vendors add NAME adds one)", _vendors_args)
def vendors(args: argparse.Namespace) -> int:
    """One vendor per line (name, slug, status, lead), or a JSON array."""
    from vendortui.app.kb import KnowledgeBase
    from vendortui.app.text import one_line

    rows = KnowledgeBase(open_db(args, for_writing=False)).vendor_rows()
    if args.json:
        print_json([row.as_json() for row in rows])
        return 0
    for row in rows:
        lead = f"lead: {one_line(row.lead)}" if row.lead else "no lead"
        print("\t".join((one_line(row.name), one_line(row.slug), one_line(row.status), lead)))
    return 0


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="the vendor's name")
    parser.add_argument("--category", default="", help="e.g. observability, paging, CI")
    parser.add_argument(
        "--status", default=Status.EVALUATING.value, help=f"one of {', '.join(Status)}"
    )
    parser.add_argument(
        "--risk-tier", default=RiskTier.MEDIUM.value, help=f"one of {', '.join(RiskTier)}"
    )
    parser.add_argument(
        "--allow-similar",
        action="store_true",
        help="add it even if its name looks like an existing vendor's",
    )
    add_db_argument(parser)


@command("vendors add", "add a vendor", _add_args)
def vendors_add(args: argparse.Namespace) -> int:
    """Add one vendor from a script; prints its slug.

    A file takes the stdlib write path (``app.sql_writes``), a team server the ORM."""
    from vendortui.app import sql_writes
    from vendortui.app.validation import LookAlikeError

    db = open_db(args, for_writing=True)
    values = {"category": args.category, "status": args.status, "risk_tier": args.risk_tier}
    try:
        if sql_writes.supported(db):
            slug = sql_writes.add_vendor(db, args.name, allow_similar=args.allow_similar, **values)
        else:
            from vendortui.app.kb import KnowledgeBase

            kb = KnowledgeBase(db)
            slug = kb.add_vendor(args.name, allow_similar=args.allow_similar, **values).slug
    except LookAlikeError as exc:
        raise KbError(f"{exc}; nothing was added. Pass --allow-similar to add it anyway.") from None
    print(slug)
    return 0


def _show_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("vendor", metavar="NAME_OR_SLUG")
    add_db_argument(parser)
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    parser.add_argument(
        "--full", action="store_true", help="print long text (runbook, description) whole"
    )


@command("show", "print a vendor's card as Markdown (or JSON)", _show_args)
def show(args: argparse.Namespace) -> int:
    """The vendor card for scripts, screen readers, or when no TUI is possible."""
    from vendortui.app.card import card_json, card_markdown
    from vendortui.app.kb import KnowledgeBase

    kb = KnowledgeBase(open_db(args, for_writing=False))
    card = kb.card_view(kb.find_vendor_id(args.vendor))
    if args.json:
        print_json(card_json(card))
    else:
        print(card_markdown(card, full=args.full), end="")
    return 0

"""The panels of the vendor Overview tab, as Rich renderables built from a ``VendorCard``.

Pure functions (no widgets) so the layout can be reasoned about line by line: the whole
Overview must fit a 120x40 terminal without scrolling. Every piece of data goes through
``strip_control`` into ``Text`` (never markup), so names like ``[bold]`` stay text.
"""

from __future__ import annotations

import textwrap
from datetime import date, datetime
from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from vendortui.app.card import status_text
from vendortui.app.kb import age
from vendortui.app.text import one_line, strip_control
from vendortui.screens.clipboard import Copyable, contact_items
from vendortui.screens.long_text import cell

if TYPE_CHECKING:
    from vendortui.app.kb import RoleLine, VendorCard

MUTED = "dim"
WARN = "bold yellow"
BAD = "bold red"


def clip(value: str, width: int, lines: int) -> str:
    """``value`` wrapped to ``width`` and cut to ``lines`` lines, with an ellipsis if cut.
    Only the start is wrapped: a pasted megabyte must not be wrapped on the UI thread."""
    enough = max(1, width) * (lines + 1)
    wrapped = textwrap.wrap(strip_control(value[:enough]), width) or [""]
    if len(wrapped) > lines or len(value) > enough:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: max(0, width - 1)] + "…"
    return "\n".join(wrapped)


def _grid() -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True, width=11)
    grid.add_column(overflow="fold")
    return grid


def _yes_no(value: bool, good: bool = True) -> Text:
    return Text("yes" if value else "no", style="green" if value == good else WARN)


def lifecycle(card: VendorCard, width: int, now: datetime) -> RenderableType:
    """Status (with rollout stage and percentage), risk tier, category, website, description,
    and who last changed the vendor record, when."""
    v = card.vendor
    grid = _grid()
    status = Text(strip_control(status_text(v.status, v.rollout_stage, v.rollout_percent)))
    if v.status in ("sunsetting", "retired"):
        status.stylize("magenta")
    grid.add_row("Status", status)
    risk_style = {"critical": BAD, "high": WARN}.get(v.risk_tier, "")
    grid.add_row(
        "Risk tier",
        Text.assemble(
            (v.risk_tier, risk_style), (f" · review every {card.review_cadence_days} days", MUTED)
        ),
    )
    grid.add_row("Category", Text(strip_control(v.category) or "-"))
    if v.website:
        grid.add_row("Website", Text(strip_control(v.website)))
    if v.description:
        grid.add_row("About", Text(clip(v.description, width - 13, 3), style=MUTED))
    grid.add_row(
        "Edited",
        Text(f"{age(v.updated_at, now)} by {strip_control(v.updated_by or 'unknown')}", MUTED),
    )
    return grid


def _contact(line: RoleLine) -> list[Text]:
    person = line.person
    return [cell(b) for b in (person.email, person.phone, person.chat) if b]


def _reach(who: Text, bits: list[Text], width: int) -> Text:
    """A person and how to reach them: on one line when it fits ``width``, else each way on
    a line of its own, so a narrow card wraps between an e-mail and a phone number, never
    inside one."""
    if not bits:
        return Text.assemble(who, "  ", Text("no contact details", MUTED))
    joined = Text(" · ", style=MUTED).join(bits)
    if who.cell_len + 2 + joined.cell_len <= width:
        return Text.assemble(who, "  ", joined)
    return Text("\n").join([who, *bits])


def _who(line: RoleLine, team: bool = True) -> Text:
    person = line.person
    text = Text(style="bold").append_text(cell(person.name))
    extra = person.organisation or (person.team if team else "")
    if extra:
        text.append_text(Text.assemble(" (", cell(extra), ")"))
    if not person.active:
        text.append(" inactive", style=BAD)
    return text


def people(card: VendorCard, width: int) -> RenderableType:
    """Lead and backup with how to reach them, power users per team, our security contact,
    and the vendor's own contacts; ``width`` is the panel's inner width."""
    room = width - 13
    grid = _grid()
    for kind, label in (("lead", "Lead"), ("backup", "Backup")):
        holders = card.holders(kind)
        if not holders:
            grid.add_row(label, Text("none - add one on the People tab (2)", style=BAD))
        for line in holders:
            grid.add_row(label, _reach(_who(line), _contact(line), room))
    power = card.holders("power_user")
    if power:
        grid.add_row(
            "Power users",
            Text(", ").join(
                Text.assemble(
                    Text(style=MUTED).append_text(cell(line.role.team or line.person.team or "?")),
                    (": ", MUTED),
                    cell(line.person.name),
                )
                for line in power
            ),
        )
    for kind, label in (("security_contact", "Security"), ("vendor_contact", "Vendor")):
        for line in card.holders(kind):
            grid.add_row(label, _reach(_who(line, team=False), _contact(line), room))
    return grid


def recent_events(card: VendorCard, limit: int = 5) -> RenderableType:
    """The latest few events, one line each; the Events tab has them all."""
    if not card.events:
        return Text("No events recorded.", style=MUTED)
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(style=MUTED, no_wrap=True, width=10)
    grid.add_column(no_wrap=True, width=12, overflow="ellipsis")
    grid.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
    for event in card.events[:limit]:
        kind_style = BAD if event.kind in ("breach", "incident") else ""
        grid.add_row(
            f"{event.occurred_at:%Y-%m-%d}",
            Text(event.kind.replace("_", " "), style=kind_style),
            cell(event.title),
        )
    if len(card.events) > limit:
        grid.add_row("", "", Text(f"+{len(card.events) - limit} more on the Events tab", MUTED))
    return grid


def sso(card: VendorCard) -> RenderableType:
    """SSO protocol, SCIM, MFA methods, whether WebAuthn is enforced, whether SSO costs more."""
    v = card.vendor
    grid = _grid()
    protocol = v.sso_protocol.upper() if v.sso_protocol != "none" else "none"
    grid.add_row(
        "SSO",
        Text.assemble(
            (protocol, "bold" if v.sso_protocol != "none" else BAD), "   SCIM ", _yes_no(v.scim)
        ),
    )
    grid.add_row(
        "MFA",
        Text.assemble(
            strip_control(v.mfa_methods) or "unknown",
            "   WebAuthn enforced ",
            _yes_no(v.webauthn_enforced),
        ),
    )
    grid.add_row(
        "Plan",
        Text("SSO costs a higher plan", style=WARN)
        if v.sso_requires_upgrade
        else Text("SSO included in our plan"),
    )
    return grid


def data_sent(card: VendorCard) -> RenderableType:
    """Each data category we send, with its PII level and whether fields are encrypted."""
    if not card.data_categories:
        return Text("No data categories recorded (Data tab, 3).", style=WARN)
    table = Table(box=None, padding=(0, 1), show_edge=False, expand=True, header_style="bold")
    table.add_column("Category", ratio=1, overflow="ellipsis", no_wrap=True)
    table.add_column("PII", no_wrap=True)
    table.add_column("Encrypted", no_wrap=True)
    pii_style = {"high": BAD, "moderate": WARN}
    for category in card.data_categories:
        table.add_row(
            Text(strip_control(category.name)),
            Text(category.pii_level, style=pii_style.get(category.pii_level, "")),
            _yes_no(category.encrypted) if category.pii_level != "none" else Text("-", MUTED),
        )
    return table


def contract(card: VendorCard, today: date, width: int) -> RenderableType:
    """Contract dates, the cancel-by date (end minus notice) and what happens to our data."""
    v = card.vendor
    grid = _grid()
    start = f"{v.contract_start}" if v.contract_start else "?"
    end = f"{v.contract_end}" if v.contract_end else "no end date"
    notice = f" · notice {v.notice_days} days" if v.notice_days else ""
    grid.add_row("Term", Text.assemble(f"{start} → {end}", (notice, MUTED)))
    deadline = card.cancel_by
    if deadline is not None:
        days = (deadline - today).days
        style = BAD if days < 0 else WARN if days <= 60 else ""
        when = f"{-days} days ago" if days < 0 else f"in {days} days"
        grid.add_row("Cancel by", Text.assemble((f"{deadline}", style or "bold"), f" ({when})"))
    grid.add_row(
        "At the end",
        Text(clip(v.termination_data, width - 13, 6) if v.termination_data else "not recorded"),
    )
    return grid


def copy_items(card: VendorCard) -> list[Copyable]:
    """What ``y`` offers on the Overview: how to reach the lead and the backup first (what an
    on-call engineer pastes into a page), then the other contacts, the website and the slug."""
    items: list[Copyable] = []
    for kind in ("lead", "backup", "security_contact", "vendor_contact"):
        for line in card.holders(kind):
            whose = f"{kind.replace('_', ' ')} {one_line(line.person.name, 40)}'s"
            items += contact_items(line.person, whose)[:-1]
    if card.vendor.website:
        items.append(Copyable("website", card.vendor.website))
    items.append(Copyable("slug", card.vendor.slug))
    return items

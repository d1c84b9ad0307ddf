"""The rule for one-line fields (names, titles, categories, who-did-it): pure, no I/O.

A vendor name with a newline breaks every list row, heading and report it appears in; one with
a bidi override or a zero-width space hides what it really says. So every one-line field holds
NFC text on one line: runs of whitespace (tabs, newlines, no-break spaces, line separators)
become one space, and any other control, format or unassigned character is refused. The rule is
applied to every ORM insert and update (``models.base``), by the form and command-line
validation (``app.validation``), and ``repair`` makes a value from a sync merge or an old file
conform without losing what it said.
"""

from __future__ import annotations

import unicodedata

ONE_LINE_FIELDS: dict[str, frozenset[str]] = {
    "vendor": frozenset(
        {
            "name",
            "slug",
            "category",
            "status",
            "rollout_stage",
            "risk_tier",
            "website",
            "extra_domains",
            "sso_protocol",
            "mfa_methods",
        }
    ),
    "person": frozenset({"name", "email", "phone", "chat", "team", "organisation"}),
    "role": frozenset({"kind", "team", "note"}),
    "data_category": frozenset({"name", "pii_level"}),
    "event": frozenset({"kind", "title", "source_url"}),
    "runbook": frozenset({"verified_by"}),
    "setting": frozenset({"key"}),
    "checklist_template": frozenset({"key", "title"}),
    "checklist_run": frozenset(
        {"template_key", "title", "status", "started_by", "completed_by", "current_stage"}
    ),
    "checklist_item": frozenset({"section_key", "section_title", "item_key", "state", "state_by"}),
    "checklist_tick": frozenset({"state"}),
    "probe_config": frozenset(
        {
            "name",
            "kind",
            "issuer",
            "metadata_url",
            "client_id",
            "scopes",
            "audience",
            "api_url",
            "secret_ref",
            "ca_file",
        }
    ),
    "probe_result": frozenset({"outcome"}),
    "conflict": frozenset({"table_name", "field", "ours_by", "theirs_by", "resolved_by"}),
}
"""Per table, the text columns that hold one line. ``updated_by`` is one line in every table."""

EVERY_TABLE = frozenset({"updated_by"})


def one_line_fields(table: str) -> frozenset[str]:
    """The one-line text columns of ``table`` (``updated_by`` included)."""
    return ONE_LINE_FIELDS.get(table, frozenset()) | EVERY_TABLE


class OneLineError(ValueError):
    """A one-line value holds a character it must not; ``field`` names the column."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def normalise(value: str) -> str:
    """NFC, with every run of whitespace as one space and none at the ends.

    NFC first, so "Café" typed with a combining accent (NFD) is the same name as with the
    precomposed letter.
    """
    return " ".join(unicodedata.normalize("NFC", value).split())


def first_hidden(value: str) -> str | None:
    """The first character of ``value`` that is not printable (control, format such as a bidi
    override or zero-width space, private-use or unassigned), or ``None``."""
    if value.isprintable():
        return None
    return next(char for char in value if not char.isprintable())


def check(field: str, value: str) -> str:
    """``value`` normalised; ``OneLineError`` if a hidden character remains."""
    out = normalise(value)
    hidden = first_hidden(out)
    if hidden is not None:
        name = unicodedata.name(hidden, "a control character")
        raise OneLineError(
            field, f"contains an invisible character (U+{ord(hidden):04X}, {name}); remove it"
        )
    return out


def repair(value: str) -> str:
    """``value`` made to pass ``check`` without losing anything: normalised, and each hidden
    character written out as the text ``\\uXXXX``. For data that arrives without a person to
    ask (a sync merge, a file from an older vendortui)."""
    out = normalise(value)
    if first_hidden(out) is None:
        return out
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in out)

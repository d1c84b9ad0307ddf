"""Turning what a user typed into column values, or a message next to the field.

Forms in the TUI and the command line both pass text; each table has a rule per field. A
refusal is a ``FieldError`` naming the field, so a form can show it where it belongs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlparse

from vendortui.app.errors import KbError
from vendortui.models import one_line
from vendortui.models.enums import (
    EventKind,
    PiiLevel,
    ProbeKind,
    RiskTier,
    RoleKind,
    SsoProtocol,
    Status,
)


class FieldError(KbError):
    """One field's value was refused; ``field`` names it, the message says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field.replace('_', ' ')}: {message}")
        self.field = field
        self.reason = message


class LookAlikeError(FieldError):
    """A new vendor's name looks like an existing vendor's (``models.rules.look_alike_key``).

    Not a mistake the service can judge: the form and the command line say so and let the
    person add it anyway (``allow_similar``), so a duplicate never silently becomes ``name-2``.
    """

    def __init__(self, name: str, existing: list[tuple[str, str]]) -> None:
        shown = ", ".join(f"{one_line.repair(n)!r} ({slug})" for n, slug in existing[:3])
        more = f" and {len(existing) - 3} more" if len(existing) > 3 else ""
        super().__init__("name", f"looks like the existing vendor {shown}{more}")
        self.existing = existing


Rule = Callable[[str, Any], Any]


def line(field: str, value: Any) -> str:
    """One line of text under the one-line rule (``models.one_line``): NFC, whitespace runs as
    one space, no control, bidi or zero-width character."""
    try:
        return one_line.check(field, "" if value is None else str(value))
    except one_line.OneLineError as exc:
        raise FieldError(field, exc.reason) from None


def text(required: bool = False, max_len: int = 200) -> Rule:
    """A line of text (``line``); refused when required and empty or when too long."""

    def rule(field: str, value: Any) -> str:
        out = line(field, value)
        if required and not out:
            raise FieldError(field, "must not be empty")
        if len(out) > max_len:
            raise FieldError(field, f"is longer than {max_len} characters")
        return out

    return rule


def long_text(field: str, value: Any) -> str:
    """Free text (a description, a runbook body): kept as typed."""
    return "" if value is None else str(value)


def choice(enum: type[StrEnum]) -> Rule:
    """One of the enum's values; ``rolling out`` is accepted for ``rolling_out``."""

    allowed = [m.value for m in enum]

    def rule(field: str, value: Any) -> str:
        raw = str(value or "").strip().lower().replace(" ", "_").replace("-", "_")
        if raw not in allowed:
            raise FieldError(field, f"must be one of {', '.join(allowed)}")
        return raw

    return rule


def optional_int(low: int, high: int) -> Rule:
    """An optional whole number within bounds; empty means unset."""

    def rule(field: str, value: Any) -> int | None:
        if value is None or str(value).strip() == "":
            return None
        try:
            number = int(str(value).strip())
        except ValueError:
            raise FieldError(field, "must be a whole number") from None
        if not low <= number <= high:
            raise FieldError(field, f"must be between {low} and {high}")
        return number

    return rule


def optional_date(field: str, value: Any) -> date | None:
    """An ISO date (YYYY-MM-DD); empty means unset."""
    if value is None or isinstance(value, date):
        return value
    raw = str(value).strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise FieldError(field, f"{raw!r} is not a date; use YYYY-MM-DD") from None


def moment(field: str, value: Any) -> datetime:
    """A required date or date-time; a bare date means midnight UTC."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    raw = str(value or "").strip()
    if not raw:
        raise FieldError(field, "must not be empty")
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise FieldError(
            field, f"{raw!r} is not a date; use YYYY-MM-DD or YYYY-MM-DD HH:MM"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def flag(field: str, value: Any) -> bool:
    """A yes/no value from a switch, a checkbox or typed text."""
    if isinstance(value, bool):
        return value
    raw = str(value or "").strip().lower()
    if raw in ("1", "true", "yes", "y", "on"):
        return True
    if raw in ("", "0", "false", "no", "n", "off"):
        return False
    raise FieldError(field, "must be yes or no")


def url(field: str, value: Any) -> str:
    """An optional http(s) URL."""
    raw = line(field, value)
    if raw and urlparse(raw).scheme not in ("http", "https"):
        raise FieldError(field, "must start with https:// (or http://)")
    return raw


def probe_url(field: str, value: Any) -> str:
    """An optional http(s) URL with no template placeholder left in it (``{tenantid}``)."""
    from vendortui.app.probes.inputs import placeholder_problem

    raw = url(field, value)
    problem = placeholder_problem(raw)
    if problem:
        raise FieldError(field, "; ".join(problem))
    return raw


def ca_file(field: str, value: Any) -> str:
    """An optional PEM file of CA certificates, stored as an absolute path."""
    from vendortui.app.probes.inputs import checked_ca_file

    try:
        return checked_ca_file(text(max_len=400)(field, value))
    except ValueError as exc:
        raise FieldError(field, str(exc)) from None


def domains(field: str, value: Any) -> str:
    """Domains (or URLs) separated by commas or spaces, stored normalised as ``a.com, b.io``."""
    from vendortui.app.public_data.domains import parse_list

    try:
        return ", ".join(parse_list(line(field, value)))
    except ValueError as exc:
        raise FieldError(field, str(exc)) from None


def email(field: str, value: Any) -> str:
    """An optional e-mail address, lightly checked (one @, a dot after it)."""
    raw = line(field, value)
    if raw and (raw.count("@") != 1 or "." not in raw.split("@")[1]):
        raise FieldError(field, f"{raw!r} is not an e-mail address")
    return raw


def slug(field: str, value: Any) -> str:
    """Lower-case letters, digits and dashes."""
    raw = str(value or "").strip()
    if (
        not raw
        or not all(c.isascii() and (c.isalnum() or c == "-") for c in raw)
        or raw != raw.lower()
    ):
        raise FieldError(field, "must be lower-case letters, digits and dashes")
    return raw


def claims(field: str, value: Any) -> str:
    """Expected ID-token claims: a JSON object or ``name=value`` pairs."""
    from vendortui.app.probes.spec import parse_expected_claims

    raw = str(value or "").strip()
    try:
        parse_expected_claims(raw)
    except ValueError as exc:
        raise FieldError(field, str(exc)) from None
    return raw


def probe_ref(field: str, value: Any) -> str:
    """A keyring entry name: no spaces or control characters, so it is unambiguous in a shell."""
    raw = str(value or "").strip()
    if any(c.isspace() or not c.isprintable() for c in raw):
        raise FieldError(field, "must not contain spaces")
    return raw


RULES: dict[str, dict[str, Rule]] = {
    "vendor": {
        "name": text(required=True),
        "slug": slug,
        "category": text(max_len=60),
        "status": choice(Status),
        "rollout_stage": text(max_len=60),
        "rollout_percent": optional_int(0, 100),
        "risk_tier": choice(RiskTier),
        "website": url,
        "extra_domains": domains,
        "description": long_text,
        "sso_protocol": choice(SsoProtocol),
        "scim": flag,
        "mfa_methods": text(max_len=120),
        "webauthn_enforced": flag,
        "sso_requires_upgrade": flag,
        "contract_start": optional_date,
        "contract_end": optional_date,
        "notice_days": optional_int(0, 3650),
        "termination_data": long_text,
        "review_cadence_days": optional_int(1, 3650),
    },
    "person": {
        "name": text(required=True),
        "email": email,
        "phone": text(max_len=40),
        "chat": text(max_len=80),
        "team": text(max_len=80),
        "organisation": text(max_len=80),
        "active": flag,
    },
    "role": {
        "vendor_id": text(required=True),
        "person_id": text(required=True),
        "kind": choice(RoleKind),
        "team": text(max_len=80),
        "note": text(max_len=400),
    },
    "data_category": {
        "vendor_id": text(required=True),
        "name": text(required=True),
        "pii_level": choice(PiiLevel),
        "encrypted": flag,
        "description": long_text,
    },
    "event": {
        "vendor_id": text(required=True),
        "kind": choice(EventKind),
        "occurred_at": moment,
        "title": text(required=True, max_len=300),
        "body": long_text,
        "source_url": url,
    },
    "probe_config": {
        "vendor_id": text(required=True),
        "name": text(required=True, max_len=80),
        "kind": choice(ProbeKind),
        "issuer": probe_url,
        "metadata_url": probe_url,
        "client_id": text(max_len=200),
        "scopes": text(max_len=400),
        "audience": text(max_len=400),
        "expected_claims": claims,
        "api_url": url,
        "secret_ref": probe_ref,
        "ca_file": ca_file,
        "enabled": flag,
    },
    "runbook": {
        "vendor_id": text(required=True),
        "body": long_text,
        "verify_interval_days": optional_int(1, 3650),
    },
}


def clean(table: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and convert ``values`` for ``table``; unknown fields are a programming error."""
    rules = RULES[table]
    out: dict[str, Any] = {}
    for field, value in values.items():
        if field not in rules:
            raise KeyError(f"{table} has no editable field {field!r}")
        out[field] = rules[field](field, value)
    check_together(table, out)
    return out


def check_together(table: str, out: Mapping[str, Any]) -> None:
    """The rules that span fields of one row (``clean`` runs them after each field's rule)."""
    if table == "probe_config" and "kind" in out:
        needs = "metadata_url" if out["kind"] == ProbeKind.SAML_METADATA else "issuer"
        if not out.get(needs) and not (needs == "issuer" and out.get("metadata_url")):
            raise FieldError(needs, f"is needed for a {out['kind'].replace('_', ' ')} probe")
    start, end = out.get("contract_start"), out.get("contract_end")
    if table == "vendor" and start and end and end < start:
        raise FieldError("contract_end", "is before the contract start")

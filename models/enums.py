"""The closed vocabularies of the knowledge base.

Columns store the enum's value as plain text (not a SQL enum type) so that adding a member
needs no table rebuild; services validate against these classes.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Where a vendor is in its life with us."""

    EVALUATING = "evaluating"
    PILOT = "pilot"
    ROLLING_OUT = "rolling_out"
    PRODUCTION = "production"
    SUNSETTING = "sunsetting"
    RETIRED = "retired"


class RiskTier(StrEnum):
    """How much harm the vendor can do; drives the annual-review cadence."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class RoleKind(StrEnum):
    """What a person is to a vendor relationship."""

    LEAD = "lead"
    BACKUP = "backup"
    POWER_USER = "power_user"
    SECURITY_CONTACT = "security_contact"
    VENDOR_CONTACT = "vendor_contact"


class PiiLevel(StrEnum):
    """How personal the data in a category is."""

    NONE = "none"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


class EventKind(StrEnum):
    """Things that happen to a vendor and belong on its timeline."""

    BREACH = "breach"
    CLOUD_PROVIDER_CHANGE = "cloud_provider_change"
    SUBPROCESSOR_CHANGE = "subprocessor_change"
    INCIDENT = "incident"
    ROLLBACK = "rollback"
    CONTRACT_CHANGE = "contract_change"
    SSO_CHANGE = "sso_change"
    DATA_SCOPE_CHANGE = "data_scope_change"
    PROBE_STATUS_CHANGE = "probe_status_change"
    NOTE = "note"


class SsoProtocol(StrEnum):
    """How our people sign in to the vendor."""

    NONE = "none"
    SAML = "saml"
    OIDC = "oidc"
    OAUTH = "oauth"


class RunStatus(StrEnum):
    """Where a checklist run stands."""

    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


class ItemState(StrEnum):
    """The state of one checklist item."""

    OPEN = "open"
    DONE = "done"
    NOT_APPLICABLE = "not_applicable"
    BLOCKED = "blocked"


class ProbeKind(StrEnum):
    """The SSO checks vendortui knows how to run."""

    OIDC_DISCOVERY = "oidc_discovery"
    CLIENT_CREDENTIALS = "client_credentials"
    DEVICE_CODE = "device_code"
    AUTH_CODE = "auth_code"
    SAML_METADATA = "saml_metadata"


class ProbeOutcome(StrEnum):
    """The verdict of one probe run. ``unreachable`` is not a failure: we may be offline."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    UNREACHABLE = "unreachable"
    ERROR = "error"


def labels(enum: type[StrEnum]) -> list[tuple[str, str]]:
    """(label, value) pairs for a select widget: ``rolling_out`` shows as ``rolling out``."""
    return [(member.value.replace("_", " "), member.value) for member in enum]

"""Modal forms for vendors, people, roles, data categories and events.

A form only collects text, choices and switches; the service validates (``app.validation``)
and a refusal comes back as a ``FieldError`` naming the field, shown right under it. Saving
runs in a thread worker so the UI never waits on the database lock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static, Switch, TextArea

from vendortui.app.errors import KbError
from vendortui.app.kb import ChangedMeanwhile
from vendortui.app.text import safe, strip_control
from vendortui.app.validation import FieldError, LookAlikeError
from vendortui.models.enums import (
    EventKind,
    PiiLevel,
    RiskTier,
    RoleKind,
    SsoProtocol,
    Status,
    labels,
)

if TYPE_CHECKING:
    from vendortui.app.kb import KnowledgeBase


@dataclass(frozen=True)
class FormField:
    """One field of a form: the column it fills, its label and how it is typed."""

    name: str
    label: str
    kind: str = "text"
    """``text`` (one line), ``long`` (several lines), ``choice`` or ``flag`` (a switch)."""
    options: Sequence[tuple[str | Text, str]] = ()
    hint: str = ""


Save = Callable[[dict[str, Any]], Any]
"""Called in a worker thread with the form's values; returns what the form dismisses with."""


class FormScreen(ModalScreen[Any]):
    """A modal form. ctrl+s saves, escape cancels; errors appear next to their field."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True, id="form.save"),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    def __init__(
        self, title: str, fields: Sequence[FormField], values: Mapping[str, Any], save: Save
    ) -> None:
        super().__init__()
        self.form_title = title
        self.fields = fields
        self.values = values
        self.save = save
        self.similar_ok: dict[str, Any] | None = None
        """Values refused as looking like an existing vendor: saved again unchanged, they are
        added anyway (``allow_similar``)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="form-dialog") as dialog:
            dialog.border_title = safe(self.form_title)
            with VerticalScroll(id="form-fields"):
                for field in self.fields:
                    with Horizontal(classes="form-row"):
                        yield Label(field.label, classes="form-label")
                        yield self._widget(field)
                    yield Static("", id=f"error-{field.name}", classes="field-error")
            yield Static("", id="form-error", classes="field-error")
            with Horizontal(id="form-buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        # The first field, not the scrolling box around the fields (the first focusable
        # widget, which auto-focus would pick): what the user types goes into the form.
        self.query_one(f"#field-{self.fields[0].name}").focus()

    def _widget(self, field: FormField) -> Widget:
        value = self.values.get(field.name)
        widget_id = f"field-{field.name}"
        if field.kind == "flag":
            return Switch(bool(value), id=widget_id)
        if field.kind == "choice":
            choices = [value for _, value in field.options]
            return Select(
                field.options,
                value=value if value in choices else Select.NULL,
                allow_blank=value not in choices,
                id=widget_id,
                compact=True,
            )
        if field.kind == "long":
            return TextArea(strip_control(_text(value)), id=widget_id, soft_wrap=True)
        return Input(
            strip_control(_text(value)), placeholder=field.hint, id=widget_id, compact=True
        )

    def form_values(self) -> dict[str, Any]:
        """What the user entered, field by field (strings, choices, booleans)."""
        out: dict[str, Any] = {}
        for field in self.fields:
            widget = self.query_one(f"#field-{field.name}")
            if isinstance(widget, Switch):
                out[field.name] = widget.value
            elif isinstance(widget, Select):
                out[field.name] = "" if widget.value is Select.NULL else widget.value
            elif isinstance(widget, TextArea):
                out[field.name] = widget.text
            elif isinstance(widget, Input):
                out[field.name] = widget.value
        return out

    def action_save(self) -> None:
        for error in self.query(".field-error").results(Static):
            error.update("")
            error.remove_class("shown")
        values = self.form_values()
        if values == self.similar_ok:
            values["allow_similar"] = True
        self._save(values)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @work(thread=True, exclusive=True)
    def _save(self, values: dict[str, Any]) -> None:
        try:
            result = self.save(values)
        except LookAlikeError as error:
            self.similar_ok = values
            reason = f"{error.reason}. Save again to add it anyway."
            self.app.call_from_thread(self.show_error, error.field, reason)
        except FieldError as error:
            self.app.call_from_thread(self.show_error, error.field, error.reason)
        except KbError as error:
            self.app.call_from_thread(self.show_error, "", str(error))
        else:
            self.app.call_from_thread(self.dismiss, result)

    def show_error(self, field: str, reason: str) -> None:
        """Put ``reason`` under ``field`` (or under the form when no such field is shown)."""
        matches = self.query(f"#error-{field}") if field else None
        target = matches.first(Static) if matches else self.query_one("#form-error", Static)
        target.update(Text(f"↑ {strip_control(reason)}"))
        target.add_class("shown")
        if matches:
            self.query_one(f"#field-{field}").focus()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def changes(values: Mapping[str, Any], row: Any) -> dict[str, Any]:
    """The fields whose value differs from ``row``'s: an edit writes only what the user changed,
    so a sync merge sees exactly those fields as changed."""
    out = {}
    for name, value in values.items():
        old = getattr(row, name)
        same = value == old if isinstance(value, bool) else str(value).strip() == _text(old).strip()
        if not same:
            out[name] = value
    return out


def save_edit(kb: KnowledgeBase, table: type[Any], row: Any, values: Mapping[str, Any]) -> Any:
    """Write what changed in ``row`` (nothing at all if the user changed nothing), only if
    nobody changed those fields since ``row`` was loaded. After a refusal the form holds
    the teammate's value as loaded, so saving again deliberately replaces it."""
    diff = changes(values, row)
    if not diff:
        return row
    try:
        return kb.update(
            table, row.id, expected={name: getattr(row, name) for name in diff}, **diff
        )
    except ChangedMeanwhile as error:
        setattr(row, error.field, error.current)
        raise


def initial(row: Any, fields: Sequence[FormField]) -> dict[str, Any]:
    """The current values of ``row`` for the fields of a form (empty for a new row)."""
    if row is None:
        return {}
    return {field.name: getattr(row, field.name) for field in fields}


VENDOR_FIELDS = (
    FormField("name", "Name"),
    FormField("category", "Category", hint="observability, paging, ci, ..."),
    FormField("status", "Lifecycle status", "choice", labels(Status)),
    FormField("rollout_stage", "Rollout stage", hint="e.g. canary, 2 of 5 teams"),
    FormField("rollout_percent", "Rollout %", hint="0-100"),
    FormField("risk_tier", "Risk tier", "choice", labels(RiskTier)),
    FormField("website", "Website", hint="https://..."),
    FormField("extra_domains", "Extra domains", hint="other domains it answers on: a.com, b.io"),
    FormField("description", "Description", "long"),
    FormField("sso_protocol", "SSO protocol", "choice", labels(SsoProtocol)),
    FormField("scim", "SCIM provisioning", "flag"),
    FormField("mfa_methods", "MFA methods", hint="webauthn, totp, sms"),
    FormField("webauthn_enforced", "WebAuthn enforced", "flag"),
    FormField("sso_requires_upgrade", "SSO needs higher plan", "flag"),
    FormField("contract_start", "Contract start", hint="YYYY-MM-DD"),
    FormField("contract_end", "Contract end", hint="YYYY-MM-DD"),
    FormField("notice_days", "Notice period (days)"),
    FormField("termination_data", "Data at termination", "long"),
    FormField("review_cadence_days", "Review every (days)", hint="empty: by risk tier"),
)

PERSON_FIELDS = (
    FormField("name", "Name"),
    FormField("email", "E-mail"),
    FormField("phone", "Phone"),
    FormField("chat", "Chat handle", hint="@name"),
    FormField("team", "Team"),
    FormField("organisation", "Organisation", hint="empty for our own people"),
    FormField("active", "Active", "flag"),
)

DATA_CATEGORY_FIELDS = (
    FormField("name", "Data category"),
    FormField("pii_level", "PII level", "choice", labels(PiiLevel)),
    FormField("encrypted", "Fields encrypted", "flag"),
    FormField("description", "Description", "long"),
)

EVENT_FIELDS = (
    FormField(
        "kind", "Kind", "choice", [o for o in labels(EventKind) if o[1] != "probe_status_change"]
    ),
    FormField("occurred_at", "When", hint="YYYY-MM-DD or YYYY-MM-DD HH:MM (UTC)"),
    FormField("title", "Title"),
    FormField("body", "Details", "long"),
    FormField("source_url", "Source URL", hint="https://..."),
)


def role_fields(people: Sequence[Any]) -> tuple[FormField, ...]:
    """The role form: who (one of the known people), as what, for which team."""
    choices = [
        (Text(strip_control(f"{p.name}{f' ({p.organisation})' if p.organisation else ''}")), p.id)
        for p in people
    ]
    return (
        FormField("person_id", "Person", "choice", choices),
        FormField("kind", "Role", "choice", labels(RoleKind)),
        FormField("team", "For team", hint="power users: which team"),
        FormField("note", "Note"),
    )

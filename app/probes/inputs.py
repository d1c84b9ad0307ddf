"""Checks of what a person types into a probe's configuration, shared by the form, the command
line (through ``app.validation``) and the probe run (for rows stored before these checks).

Two mistakes are common enough to deserve their own sentence: a URL still holding a template
placeholder (Microsoft Entra ID's multi-tenant discovery publishes the issuer
``https://login.microsoftonline.com/{tenantid}/v2.0``, and people paste it), and a CA file
given as a relative path, which only works from the folder it was typed in.
"""

from __future__ import annotations

import re
import ssl
from pathlib import Path

PLACEHOLDER = re.compile(r"\{[^{}]*\}")
ENTRA_TENANT = "{tenantid}"
ENTRA_HINT = (
    "Microsoft Entra ID publishes {tenantid} as a template: put your tenant id in its place "
    "(Entra admin center > Overview > Tenant ID), as in "
    "https://login.microsoftonline.com/<tenant id>/v2.0"
)
ISSUER_HELP = (
    "OIDC issuer URL, e.g. https://login.example.com; for Microsoft Entra ID "
    "https://login.microsoftonline.com/<your tenant id>/v2.0 (not the {tenantid} template)"
)


def placeholder_problem(url: str) -> tuple[str, str] | None:
    """(what is wrong, what to do) for a URL still holding a ``{...}`` placeholder, or None."""
    found = PLACEHOLDER.search(url)
    if found is None:
        return None
    what = f"still holds the placeholder {found.group()}"
    if found.group().lower() == ENTRA_TENANT:
        return what, ENTRA_HINT
    return what, "replace it with the value it stands for (the provider's documentation names it)"


def checked_ca_file(value: str) -> str:
    """``value`` as an absolute path to a readable PEM file of CA certificates, or ValueError.

    Absolute because probes also run from the dashboard and from cron, whose current folder
    is not the one the path was typed in.
    """
    if not value:
        return ""
    path = Path(value).expanduser().resolve()
    if not path.is_file():
        raise ValueError(
            f"there is no file {str(path)!r}; give the path of a PEM file of CA certificates"
        )
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cafile=str(path))
    except ssl.SSLError:
        raise ValueError(
            f"{str(path)!r} holds no PEM certificate (-----BEGIN CERTIFICATE-----); "
            "convert a DER file with: openssl x509 -inform der -in FILE -out FILE.pem"
        ) from None
    except OSError as exc:
        raise ValueError(
            f"{str(path)!r} cannot be read ({exc.strerror or type(exc).__name__})"
        ) from None
    return str(path)

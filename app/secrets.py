"""Client secrets live in the OS keyring, never in the knowledge base (and never in plaintext).

The database stores only a reference (the keyring entry's name). A secret can also be given for
one run through ``VENDORTUI_SECRET_<REF>`` (the reference upper-cased, anything outside
``[A-Z0-9]`` turned into ``_``): handy in CI, and it is never written anywhere.

Backends that would quietly store secrets in a file we consider readable (``keyrings.alt``) or
drop them (``null``), and the ``fail`` backend keyring picks when there is none, are refused with
``SecretStoreUnavailable``: one sentence saying how to get a real keyring.
"""

from __future__ import annotations

import os
import re

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringError, KeyringLocked, NoKeyringError, PasswordDeleteError

from vendortui.app.errors import KbError

SERVICE = "vendortui"
ENV_PREFIX = "VENDORTUI_SECRET_"


class SecretStoreUnavailable(KbError):
    """No secure keyring can be used; the message says how to get one."""


def env_var(ref: str) -> str:
    """The environment variable that overrides ``ref`` for this run."""
    return ENV_PREFIX + re.sub(r"[^A-Z0-9]", "_", ref.upper())


def _unavailable(ref: str, reason: str) -> SecretStoreUnavailable:
    return SecretStoreUnavailable(
        f"{reason}: install and unlock a Secret Service keyring (for example gnome-keyring, "
        f"or KeePassXC with Secret Service enabled), or set {env_var(ref)} in the environment, "
        "which works for this run only."
    )


def _insecure(backend: KeyringBackend) -> bool:
    """Backends that would drop secrets or keep them in a plaintext/weakly protected file."""
    if isinstance(backend, fail.Keyring | null.Keyring):
        return True
    if isinstance(backend, chainer.ChainerBackend):
        members = list(backend.backends)
        return not members or any(_insecure(b) for b in members)
    return type(backend).__module__.startswith("keyrings.alt")


def _backend(ref: str) -> KeyringBackend:
    try:
        backend = keyring.get_keyring()
    except Exception:  # a misconfigured PYTHON_KEYRING_BACKEND or a broken plugin
        raise _unavailable(ref, "The configured keyring backend could not be loaded") from None
    if _insecure(backend):
        raise _unavailable(ref, "No secure keyring is available to hold client secrets")
    return backend


def get_secret(ref: str) -> str | None:
    """The secret for ``ref`` (environment first), or None when none is stored."""
    from_env = os.environ.get(env_var(ref))
    if from_env:
        return from_env
    try:
        return _backend(ref).get_password(SERVICE, ref)
    except KeyringLocked:
        raise _unavailable(ref, "The keyring is locked") from None
    except (NoKeyringError, KeyringError):
        raise _unavailable(ref, "The keyring could not be read") from None


def has_secret(ref: str) -> bool:
    """Whether a secret exists for ``ref`` (without returning it)."""
    return get_secret(ref) is not None


def set_secret(ref: str, value: str) -> None:
    """Store ``value`` under ``ref`` in the keyring (never in the environment or a file)."""
    if not value:
        raise KbError("An empty secret cannot be stored.")
    try:
        _backend(ref).set_password(SERVICE, ref, value)
    except KeyringLocked:
        raise _unavailable(ref, "The keyring is locked") from None
    except (NoKeyringError, KeyringError):
        raise _unavailable(ref, "The keyring refused to store the secret") from None


def delete_secret(ref: str) -> None:
    """Remove the keyring entry for ``ref``; removing one that is absent is not an error."""
    try:
        _backend(ref).delete_password(SERVICE, ref)
    except PasswordDeleteError:
        return
    except KeyringLocked:
        raise _unavailable(ref, "The keyring is locked") from None
    except (NoKeyringError, KeyringError):
        raise _unavailable(ref, "The keyring could not be changed") from None

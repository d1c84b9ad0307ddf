"""The keyring wrapper: a real Secret Service when one runs, a clear refusal when none does.

The real-backend tests need a D-Bus session with an unlocked gnome-keyring (CI wraps pytest in
``dbus-run-session``, see FACTS); elsewhere they skip and say why.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import SecretService, fail, null

from vendortui.app.secrets import (
    SecretStoreUnavailable,
    delete_secret,
    env_var,
    get_secret,
    has_secret,
    set_secret,
)


@pytest.fixture
def restore_keyring() -> Iterator[None]:
    original = keyring.get_keyring()
    yield
    keyring.set_keyring(original)


@pytest.fixture
def real_keyring() -> KeyringBackend:
    backend = keyring.get_keyring()
    if not isinstance(backend, SecretService.Keyring):
        pytest.skip(
            f"no Secret Service keyring in this session ({type(backend).__module__}); run under "
            "dbus-run-session with an unlocked gnome-keyring-daemon to exercise it"
        )
    return backend


def test_env_var_name_is_normalised() -> None:
    assert env_var("acme/machine probe-1") == "VENDORTUI_SECRET_ACME_MACHINE_PROBE_1"


@pytest.mark.usefixtures("restore_keyring")
def test_no_backend_is_one_readable_sentence() -> None:
    keyring.set_keyring(fail.Keyring())
    for call in (
        lambda: get_secret("acme/machine"),
        lambda: has_secret("acme/machine"),
        lambda: set_secret("acme/machine", "value-that-must-not-leak"),
        lambda: delete_secret("acme/machine"),
    ):
        with pytest.raises(SecretStoreUnavailable) as caught:
            call()
        message = str(caught.value)
        assert message.count(". ") == 0 and message.endswith(".")
        assert "gnome-keyring" in message
        assert "VENDORTUI_SECRET_ACME_MACHINE" in message and "this run only" in message
        assert "value-that-must-not-leak" not in message


@pytest.mark.usefixtures("restore_keyring")
def test_null_and_plaintext_backends_are_refused() -> None:
    class PlaintextKeyring(KeyringBackend):
        """Stands in for keyrings.alt's file backend (which must never be used)."""

        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            raise AssertionError("a plaintext backend must never be read")

        def set_password(self, service: str, username: str, password: str) -> None:
            raise AssertionError("a plaintext backend must never be written")

        def delete_password(self, service: str, username: str) -> None:
            raise AssertionError("a plaintext backend must never be touched")

    PlaintextKeyring.__module__ = "keyrings.alt.file"
    for backend in (null.Keyring(), PlaintextKeyring()):
        keyring.set_keyring(backend)
        with pytest.raises(SecretStoreUnavailable):
            set_secret("acme/machine", "secret")
        with pytest.raises(SecretStoreUnavailable):
            get_secret("acme/machine")


@pytest.mark.usefixtures("restore_keyring")
def test_env_override_works_without_a_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setenv("VENDORTUI_SECRET_ACME_MACHINE", "from-env")
    assert get_secret("acme/machine") == "from-env"
    assert has_secret("acme/machine")
    with pytest.raises(SecretStoreUnavailable):
        set_secret("acme/machine", "x")  # the environment is never written to


def test_real_keyring_round_trip(real_keyring: KeyringBackend) -> None:
    ref = f"test/{secrets.token_hex(6)}"
    value = secrets.token_urlsafe(24)
    assert get_secret(ref) is None and not has_secret(ref)
    set_secret(ref, value)
    try:
        assert get_secret(ref) == value
        assert has_secret(ref)
        assert real_keyring.get_password("vendortui", ref) == value  # really in the keyring
    finally:
        delete_secret(ref)
    assert get_secret(ref) is None
    delete_secret(ref)  # deleting what is gone is fine


def test_real_keyring_env_wins(
    real_keyring: KeyringBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = f"test/{secrets.token_hex(6)}"
    set_secret(ref, "stored")
    try:
        monkeypatch.setenv(env_var(ref), "for-this-run")
        assert get_secret(ref) == "for-this-run"
    finally:
        delete_secret(ref)

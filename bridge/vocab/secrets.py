"""Secrets through the keyring API: the only module that reads or writes credentials.

Each secret is keyed by (tenant, name) under the service ``dunning-bridge``. On a desktop the
OS keychain answers; on a headless server configure a file backend (docs/operations.md); tests
and the demo use :class:`MemoryKeyring`. Read-only credentials may also come from systemd's
``$CREDENTIALS_DIRECTORY`` as files named ``<tenant>.<name>``. Values never reach logs.
"""

from __future__ import annotations

import os
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
from keyring.backend import KeyringBackend

from bridge.vocab.errors import ConfigError, SecretMissing
from bridge.vocab.redact import register_secret
from bridge.vocab.safenames import check_name

SERVICE = "dunning-bridge"


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in process memory: for tests and the demo, never for production."""

    priority = 0.1  # never chosen automatically

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        """Return the stored value or None."""
        return self._values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        """Store a value."""
        self._values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        """Forget a value."""
        try:
            del self._values[(service, username)]
        except KeyError:
            raise keyring.errors.PasswordDeleteError(username) from None


def use_backend(class_path: str) -> None:
    """Install the keyring backend named by ``class_path``.

    For example ``keyrings.alt.file.PlaintextKeyring`` on a headless server.
    """
    if not class_path:
        return
    try:
        keyring.set_keyring(keyring.core.load_keyring(class_path))
    except (ImportError, AttributeError, ValueError) as exc:
        raise ConfigError(f"cannot load keyring backend {class_path!r}: {exc}") from None


def _username(tenant: str, name: str) -> str:
    return f"{tenant}/{name}"


class TenantSecrets:
    """One tenant's secrets (satisfies bridge.vocab.connector.SecretStore)."""

    def __init__(self, tenant: str, credentials_dir: Path | None = None) -> None:
        self.tenant = check_name(tenant, "tenant name")  # it becomes part of file names
        env_dir = os.environ.get("CREDENTIALS_DIRECTORY")
        self._credentials = credentials_dir or (Path(env_dir) if env_dir else None)

    def get(self, name: str) -> str:
        """Return the secret, from systemd credentials first, then the keyring."""
        if self._credentials is not None:
            check_name(name, "secret name")
            candidate = self._credentials / f"{self.tenant}.{name}"
            if candidate.is_file():
                return _known(candidate.read_text(encoding="utf-8").strip())
        try:
            value = keyring.get_password(SERVICE, _username(self.tenant, name))
        except keyring.errors.KeyringError as exc:
            raise ConfigError(f"keyring unavailable ({type(exc).__name__}); {_HINT}") from None
        except OSError as exc:
            raise _unreachable_store(exc) from None
        if not value:
            raise SecretMissing(self.tenant, name)
        return _known(value)

    def set(self, name: str, value: str) -> None:
        """Store (or replace) the secret; rotated tokens come back through here."""
        if not value:
            raise ConfigError(f"refusing to store an empty secret {name!r} for {self.tenant!r}")
        register_secret(value)
        try:
            keyring.set_password(SERVICE, _username(self.tenant, name), value)
        except keyring.errors.KeyringError as exc:
            raise ConfigError(f"keyring unavailable ({type(exc).__name__}); {_HINT}") from None
        except OSError as exc:
            raise _unreachable_store(exc) from None

    def forget(self, name: str) -> None:
        """Delete the secret from the keyring (a token moved into the database); gone is fine."""
        try:
            keyring.delete_password(SERVICE, _username(self.tenant, name))
        except keyring.errors.PasswordDeleteError:
            return
        except keyring.errors.KeyringError as exc:
            raise ConfigError(f"keyring unavailable ({type(exc).__name__}); {_HINT}") from None

    def has(self, name: str) -> bool:
        """Tell whether the secret is stored, without revealing it."""
        try:
            self.get(name)
        except SecretMissing:
            return False
        return True


_HINT = "on a headless server set BRIDGE_KEYRING_BACKEND (see docs/operations.md)"


def _unreachable_store(exc: OSError) -> ConfigError:
    """A file keyring whose folder is missing or not the user's: say which folder and the fix.

    The file backend creates its folder under $XDG_DATA_HOME; for the service user that is
    /var/lib/dunning-bridge, which `useradd --system --home` does not create.
    """
    where = exc.filename or os.environ.get("XDG_DATA_HOME") or "the keyring's folder"
    reason = exc.strerror or type(exc).__name__
    return ConfigError(
        f"cannot use the file keyring at {where}: {reason}. Create the folder for the user "
        "that runs the bridge, e.g. `sudo install -d -m 0700 -o dunning-bridge -g "
        "dunning-bridge /var/lib/dunning-bridge`, and run the command as that user with "
        "XDG_DATA_HOME pointing at it (docs/operations.md)"
    )


class StaticSecrets:
    """Fixed secrets for one tenant (the embedded sandbox's tokens).

    ``set`` keeps rotations in memory.
    """

    def __init__(self, tenant: str, values: dict[str, str]) -> None:
        self.tenant = tenant
        self._values = dict(values)

    def get(self, name: str) -> str:
        """Return the secret or raise SecretMissing."""
        try:
            return _known(self._values[name])
        except KeyError:
            raise SecretMissing(self.tenant, name) from None

    def set(self, name: str, value: str) -> None:
        """Keep a rotated value for the rest of the process."""
        self._values[name] = _known(value)

    def forget(self, name: str) -> None:
        """Drop a value (a token moved into the database)."""
        self._values.pop(name, None)


def _known(value: str) -> str:
    """Register a secret with the redactor as it is read, so no log or error can show it."""
    register_secret(value)
    return value

"""Rotating OAuth tokens as connectors see them: read, refresh under a lock, store before use.

A rotating refresh token (Fortnox always, Dinero when its app says so) is valid until it is
spent: the vendor then answers a new one and the old one is void. Whoever refreshes must be
the only one doing so, read the token stored last, and store the new one before anything else.
A connector asks :func:`rotating_tokens` for its grant and gets one of two keepers:

- :class:`SecretsTokens`: the tenant's secret store (the keyring), locked per process. Right
  for one daemon, which is all a SQLite database allows.
- the database (bridge/engine/shared_tokens.py), when the secret store given to the connector offers
  it (:class:`KeepsTokens`): sealed with the store key, locked across every daemon sharing the
  database, with the intent of each refresh recorded before the vendor is asked.

Either way the connector's code is the same::

    with tokens.hold() as hold:          # the lock: nobody else refreshes this grant now
        if still good: use hold.state    # another daemon may have refreshed while we waited
        hold.spending()                  # the intent, committed before the vendor is asked
        answer = vendor.refresh(hold.state.refresh_token)
        hold.rotated(answer)             # stored (committed) before the new token is used
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

from bridge.vocab.connector import SecretStore
from bridge.vocab.errors import SecretMissing
from bridge.vocab.redact import register_secret


@dataclass(frozen=True, slots=True)
class TokenState:
    """One grant's tokens: the refresh token, and the access token it last gave (if kept)."""

    refresh_token: str
    access_token: str | None = None
    expires_at: datetime | None = None  # timezone-aware
    scope: str | None = None  # the scopes the vendor's answer named, if it did

    def __post_init__(self) -> None:
        register_secret(self.refresh_token)
        if self.access_token:
            register_secret(self.access_token)

    def access_until(self, now: datetime, margin: timedelta) -> str | None:
        """The access token, if it stays valid beyond ``now + margin``."""
        if self.access_token is None or self.expires_at is None:
            return None
        return self.access_token if self.expires_at - margin > now else None


@dataclass(frozen=True, slots=True)
class TokenNames:
    """The names under which a connector's tokens sit in the tenant's secret store."""

    refresh: str
    access: str | None = None
    expires: str | None = None


class TokenHold(Protocol):
    """The grant while its lock is held: read, mark the spend, store the answer."""

    @property
    def state(self) -> TokenState:
        """The tokens stored last (by whichever daemon), read under the lock."""
        ...

    @property
    def interrupted(self) -> str | None:
        """Set when an earlier refresh was cut off after its intent: who and when, for errors."""
        ...

    def spending(self) -> None:
        """Record that the stored refresh token is about to be sent to the vendor."""
        ...

    def rotated(self, new: TokenState) -> None:
        """Store what the vendor answered; done before the new access token is used."""
        ...

    def refused(self) -> None:
        """The vendor answered with a refusal: nothing was spent, the intent is cleared."""
        ...


class RotatingTokens(Protocol):
    """One tenant's grant with one vendor."""

    def peek(self) -> TokenState:
        """The stored tokens without the lock (SecretMissing when none)."""
        ...

    def hold(self) -> AbstractContextManager[TokenHold]:
        """Take the grant's lock for a refresh."""
        ...

    def replace(self, state: TokenState) -> None:
        """Store a new grant (a consent), whatever was stored before."""
        ...


@runtime_checkable
class KeepsTokens(Protocol):
    """A secret store that keeps rotating tokens elsewhere (the database)."""

    def rotating(self, credential: str, names: TokenNames) -> RotatingTokens:
        """The keeper of the tenant's grant ``credential`` (a connector's name)."""
        ...


_declared: dict[str, TokenNames] = {}


def declare(credential: str, names: TokenNames) -> TokenNames:
    """Name a connector's rotating grant (by convention its system name) and its secret names.

    `secrets check` and `doctor` then know that those names may live in the database.
    """
    _declared[credential] = names
    return names


def declared(credential: str) -> TokenNames | None:
    """The secret names of a declared grant, None when the system has none."""
    return _declared.get(credential)


def rotating_tokens(secrets: SecretStore, credential: str, names: TokenNames) -> RotatingTokens:
    """Where a connector keeps the grant: the database if the store offers it, else the secrets."""
    if isinstance(secrets, KeepsTokens):
        return secrets.rotating(credential, names)
    return SecretsTokens(secrets, credential, names)


# ---------------------------------------------------------------------------------------------
# In the tenant's secret store (the keyring), one process

_locks: dict[tuple[object, str], threading.Lock] = {}
_locks_guard = threading.Lock()


def _process_lock(secrets: SecretStore, credential: str) -> threading.Lock:
    # Keyed by the tenant's name where the store has one (TenantSecrets, StaticSecrets): every
    # session of the tenant in this process shares the grant, whichever store object it holds.
    tenant = getattr(secrets, "tenant", None)
    key: tuple[object, str] = (tenant if isinstance(tenant, str) else id(secrets), credential)
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


class _SecretsHold:
    def __init__(self, owner: SecretsTokens) -> None:
        self._owner = owner
        self.state = owner.peek()
        self.interrupted: str | None = None

    def spending(self) -> None:
        return  # the keyring keeps no intent: one process, whose lock dies with it

    def rotated(self, new: TokenState) -> None:
        self._owner.store(new, previous=self.state)
        self.state = new

    def refused(self) -> None:
        return


class SecretsTokens:
    """A grant kept under the tenant's secret names, refreshed under a per-process lock."""

    def __init__(self, secrets: SecretStore, credential: str, names: TokenNames) -> None:
        self.secrets = secrets
        self.names = names
        self.lock = _process_lock(secrets, credential)

    def peek(self) -> TokenState:
        """Read the stored tokens; SecretMissing (with its fix) when there is no refresh token."""
        refresh = self.secrets.get(self.names.refresh)
        access: str | None = None
        expires: datetime | None = None
        if self.names.access is not None and self.names.expires is not None:
            try:
                access = self.secrets.get(self.names.access)
                expires = datetime.fromisoformat(self.secrets.get(self.names.expires))
            except (SecretMissing, ValueError):
                access, expires = None, None
            if expires is not None and expires.tzinfo is None:
                expires = expires.replace(tzinfo=UTC)
        return TokenState(refresh, access, expires)

    @contextmanager
    def hold(self) -> Iterator[TokenHold]:
        """Hold the process lock while the grant is refreshed."""
        with self.lock:
            yield _SecretsHold(self)

    def replace(self, state: TokenState) -> None:
        """Store a new grant."""
        with self.lock:
            self.store(state, previous=None)

    def store(self, new: TokenState, *, previous: TokenState | None) -> None:
        """Refresh token first: it is the one that cannot be recovered without a new consent."""
        if previous is None or new.refresh_token != previous.refresh_token:
            self.secrets.set(self.names.refresh, new.refresh_token)
        if self.names.access is not None and new.access_token is not None:
            self.secrets.set(self.names.access, new.access_token)
        if self.names.expires is not None and new.expires_at is not None:
            self.secrets.set(self.names.expires, new.expires_at.isoformat())

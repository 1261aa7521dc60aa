"""Rotating tokens kept in the database, so any daemon can take over any tenant.

With several daemons on one PostgreSQL database, a tenant's lease moves between them; a refresh
token kept in one machine's keyring would be rotated away under the other's feet
(``invalid_grant``). Here the grant lives in the ``tokens`` table (migration 010), sealed
with the store key every daemon reads from its own keyring (bridge/vocab/tokenseal.py), and a
refresh runs under the grant's lock across daemons (Store.token_lock):

1. take the lock; read the row (whoever stored it last);
2. if its access token is still good (another daemon refreshed while we waited), use it;
3. else commit the intent (who, since when), send the refresh token, and commit the answer
   (new refresh token, access token, expiry) before the new access token is used;
4. let go of the lock.

A daemon that dies between the vendor's answer and step 3's commit leaves the intent behind;
the next holder sees it, tries the stored token anyway (within a vendor's grace period, or if
the request never left, it still works), and if the vendor refuses it, says the refresh was
interrupted and the tenant needs a new consent (docs/connectors/dinero.md, fortnox.md).

A token found only in the keyring (stored there before, or with `secrets set`) moves into the
database on first use and the keyring copy is deleted, so exactly one copy is ever spent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import structlog

from bridge.store import Store
from bridge.vocab.connector import SecretStore
from bridge.vocab.errors import BridgeError, SecretMissing, StoreError
from bridge.vocab.rotating import (
    RotatingTokens,
    SecretsTokens,
    TokenHold,
    TokenNames,
    TokenState,
    declared,
)
from bridge.vocab.tokenseal import StoreKey, StoreKeyMissing, stored_key

log = structlog.get_logger("bridge.shared_tokens")

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _holder() -> str:
    """Who is refreshing, as the intent records it: host, process and a random tag."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class DatabaseSecrets:
    """A tenant's secret store whose rotating tokens live in the database (KeepsTokens).

    ``get`` and ``set`` go to the secret store it wraps (the keyring): client ids and secrets
    do not rotate and stay on each machine. ``key`` is the store key; None reads it from the
    keyring when a connector first asks for a rotating grant, so tenants without one (e-conomic,
    Tripletex, a Fortnox service account) never need a store key.
    """

    def __init__(
        self,
        tenant: str,
        secrets: SecretStore,
        store: Store,
        *,
        key: StoreKey | None = None,
        clock: Clock = _utc_now,
    ) -> None:
        self.tenant = tenant
        self.secrets = secrets
        self.store = store
        self._key = key
        self._clock = clock

    def get(self, name: str) -> str:
        """Return a (non-rotating) secret from the wrapped store."""
        return self.secrets.get(name)

    def set(self, name: str, value: str) -> None:
        """Store a (non-rotating) secret in the wrapped store."""
        self.secrets.set(name, value)

    def has(self, name: str, system: str) -> bool:
        """Tell whether the secret is stored: in the keyring, or (a token) in the database."""
        try:
            self.secrets.get(name)
        except SecretMissing:
            names = declared(system)
            if names is None or name not in (names.refresh, names.access, names.expires):
                return False
            return self.store.token_row(self.tenant, system) is not None
        return True

    def rotating(self, credential: str, names: TokenNames) -> RotatingTokens:
        """The tenant's grant in the database; on SQLite without a store key, in the keyring."""
        key = self._key if self._key is not None else stored_key()
        if key is None:
            if self.store.shared or self.store.token_row(self.tenant, credential) is not None:
                raise StoreKeyMissing()
            # One daemon per SQLite file: the keyring with its process lock is enough, as
            # before there was a store key.
            return SecretsTokens(self.secrets, credential, names)
        return DatabaseTokens(
            self.tenant,
            credential,
            names,
            store=self.store,
            key=key,
            legacy=self.secrets,
            clock=self._clock,
        )


class _Hold:
    """A grant while its lock is held (bridge.rotating.TokenHold)."""

    def __init__(self, owner: DatabaseTokens, state: TokenState, interrupted: str | None) -> None:
        self._owner = owner
        self.state = state
        self.interrupted = interrupted
        self.holder = _holder()

    def spending(self) -> None:
        owner = self._owner
        owner.store.intend_refresh(
            owner.tenant, owner.credential, holder=self.holder, at=owner.clock()
        )

    def rotated(self, new: TokenState) -> None:
        self._owner.write(new)
        self.state = new
        self.interrupted = None

    def refused(self) -> None:
        self._owner.store.settle_refresh(self._owner.tenant, self._owner.credential)


class DatabaseTokens:
    """One tenant's grant in the ``tokens`` table (bridge.rotating.RotatingTokens)."""

    def __init__(
        self,
        tenant: str,
        credential: str,
        names: TokenNames,
        *,
        store: Store,
        key: StoreKey,
        legacy: SecretStore,
        clock: Clock = _utc_now,
    ) -> None:
        self.tenant = tenant
        self.credential = credential
        self.names = names
        self.store = store
        self.key = key
        self.legacy = legacy
        self.clock = clock
        # What this object read or stored last: an access token another daemon got since
        # stays valid, so requests need not read the database each time.
        self.last: TokenState | None = None
        self._moved = ""  # the tag of the keyring token moved in last, as read from the row
        # The id of the key the tag was made with: the key sealing the row changes with a
        # rotation of the store key, the tag does not (resealed_payload).
        self._moved_key = ""

    def peek(self) -> TokenState:
        """The stored tokens (moving a keyring copy in first); SecretMissing when none."""
        if self.last is not None:
            return self.last
        row = self.store.token_row(self.tenant, self.credential)
        if row is None or self._in_keyring() is not None:
            with self.hold() as hold:
                return hold.state
        self.last = self._open(row.sealed, row.key_id)[0]
        return self.last

    @contextmanager
    def hold(self) -> Iterator[TokenHold]:
        """Take the grant's lock across daemons and read what is stored."""
        with self.store.token_lock(self.tenant, self.credential):
            state = self._adopt_keyring()
            row = self.store.token_row(self.tenant, self.credential)
            if row is None:
                raise SecretMissing(self.tenant, self.names.refresh)
            if state is None:
                state = self._open(row.sealed, row.key_id)[0]
            self.last = state
            interrupted = None
            if row.refreshing_by is not None and row.refreshing_since is not None:
                interrupted = (
                    f"a refresh by {row.refreshing_by} at "
                    f"{row.refreshing_since.isoformat(timespec='seconds')} was cut off before "
                    "it stored its answer"
                )
                log.warning(
                    "tokens.refresh_interrupted",
                    tenant=self.tenant,
                    credential=self.credential,
                    by=row.refreshing_by,
                    since=row.refreshing_since.isoformat(),
                )
            yield _Hold(self, state, interrupted)

    def replace(self, state: TokenState) -> None:
        """Store a new grant (a consent) in the database; the keyring copies are dropped."""
        with self.store.token_lock(self.tenant, self.credential):
            self.write(state, event="tokens.authorized", moved="")
            self._forget_keyring()

    def write(
        self, state: TokenState, *, event: str | None = None, moved: str | None = None
    ) -> None:
        """Seal and store (commit) the tokens, clearing any intent.

        ``moved`` tags the keyring token moved in last; a rotation keeps the tag it found.
        """
        if moved is not None:
            self._moved = moved
            self._moved_key = self.key.key_id if moved else ""
        payload = {
            "refresh_token": state.refresh_token,
            "access_token": state.access_token,
            "expires_at": None if state.expires_at is None else state.expires_at.isoformat(),
            "scope": state.scope,
            "moved": self._moved,
            "moved_key": self._moved_key,
        }
        sealed = self.key.seal(json.dumps(payload), self.credential)
        self.store.put_tokens(
            self.tenant,
            self.credential,
            sealed=sealed,
            key_id=self.key.key_id,
            at=self.clock(),
            event=event,
        )
        self.last = state

    # -- the move from the keyring ---------------------------------------------------------

    def _in_keyring(self) -> str | None:
        try:
            return self.legacy.get(self.names.refresh)
        except SecretMissing:
            return None

    def _adopt_keyring(self) -> TokenState | None:
        """Move a refresh token stored in the keyring into the database (under the lock).

        A keyring token is one stored since the last move (the move deletes it), i.e. a new
        grant the operator stored with `secrets set`: it replaces the database's. Should the
        delete have failed, the tag of the moved token keeps it from being moved again.
        """
        found = self._in_keyring()
        if found is None:
            return None
        row = self.store.token_row(self.tenant, self.credential)
        if row is not None:
            state, moved = self._open(row.sealed, row.key_id)
            if moved and hmac.compare_digest(moved, _tag(found, self._moved_key)):
                self._forget_keyring()
                return state
        state = SecretsTokens(self.legacy, self.credential, self.names).peek()
        self.write(state, event="tokens.moved_from_keyring", moved=_tag(found, self.key.key_id))
        log.info("tokens.moved_from_keyring", tenant=self.tenant, credential=self.credential)
        self._forget_keyring()
        return state

    def _forget_keyring(self) -> None:
        forget: Callable[[str], None] | None = getattr(self.legacy, "forget", None)
        if forget is None:
            return
        for name in (self.names.refresh, self.names.access, self.names.expires):
            if name is None:
                continue
            try:
                forget(name)
            except BridgeError as exc:  # a keyring that will not delete: the tag covers it
                log.warning("tokens.keyring_not_cleared", tenant=self.tenant, error=str(exc))

    def _open(self, sealed: str, key_id: str) -> tuple[TokenState, str]:
        where = f"tenant {self.tenant!r} ({self.credential})"
        text = self.key.open(sealed, self.credential, key_id=key_id, where=where)
        try:
            data = json.loads(text)
            expires = data.get("expires_at")
            state = TokenState(
                refresh_token=str(data["refresh_token"]),
                access_token=data.get("access_token") or None,
                expires_at=datetime.fromisoformat(expires) if expires else None,
                scope=data.get("scope") or None,
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            raise StoreError(
                f"the tokens of {where} in the database cannot be read; authorize the tenant "
                "again to store new ones"
            ) from None
        self._moved = str(data.get("moved") or "")
        # Rows written before the tag's key was recorded: the key that sealed the row made it.
        self._moved_key = str(data.get("moved_key") or key_id)
        return state, self._moved


def _tag(token: str, key_id: str) -> str:
    """A one-way tag of a keyring token, so one already moved in is never moved twice."""
    return hmac.new(key_id.encode(), token.encode(), hashlib.sha256).hexdigest()


def resealed_payload(text: str, sealed_by: str) -> str:
    """A row's opened payload as a rotation of the store key re-seals it.

    Unchanged but for the id of the key the keyring tag was made with, written down when the
    row does not name it yet (it was the key that sealed the row, ``sealed_by``), so the tag
    still recognises a moved keyring token under the new key. Text that is not our payload
    is re-sealed as it is.
    """
    try:
        data = json.loads(text)
    except ValueError:
        return text
    if not isinstance(data, dict) or not data.get("moved") or data.get("moved_key"):
        return text
    return json.dumps({**data, "moved_key": sealed_by})

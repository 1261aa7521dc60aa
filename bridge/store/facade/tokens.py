"""The Store's rotating tokens: sealed grants, their refresh lock across daemons, re-sealing."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from bridge.store import audit, db, lock, pg, tokens
from bridge.store.facade.base import StoreBase
from bridge.store.tokens import TokenRow
from bridge.vocab.errors import StoreError

# How long a refresh waits for another daemon's refresh of the same grant: longer than a token
# request may take with its retries (connectors/*/auth.py), short enough to fail the cycle
# cleanly if a holder hangs.
TOKEN_LOCK_WAIT = timedelta(seconds=90)


class Tokens(StoreBase):
    """Sealed token rows (bridge/store/tokens.py, migration 010)."""

    # rotating tokens (migration 010; bridge/engine/shared_tokens.py seals and opens them)

    @contextmanager
    def token_lock(
        self, tenant: str, credential: str, *, wait: timedelta = TOKEN_LOCK_WAIT
    ) -> Iterator[None]:
        """Hold the lock of one tenant's grant while it is refreshed, across every daemon.

        PostgreSQL: a session advisory lock on a connection of its own. A SQLite file: an
        ``flock`` on ``<db>.tokens.lock`` (one daemon per file, but a CLI command may refresh
        beside it). Either is released by the operating system or the server when its holder
        dies, so a killed daemon never blocks the next. The rows are read and written in short
        transactions while it is held, never one long transaction across the vendor's answer.
        """
        with self._lock:
            local = self._token_locks.setdefault((tenant, credential), threading.Lock())
        seconds = wait.total_seconds()
        if not local.acquire(timeout=seconds):
            raise StoreError(f"the token refresh of {tenant!r} waited over {seconds:.0f} s")
        try:
            conn = self._conn
            if isinstance(conn, pg.PgConnection):
                with pg.held(conn.url, f"tokens/{tenant}/{credential}", wait=seconds):
                    yield
            elif self._path != db.MEMORY:
                with lock.waiting(Path(f"{self._path}.tokens.lock"), wait=seconds):
                    yield
            else:
                yield
        finally:
            local.release()

    def token_row(self, tenant: str, credential: str) -> TokenRow | None:
        """The sealed tokens of a tenant's grant, None when none are stored."""
        with self._read() as conn:
            return tokens.read(conn, tenant, credential)

    def put_tokens(
        self,
        tenant: str,
        credential: str,
        *,
        sealed: str,
        key_id: str,
        at: datetime,
        event: str | None = None,
    ) -> int:
        """Store a grant's new sealed tokens (clearing any intent); return the row's version.

        ``event`` (a consent, a move from the keyring) is audited; a rotation is not, as it
        happens every hour and says nothing a person acts on.
        """
        with self._write() as conn:
            version = tokens.put(conn, tenant, credential, sealed=sealed, key_id=key_id, at=at)
            if event is not None:
                audit.write(conn, tenant, event, at, {"credential": credential, "version": version})
            return version

    def reseal_tokens(
        self, reseal: Callable[[TokenRow], tuple[str, str] | None], *, at: datetime
    ) -> int:
        """Re-seal every stored grant in one transaction; return how many rows changed.

        ``reseal`` gives a row's new sealed text and key id, or None to leave it. An error
        from it (a row no key opens) rolls every row back. Each changed row is audited.
        """
        with self._write() as conn:
            changed = 0
            for row in tokens.every(conn):
                found = reseal(row)
                if found is None:
                    continue
                sealed, key_id = found
                tokens.reseal(conn, row.tenant, row.credential, sealed=sealed, key_id=key_id)
                audit.write(
                    conn,
                    row.tenant,
                    "tokens.resealed",
                    at,
                    {"system": row.credential, "sealed_by": key_id},
                )
                changed += 1
            return changed

    def intend_refresh(self, tenant: str, credential: str, *, holder: str, at: datetime) -> None:
        """Commit that ``holder`` is about to spend the grant's refresh token."""
        with self._write() as conn:
            tokens.intend(conn, tenant, credential, holder=holder, at=at)

    def settle_refresh(self, tenant: str, credential: str) -> None:
        """Clear a refresh's intent (the vendor refused it: nothing was spent)."""
        with self._write() as conn:
            tokens.settle(conn, tenant, credential)

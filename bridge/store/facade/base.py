"""What every part of the Store stands on: one connection behind one lock, one transaction a call.

The database is a SQLite file (the default) or a PostgreSQL server (several daemons sharing
the tenants, bridge/store/pg.py); the API and the schema are the same on both. Each mutating
call is one transaction that also appends its audit row, so the audit log and the state never
disagree. Calls may come from several threads (the daemon runs tenants in a pool); they are
serialised by the store's lock.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from types import TracebackType
from typing import Self

from bridge.store import db, lock, pg, review
from bridge.vocab.errors import StoreError


class StoreBase:
    """The connection, its lock and transactions, the holds on the database, and its clock."""

    def __init__(self, conn: sqlite3.Connection | pg.PgConnection, path: str) -> None:
        self._conn: sqlite3.Connection | pg.PgConnection | None = conn
        self._path = path
        self._lock = threading.RLock()
        # What known_invoices holds per tenant, so a cycle writes only what changed.
        self._known: dict[str, set[review.Known]] = {}
        # One refresh per grant among this store's threads; daemons exclude each other in the
        # database (PostgreSQL) or by a file lock (SQLite), see token_lock.
        self._token_locks: dict[tuple[str, str], threading.Lock] = {}

    @property
    def path(self) -> str:
        """The database file (or ":memory:"); for PostgreSQL its URL, password masked."""
        return self._path

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return "postgresql" if isinstance(self._conn, pg.PgConnection) else "sqlite"

    @property
    def is_file(self) -> bool:
        """Tell whether the database is a local file (things may be kept next to it)."""
        return self.backend == "sqlite" and self._path != db.MEMORY

    @property
    def shared(self) -> bool:
        """Tell whether several daemons may share this database (by leasing tenants)."""
        return self.backend == "postgresql"

    def close(self) -> None:
        """Close the connection; later calls raise StoreError. Closing twice is harmless."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _read(self) -> Iterator[db.Connection]:
        with self._lock:
            if self._conn is None:
                raise StoreError("the store is closed")
            if isinstance(self._conn, pg.PgConnection):
                self._conn.revive()
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise StoreError(f"state database error: {exc}") from exc

    @contextmanager
    def _write(self) -> Iterator[db.Connection]:
        with self._lock:
            if self._conn is None:
                raise StoreError("the store is closed")
            if isinstance(self._conn, pg.PgConnection):
                with self._conn.transaction() as conn:
                    yield conn
            else:
                with db.transaction(self._conn) as sqlite_conn:
                    yield sqlite_conn

    @contextmanager
    def exclusive(self, owner: str, *, shared: bool = False) -> Iterator[None]:
        """Hold the database for this process, or raise StoreLocked naming the holder.

        On a file database the hold is always exclusive: one daemon per file. On PostgreSQL
        ``shared`` holders (daemons, which lease tenants among themselves) may hold it
        together, while a plain hold (a manual cycle, approvals) waits for none of them and
        keeps them all out, as the file lock does.
        """
        if isinstance(self._conn, pg.PgConnection):
            with self._lock:
                self._conn.take(owner, shared=shared)
            try:
                yield
            finally:
                with self._lock:
                    if self._conn is not None:
                        self._conn.give_back()
            return
        if self._path == db.MEMORY:
            # Nobody else can reach an in-memory database.
            yield
            return
        with lock.hold(self._path, owner):
            yield

    # the clock

    def clock(self) -> datetime:
        """The time leases are judged by: the database server's clock on PostgreSQL."""
        with self._read() as conn:
            if isinstance(conn, pg.PgConnection):
                return conn.clock()
        return datetime.now(UTC)

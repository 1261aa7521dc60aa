"""The state store on PostgreSQL (psycopg 3), shaped like the sqlite3 connection the store uses.

The store modules (outbox, runs, tenants, ...) are written once, against a connection with
``execute``/``executemany`` and ``?`` placeholders. :class:`PgConnection` offers the same on
PostgreSQL, translating each query once (bridge/store/dialect.py) and turning driver errors
into :class:`PgError` (a StoreError) so nothing above this module imports psycopg.

Writes keep SQLite's rule of one writer at a time: every write transaction starts by taking a
transaction-scoped advisory lock. The store's read-then-write steps (claim a decision unless it
is claimed, move a letter only from the state it is in) were written for ``BEGIN IMMEDIATE``
and stay correct unchanged; the partial unique indexes back them up. Store transactions last
milliseconds and vendor calls happen outside them, so one writer is not what limits a cycle.

Advisory lock keys are (purpose, schema): two installations in two schemas of one database do
not wait on each other.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bridge.store import db, dialect
from bridge.vocab.dsn import DatabaseUrl
from bridge.vocab.errors import StoreError, StoreLocked
from bridge.vocab.redact import redact_text, register_secret

if TYPE_CHECKING:
    import psycopg

# Advisory lock classes: the first key of pg_advisory_*lock(int, int). "db" + purpose.
_WRITE = 0x64620001  # one writer at a time (transaction-scoped)
_MIGRATE = 0x64620002  # one migrator at a time (transaction-scoped)
_DAEMONS = 0x64620003  # daemons share it, a CLI cycle takes it alone (session-scoped)
_TOKENS = 0x64620004  # one refresh of a tenant's grant at a time (session-scoped, own connection)
_CONNECT_TIMEOUT_S = 10
# The keyring entry (service dunning-bridge) or systemd credential holding the password when
# neither the URL nor libpq's own PGPASSWORD / ~/.pgpass provides one.
PASSWORD_OWNER, PASSWORD_NAME = "database", "password"


class PgError(StoreError):
    """A PostgreSQL error, with its SQLSTATE (``23505`` unique violation, ...)."""

    def __init__(self, detail: str, sqlstate: str | None) -> None:
        super().__init__(f"state database error: {detail}")
        self.detail = detail
        self.sqlstate = sqlstate


class PgCursor:
    """The result of one statement, read at once (sqlite3.Cursor's subset the store uses)."""

    def __init__(self, conn: PgConnection, rows: list[tuple[Any, ...]], rowcount: int) -> None:
        self._conn = conn
        self._rows = rows
        self._next = 0
        self.rowcount = rowcount

    def fetchone(self) -> Any:
        """Return the next row, None after the last."""
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchall(self) -> list[Any]:
        """Return the rows not yet fetched."""
        rest, self._next = self._rows[self._next :], len(self._rows)
        return rest

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())

    @property
    def lastrowid(self) -> int | None:
        """The id the last INSERT into a table with an identity column drew (``lastval()``)."""
        row = self._conn.execute("SELECT lastval()").fetchone()
        return None if row is None else int(row[0])


class PgConnection:
    """One psycopg connection in autocommit mode; transactions are explicit, as with SQLite."""

    def __init__(self, url: DatabaseUrl, raw: psycopg.Connection[tuple[Any, ...]]) -> None:
        self.url = url
        self._raw = raw
        self._schema_key = 0
        # Session locks taken by take(), innermost last: re-taken after a reconnect.
        self._taken: list[tuple[str, bool]] = []
        self._schema_key = self._schema()

    # -- the sqlite3.Connection subset ---------------------------------------------------------

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> PgCursor:
        """Run one statement; ``?`` placeholders as in SQLite."""
        import psycopg  # noqa: PLC0415

        # Without parameters psycopg sends the text as it is: no placeholder or % rewriting.
        query = dialect.placeholders(sql) if parameters else sql
        try:
            cur = self._raw.execute(query, tuple(parameters) or None)
            rows = cur.fetchall() if cur.description is not None else []
            return PgCursor(self, rows, cur.rowcount)
        except psycopg.Error as exc:
            raise _error(exc) from exc

    def executemany(self, sql: str, seq_of_parameters: Iterable[Sequence[Any]], /) -> PgCursor:
        """Run one statement for each parameter row."""
        import psycopg  # noqa: PLC0415

        try:
            with self._raw.cursor() as cur:
                cur.executemany(
                    dialect.placeholders(sql),
                    [tuple(p) for p in seq_of_parameters],
                )
                return PgCursor(self, [], cur.rowcount)
        except psycopg.Error as exc:
            raise _error(exc) from exc

    @property
    def in_transaction(self) -> bool:
        """Tell whether a transaction is open on the connection."""
        from psycopg.pq import TransactionStatus  # noqa: PLC0415

        return self._raw.info.transaction_status != TransactionStatus.IDLE

    def close(self) -> None:
        """Close the connection (session locks go with it)."""
        self._raw.close()

    # -- transactions and locks ----------------------------------------------------------------

    @contextmanager
    def transaction(self, purpose: int = _WRITE) -> Iterator[PgConnection]:
        """Run the block as one transaction holding the (purpose, schema) lock; errors roll back."""
        import psycopg  # noqa: PLC0415

        self.revive()
        try:
            with self._raw.transaction():
                self.execute("SELECT pg_advisory_xact_lock(?, ?)", (purpose, self._schema_key))
                yield self
        except psycopg.Error as exc:  # COMMIT itself failed
            raise _error(exc) from exc

    def revive(self) -> None:
        """Reconnect after the server dropped us (restart, failover), re-taking a held lock."""
        if not self._raw.broken and not self._raw.closed:
            return
        self._raw = _open(self.url)
        taken, self._taken = self._taken, []
        for owner, shared in taken:
            self.take(owner, shared=shared)

    def clock(self) -> datetime:
        """The database server's time: leases between machines are judged by one clock."""
        row = self.execute("SELECT clock_timestamp()").fetchone()
        value: datetime = row[0]
        return value

    def take(self, owner: str, *, shared: bool) -> None:
        """Take the daemons' session lock (shared: daemons; alone: a manual cycle), or raise."""
        function = "pg_try_advisory_lock_shared" if shared else "pg_try_advisory_lock"
        self.execute("SELECT set_config('application_name', ?, false)", (_app_name(owner),))
        row = self.execute(f"SELECT {function}(?, ?)", (_DAEMONS, self._schema_key)).fetchone()
        if not row[0]:
            raise StoreLocked(f"state database {self.url} is held by {self._holders()}")
        self._taken.append((owner, shared))

    def give_back(self) -> None:
        """Release the innermost session lock taken by :meth:`take`."""
        if not self._taken:
            return
        _, shared = self._taken.pop()
        if self._raw.broken or self._raw.closed:
            return  # the server dropped the session, and its locks with it
        function = "pg_advisory_unlock_shared" if shared else "pg_advisory_unlock"
        self.execute(f"SELECT {function}(?, ?)", (_DAEMONS, self._schema_key))
        owner = self._taken[-1][0] if self._taken else None
        self.execute("SELECT set_config('application_name', ?, false)", (_app_name(owner),))

    def _holders(self) -> str:
        rows = self.execute(
            "SELECT a.application_name, a.backend_start FROM pg_locks l"
            " JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE l.locktype = 'advisory' AND l.classid::bigint = ? AND l.objid::bigint = ?"
            " AND l.granted"
            " AND l.pid <> pg_backend_pid() ORDER BY a.backend_start",
            (_DAEMONS & 0xFFFFFFFF, self._schema_key & 0xFFFFFFFF),
        ).fetchall()
        if not rows:
            return "another process (owner unknown)"
        return ", ".join(
            f"{name.removeprefix('dunning-bridge ') or 'a client'} since "
            f"{start.isoformat(timespec='seconds')}"
            for name, start in rows
        )

    def _schema(self) -> int:
        row = self.execute("SELECT current_schema()").fetchone()
        name = row[0] if row and row[0] else "public"
        # A signed 32-bit key from the schema name, stable across processes and versions.
        return zlib.crc32(str(name).encode("utf-8")) - (1 << 31)


def _app_name(owner: str | None) -> str:
    base = "dunning-bridge"
    if owner is None:
        return base
    return f"{base} {owner} (pid {os.getpid()} on {os.uname().nodename})"[:63]


def _error(exc: Exception) -> PgError:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return PgError(redact_text(detail), getattr(exc, "sqlstate", None))


def _stored_password() -> str | None:
    """The password from a systemd credential or the keyring, unless libpq has its own."""
    if os.environ.get("PGPASSWORD") or os.environ.get("PGPASSFILE"):
        return None  # libpq reads these itself
    if (Path.home() / ".pgpass").is_file():
        return None  # and this file
    from bridge.vocab.errors import ConfigError, SecretMissing  # noqa: PLC0415
    from bridge.vocab.secrets import TenantSecrets  # noqa: PLC0415

    try:
        return TenantSecrets(PASSWORD_OWNER).get(PASSWORD_NAME)
    except (SecretMissing, ConfigError):
        return None  # trust/peer auth, or ~/.pgpass: libpq decides


def _open(url: DatabaseUrl) -> psycopg.Connection[tuple[Any, ...]]:
    try:
        import psycopg  # noqa: PLC0415
    except ImportError:
        raise StoreError(
            f"BRIDGE_DATABASE is a PostgreSQL URL ({url}), but the PostgreSQL driver is not "
            "installed: pip install 'dunning-bridge[postgres]'"
        ) from None
    extra: dict[str, Any] = {}
    if url.password is not None:
        register_secret(url.password)
    else:
        stored = _stored_password()
        if stored is not None:
            extra["password"] = stored
    try:
        raw = psycopg.connect(
            url.dsn,
            autocommit=True,
            connect_timeout=_CONNECT_TIMEOUT_S,
            application_name=_app_name(None),
            **extra,
        )
        # As SQLite's synchronous = FULL: an intended letter must be on disk before the vendor
        # is called. A server set to synchronous_commit = off would lose it in a crash, and a
        # retry could then act twice; stricter settings (remote_apply, ...) are kept.
        if raw.execute("SHOW synchronous_commit").fetchone() == ("off",):
            raw.execute("SET synchronous_commit = on")
        return raw
    except psycopg.Error as exc:
        # from None: the driver's exception may carry the connection string.
        raise StoreError(f"cannot open state database {url}: {_error(exc).detail}") from None


def connect(url: DatabaseUrl) -> PgConnection:
    """Connect to the server named by the URL."""
    return PgConnection(url, _open(url))


@contextmanager
def held(url: DatabaseUrl, name: str, *, wait: float) -> Iterator[None]:
    """Hold the lock called ``name`` (a tenant's grant) across daemons, on a connection of its own.

    A session advisory lock, so it outlives the short transactions the holder commits while it
    holds it (the intent of a refresh, then the new token), and the server drops it the moment
    the holder's connection goes: a daemon killed mid-refresh leaves no lock behind. Waits at
    most ``wait`` seconds, then raises StoreLocked.
    """
    conn = connect(url)
    try:
        key = zlib.crc32(f"{conn._schema_key}\0{name}".encode()) - (1 << 31)
        conn.execute(f"SET lock_timeout = {max(1, int(wait * 1000)):d}")
        try:
            conn.execute("SELECT pg_advisory_lock(?, ?)", (_TOKENS, key))
        except PgError as exc:
            if exc.sqlstate == "55P03":  # lock_not_available
                raise StoreLocked(
                    f"another daemon has held the lock of {name} for over {wait:.0f} s"
                ) from None
            raise
        yield
    finally:
        conn.close()  # the lock goes with the session


def schema_version(conn: PgConnection) -> int:
    """Return the schema version recorded in the database (0 before the first migration)."""
    row = conn.execute("SELECT version FROM schema_version").fetchone()
    return 0 if row is None else int(row[0])


def migrate(conn: PgConnection) -> int:
    """Bring the schema up to date, as db.migrate does for SQLite; refuse a newer database."""
    steps = db.migrations()
    latest = steps[-1].version if steps else 0
    with conn.transaction(_MIGRATE):
        # The lock makes two daemons starting at once create the version table only once.
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
        if conn.execute("SELECT 1 FROM schema_version").fetchone() is None:
            conn.execute("INSERT INTO schema_version (version) VALUES (0)")
    current = schema_version(conn)
    if current > latest:
        raise StoreError(
            f"the state database has schema version {current}, newer than this program "
            f"knows ({latest}); upgrade dunning-bridge or use another database"
        )
    for step in steps[current:]:
        try:
            with conn.transaction(_MIGRATE):
                # Another daemon may have migrated while we waited for the lock.
                if schema_version(conn) >= step.version:
                    continue
                for statement in db.statements(step.sql):
                    for sql in dialect.to_postgres(statement):
                        conn.execute(sql)
                # PostgreSQL's DDL is transactional: a failed step leaves neither its tables
                # nor its version behind.
                conn.execute("UPDATE schema_version SET version = ?", (step.version,))
        except PgError as exc:
            raise StoreError(f"migration {step.name} failed: {exc.detail}") from exc
        except StoreError as exc:
            raise StoreError(f"migration {step.name} failed: {exc}") from exc
    return latest

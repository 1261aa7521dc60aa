"""The SQLite connection: pragmas, schema migrations by ``PRAGMA user_version``, transactions.

Migrations are the numbered ``migrations/NNN_name.sql`` files shipped inside the package; file
N brings the schema from version N-1 to N, each in its own transaction.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from bridge.vocab.errors import StoreError

MEMORY = ":memory:"
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
# A writer waits this long for another connection's write to finish before failing.
_BUSY_TIMEOUT_MS = 5000


class Cursor(Protocol):
    """What the store modules read from a statement (sqlite3.Cursor, bridge.store.pg.PgCursor)."""

    @property
    def rowcount(self) -> int: ...

    @property
    def lastrowid(self) -> int | None: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """The connection the store modules write against: sqlite3's, or PostgreSQL's look-alike.

    Queries use ``?`` placeholders and the SQL both engines share (docs/store.md).
    """

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor: ...


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step: the version it produces and its SQL."""

    version: int
    name: str
    sql: str


def migrations() -> tuple[Migration, ...]:
    """Load the shipped migrations in order, checking they number 1..N without gaps."""
    folder = resources.files("bridge.store").joinpath("migrations")
    found: list[Migration] = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise StoreError(f"migration {migration.name} out of sequence: expected {expected:03d}")
    return tuple(found)


def schema_version(conn: sqlite3.Connection) -> int:
    """Return the schema version recorded in the database file."""
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def statements(sql: str) -> Iterator[str]:
    """Split a migration file into single statements (triggers included), keeping comments."""
    buffer = ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer
            buffer = ""
    if buffer.strip():
        yield buffer  # trailing comments run as a no-op; a cut-off statement fails loudly


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to date and return its version; refuse a newer database."""
    steps = migrations()
    latest = steps[-1].version if steps else 0
    current = schema_version(conn)
    if current > latest:
        raise StoreError(
            f"the state database has schema version {current}, newer than this program "
            f"knows ({latest}); upgrade dunning-bridge or use another database"
        )
    for step in steps[current:]:
        try:
            conn.execute("BEGIN IMMEDIATE")
            # Another process may have migrated while we waited for the write lock.
            if schema_version(conn) >= step.version:
                conn.execute("COMMIT")
                continue
            for statement in statements(step.sql):
                conn.execute(statement)
            # user_version is part of the transaction: a failed step leaves neither its tables
            # nor its version behind.
            conn.execute(f"PRAGMA user_version = {step.version:d}")
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StoreError(f"migration {step.name} failed: {exc}") from exc
    return latest


def connect(path: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) the database with the pragmas the store relies on."""
    target = str(path)
    if target != MEMORY:
        file = Path(target)
        file.parent.mkdir(parents=True, exist_ok=True)
        # Invoices and letters are business data: keep the file private to the service user.
        if not file.exists():
            file.touch(mode=0o600)
    try:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so nothing commits behind our
        # back; check_same_thread=False because Store serialises access with its own lock.
        conn = sqlite3.connect(
            target, isolation_level=None, check_same_thread=False, timeout=_BUSY_TIMEOUT_MS / 1000
        )
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open state database {target}: {exc}") from exc
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        if target != MEMORY:
            conn.execute("PRAGMA journal_mode = WAL")
        # FULL, not WAL's usual NORMAL: an intended letter must survive a power cut before the
        # vendor is called, or a retry could act twice.
        conn.execute("PRAGMA synchronous = FULL")
    except sqlite3.Error as exc:
        conn.close()
        raise StoreError(f"cannot use state database {target}: {exc}") from exc
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run the block as one write transaction: commit on success, roll back on any error."""
    # IMMEDIATE takes the write lock up front, so a read-then-write cannot be overtaken.
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        raise StoreError(f"cannot start a transaction: {exc}") from exc
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.Error):
            raise StoreError(f"state database error: {exc}") from exc
        raise

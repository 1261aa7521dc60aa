"""The ``tokens`` table (migration 010): sealed rotating tokens, and the intent of a refresh.

This module only moves sealed text; bridge/engine/shared_tokens.py seals, opens and locks. Rows are
keyed by (tenant, credential), where the credential names a connector's grant ("dinero").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bridge.store.codec import instant_text, parse_instant
from bridge.store.db import Connection


@dataclass(frozen=True, slots=True)
class TokenRow:
    """One stored grant, still sealed."""

    tenant: str
    credential: str
    sealed: str
    key_id: str
    version: int
    updated_at: datetime
    refreshing_by: str | None
    refreshing_since: datetime | None


_COLUMNS = (
    "SELECT tenant, credential, sealed, key_id, version, updated_at, refreshing_by,"
    " refreshing_since FROM tokens"
)


def read(conn: Connection, tenant: str, credential: str) -> TokenRow | None:
    """Return the tenant's row for the credential, None when none is stored."""
    row = conn.execute(
        f"{_COLUMNS} WHERE tenant = ? AND credential = ?", (tenant, credential)
    ).fetchone()
    return None if row is None else _row(row)


def every(conn: Connection) -> list[TokenRow]:
    """Every stored grant of every tenant, in a fixed order."""
    return [_row(r) for r in conn.execute(f"{_COLUMNS} ORDER BY tenant, credential").fetchall()]


def reseal(conn: Connection, tenant: str, credential: str, *, sealed: str, key_id: str) -> None:
    """Replace a row's sealed text with the same tokens under another key (a key rotation).

    The version, the time and any refresh intent stay: the tokens themselves did not change.
    """
    conn.execute(
        "UPDATE tokens SET sealed = ?, key_id = ? WHERE tenant = ? AND credential = ?",
        (sealed, key_id, tenant, credential),
    )


def _row(row: Any) -> TokenRow:
    return TokenRow(
        tenant=str(row[0]),
        credential=str(row[1]),
        sealed=str(row[2]),
        key_id=str(row[3]),
        version=int(row[4]),
        updated_at=parse_instant(str(row[5])),
        refreshing_by=None if row[6] is None else str(row[6]),
        refreshing_since=None if row[7] is None else parse_instant(str(row[7])),
    )


def put(
    conn: Connection, tenant: str, credential: str, *, sealed: str, key_id: str, at: datetime
) -> int:
    """Store new tokens (a rotation, a consent or a move from the keyring); clear any intent.

    Returns the row's new version.
    """
    row = conn.execute(
        "INSERT INTO tokens (tenant, credential, sealed, key_id, version, updated_at)"
        " VALUES (?, ?, ?, ?, 1, ?)"
        " ON CONFLICT (tenant, credential) DO UPDATE SET sealed = excluded.sealed,"
        " key_id = excluded.key_id, version = tokens.version + 1,"
        " updated_at = excluded.updated_at, refreshing_by = NULL, refreshing_since = NULL"
        " RETURNING version",
        (tenant, credential, sealed, key_id, instant_text(at)),
    ).fetchone()
    return int(row[0])


def intend(conn: Connection, tenant: str, credential: str, *, holder: str, at: datetime) -> None:
    """Record that ``holder`` is about to spend the stored refresh token."""
    conn.execute(
        "UPDATE tokens SET refreshing_by = ?, refreshing_since = ?"
        " WHERE tenant = ? AND credential = ?",
        (holder, instant_text(at), tenant, credential),
    )


def settle(conn: Connection, tenant: str, credential: str) -> None:
    """Clear a refresh's intent: the vendor refused it, so nothing was spent."""
    conn.execute(
        "UPDATE tokens SET refreshing_by = NULL, refreshing_since = NULL"
        " WHERE tenant = ? AND credential = ?",
        (tenant, credential),
    )

"""Tenant leases: several daemons share one database, and each tenant is worked by one at a time.

A lease is a row (tenant, holder, expires_at). It is taken in one statement that inserts the
row, or overwrites it only when it has run out or is the taker's own (``INSERT ... ON CONFLICT
DO UPDATE ... WHERE ... RETURNING``: the database decides, not a read followed by a write).
The holder renews it while its cycle runs and deletes it at the end. A daemon that dies stops
renewing; once its lease runs out another takes the tenant over, and the outbox's read-back at
the start of that cycle settles whatever the dead one left half-written, so nothing is written
twice. Times come from the database server's clock (``clock``), never the daemons' own.

Leases are coordination, not business state: taking and releasing one writes no audit row.
Taking over an expired lease does (``lease.taken_over``), because it means a daemon died or
stalled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bridge.store import audit
from bridge.store.codec import instant_text, parse_instant
from bridge.store.db import Connection
from bridge.vocab.errors import StoreError


@dataclass(frozen=True, slots=True)
class Lease:
    """Who works a tenant, and until when unless renewed."""

    tenant: str
    holder: str
    acquired_at: datetime
    renewed_at: datetime
    expires_at: datetime


def _lease(row: tuple[str, str, str, str, str]) -> Lease:
    return Lease(
        tenant=row[0],
        holder=row[1],
        acquired_at=parse_instant(row[2]),
        renewed_at=parse_instant(row[3]),
        expires_at=parse_instant(row[4]),
    )


def _check(ttl: timedelta) -> None:
    if ttl <= timedelta(0):
        raise StoreError(f"a lease must last a positive time, not {ttl}")


def acquire(
    conn: Connection, tenant: str, holder: str, *, now: datetime, ttl: timedelta
) -> Lease | None:
    """Take the tenant's lease for ``ttl``; None when another holder's lease still runs."""
    _check(ttl)
    before = conn.execute(
        "SELECT holder, expires_at FROM leases WHERE tenant = ?", (tenant,)
    ).fetchone()
    when, until = instant_text(now), instant_text(now + ttl)
    row = conn.execute(
        "INSERT INTO leases (tenant, holder, acquired_at, renewed_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (tenant) DO UPDATE SET holder = excluded.holder,"
        " acquired_at = CASE WHEN leases.holder = excluded.holder"
        " THEN leases.acquired_at ELSE excluded.acquired_at END,"
        " renewed_at = excluded.renewed_at, expires_at = excluded.expires_at"
        " WHERE leases.expires_at <= excluded.renewed_at OR leases.holder = excluded.holder"
        " RETURNING tenant, holder, acquired_at, renewed_at, expires_at",
        (tenant, holder, when, when, until),
    ).fetchone()
    if row is None:
        return None
    if before is not None and before[0] != holder:
        audit.write(
            conn,
            tenant,
            "lease.taken_over",
            now,
            {"holder": holder, "from": before[0], "expired": before[1]},
        )
    return _lease(tuple(row))


def renew(conn: Connection, tenant: str, holder: str, *, now: datetime, ttl: timedelta) -> bool:
    """Extend a lease the holder still has; False when it was lost (taken over or released)."""
    _check(ttl)
    changed = conn.execute(
        "UPDATE leases SET renewed_at = ?, expires_at = ? WHERE tenant = ? AND holder = ?",
        (instant_text(now), instant_text(now + ttl), tenant, holder),
    ).rowcount
    return bool(changed)


def release(conn: Connection, tenant: str, holder: str) -> bool:
    """Give the tenant back; False when the holder no longer had it."""
    return bool(
        conn.execute(
            "DELETE FROM leases WHERE tenant = ? AND holder = ?", (tenant, holder)
        ).rowcount
    )


def listing(conn: Connection) -> list[Lease]:
    """Return every lease row (running or run out), by tenant."""
    rows = conn.execute(
        "SELECT tenant, holder, acquired_at, renewed_at, expires_at FROM leases ORDER BY tenant"
    ).fetchall()
    return [_lease(tuple(r)) for r in rows]

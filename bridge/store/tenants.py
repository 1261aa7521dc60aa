"""What the store keeps per tenant besides letters: when it was seen, and its sync cursors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bridge.store import audit
from bridge.store.codec import instant_text, parse_instant
from bridge.store.db import Connection


@dataclass(frozen=True, slots=True)
class TenantRow:
    """A tenant a cycle has run for."""

    tenant: str
    system: str
    country: str
    first_seen: datetime
    last_seen: datetime


def touch(conn: Connection, tenant: str, system: str, country: str, at: datetime) -> None:
    """Record that a cycle ran for the tenant; audit only its first sighting or a change."""
    row = conn.execute("SELECT system, country FROM tenants WHERE tenant = ?", (tenant,)).fetchone()
    when = instant_text(at)
    if row is None:
        conn.execute(
            "INSERT INTO tenants (tenant, system, country, first_seen, last_seen)"
            " VALUES (?, ?, ?, ?, ?)",
            (tenant, system, country, when, when),
        )
        audit.write(conn, tenant, "tenant.added", at, {"system": system, "country": country})
        return
    conn.execute(
        "UPDATE tenants SET system = ?, country = ?, last_seen = ? WHERE tenant = ?",
        (system, country, when, tenant),
    )
    if tuple(row) != (system, country):
        audit.write(
            conn,
            tenant,
            "tenant.changed",
            at,
            {"system": system, "country": country, "was": {"system": row[0], "country": row[1]}},
        )


def all_tenants(conn: Connection) -> list[TenantRow]:
    """Return every tenant seen, by name."""
    rows = conn.execute(
        "SELECT tenant, system, country, first_seen, last_seen FROM tenants ORDER BY tenant"
    ).fetchall()
    return [TenantRow(r[0], r[1], r[2], parse_instant(r[3]), parse_instant(r[4])) for r in rows]


def cursor(conn: Connection, tenant: str, name: str) -> str | None:
    """Return a sync cursor, None when never set."""
    row = conn.execute(
        "SELECT value FROM cursors WHERE tenant = ? AND name = ?", (tenant, name)
    ).fetchone()
    return None if row is None else str(row[0])


def set_cursor(conn: Connection, tenant: str, name: str, value: str, at: datetime) -> None:
    """Set a sync cursor (insert or replace)."""
    conn.execute(
        "INSERT INTO cursors (tenant, name, value) VALUES (?, ?, ?)"
        " ON CONFLICT (tenant, name) DO UPDATE SET value = excluded.value",
        (tenant, name, value),
    )
    audit.write(conn, tenant, "cursor.set", at, {"name": name, "value": value})

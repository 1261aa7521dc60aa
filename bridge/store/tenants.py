"""What the store keeps per tenant besides letters: when it was seen, and its sync cursors."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bridge.store import audit
from bridge.store.codec import decode_letter, encode_letter, instant_text, parse_instant
from bridge.store.db import Connection
from bridge.vocab.errors import StoreError


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


def log_requests(conn: Connection, tenant: str, requests: int, at: datetime) -> None:
    """Record the requests one cycle sent; forget those older than two days."""
    conn.execute(
        "INSERT INTO request_log (tenant, at, requests) VALUES (?, ?, ?)",
        (tenant, instant_text(at), int(requests)),
    )
    conn.execute(
        "DELETE FROM request_log WHERE tenant = ? AND at < ?",
        (tenant, instant_text(at - timedelta(days=2))),
    )


def oldest_request_since(conn: Connection, tenant: str, since: datetime) -> datetime | None:
    """When the oldest of the tenant's cycles logged from ``since`` on ended; None if none."""
    row = conn.execute(
        "SELECT MIN(at) FROM request_log WHERE tenant = ? AND at >= ?",
        (tenant, instant_text(since)),
    ).fetchone()
    return parse_instant(str(row[0])) if row and row[0] is not None else None


def requests_since(conn: Connection, tenant: str, since: datetime) -> int:
    """The requests the tenant's cycles sent from ``since`` on."""
    row = conn.execute(
        "SELECT COALESCE(SUM(requests), 0) FROM request_log WHERE tenant = ? AND at >= ?",
        (tenant, instant_text(since)),
    ).fetchone()
    return int(row[0]) if row else 0


# Every table whose rows belong to one tenant by its `tenant` column (the schema, migrations
# 001-010). `tenants rename` moves the rows of all of them but the audit log, which is
# append-only: its rows keep the name they were written under. tests/bridge/test_rename.py
# checks this list against the schema.
HISTORY_TABLES = (
    "cursors",
    "letters",
    "decisions",
    "disputes",
    "mail",
    "handovers",
    "holds",
    "promises",
    "withdrawals",
    "tasks",
    "known_invoices",
    "request_log",
)
MOVED_TABLES = ("tenants", "runs", "leases", "tokens", *HISTORY_TABLES)
KEPT_TABLES = ("audit_log",)
# Caches of the vendor's data, dropped on a rename: the new name reads its company whole again.
DROPPED_TABLES = ("feed_snapshots",)


def has_history(conn: Connection, tenant: str) -> bool:
    """Tell whether the store keeps anything of the tenant besides its runs and audit rows."""
    return any(
        conn.execute(
            f"SELECT 1 FROM {table} WHERE tenant = ? LIMIT 1",  # noqa: S608 (table: a constant)
            (tenant,),
        ).fetchone()
        for table in HISTORY_TABLES
    )


def company_key(conn: Connection, tenant: str) -> str | None:
    """Return the company key recorded for the tenant, None when none is."""
    row = conn.execute("SELECT company_key FROM tenants WHERE tenant = ?", (tenant,)).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def bind_company(conn: Connection, tenant: str, key: str, at: datetime) -> str | None:
    """Record the company the tenant's cycle works on; return the old name it was renamed from.

    A tenant name with no history whose company is recorded under another name is that other
    tenant renamed in the env file: nothing is recorded and that name is returned, so the cycle
    stops before it dunns the company afresh. Otherwise the key is recorded (on the first cycle,
    or when the company behind the name changed) and None is returned.
    """
    known = company_key(conn, tenant)
    if known == key:
        return None
    if known is None and not has_history(conn, tenant):
        row = conn.execute(
            "SELECT tenant FROM tenants WHERE company_key = ? AND tenant <> ?"
            " ORDER BY last_seen DESC, tenant LIMIT 1",
            (key, tenant),
        ).fetchone()
        if row is not None:
            return str(row[0])
    conn.execute("UPDATE tenants SET company_key = ? WHERE tenant = ?", (key, tenant))
    audit.write(conn, tenant, "tenant.company", at, {"company_key": key, "was": known})
    return None


def rename(conn: Connection, old: str, new: str, at: datetime) -> dict[str, int]:
    """Move every row of tenant ``old`` to ``new``; return the rows moved per table.

    Refused (StoreError) when ``old`` is unknown, the names are equal, or ``new`` already has a
    history of its own. A tenants row or runs ``new`` has without history (the cycles refused as
    a rename) give way: the tenants row is replaced by the old one, the runs are kept. Leases of
    either name are dropped (the caller holds the database). The letters' stored bodies name
    the tenant too and are rewritten; their keys stay as they were.
    """
    if old == new:
        raise StoreError(f"tenant {old!r} cannot be renamed to itself")
    if conn.execute("SELECT 1 FROM tenants WHERE tenant = ?", (old,)).fetchone() is None:
        raise StoreError(f"the store knows no tenant {old!r} (see `dunning-bridge status`)")
    if has_history(conn, new):
        raise StoreError(
            f"tenant {new!r} already has a history in the store; renaming {old!r} onto it "
            "would mix two tenants' letters"
        )
    conn.execute("DELETE FROM tenants WHERE tenant = ?", (new,))
    conn.execute("DELETE FROM leases WHERE tenant IN (?, ?)", (old, new))
    # A grant stored under the new name (authorized after the rename) is the newer one.
    conn.execute(
        "DELETE FROM tokens WHERE tenant = ? AND credential IN"
        " (SELECT credential FROM tokens WHERE tenant = ?)",
        (old, new),
    )
    for table in DROPPED_TABLES:
        conn.execute(f"DELETE FROM {table} WHERE tenant IN (?, ?)", (old, new))  # noqa: S608
    bodies = conn.execute("SELECT id, body FROM letters WHERE tenant = ?", (old,)).fetchall()
    for letter_id, body in bodies:
        letter = decode_letter(str(body))
        moved = replace(
            letter,
            tenant=new,
            decisions=tuple(replace(d, tenant=new) for d in letter.decisions),
        )
        conn.execute("UPDATE letters SET body = ? WHERE id = ?", (encode_letter(moved), letter_id))
    counts: dict[str, int] = {}
    for table in MOVED_TABLES:
        if table == "leases":
            continue
        sql = f"UPDATE {table} SET tenant = ? WHERE tenant = ?"  # noqa: S608 (table: a constant)
        cur = conn.execute(sql, (new, old))
        counts[table] = cur.rowcount
    data = {"from": old, "to": new, "rows": counts}
    audit.write(conn, old, "tenant.renamed", at, data)
    audit.write(conn, new, "tenant.renamed", at, data)
    return counts

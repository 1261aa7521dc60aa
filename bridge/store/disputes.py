"""Disputes and pauses the accountant records through the CLI (e-conomic has no such field)."""

from __future__ import annotations

from datetime import date, datetime

from bridge.store import audit
from bridge.store.codec import date_text, instant_text, parse_date
from bridge.store.db import Connection
from bridge.vocab.domain import Dispute
from bridge.vocab.errors import StoreError


def set_dispute(
    conn: Connection,
    tenant: str,
    invoice_id: str,
    *,
    start: date,
    end: date | None,
    note: str,
    at: datetime,
) -> None:
    """Open a dispute period, or update the one that began on ``start`` (e.g. to end it)."""
    if end is not None and end < start:
        raise StoreError(f"dispute on invoice {invoice_id} ends ({end}) before it starts ({start})")
    conn.execute(
        "INSERT INTO disputes (tenant, invoice_id, start_date, end_date, note, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (tenant, invoice_id, start_date)"
        " DO UPDATE SET end_date = excluded.end_date, note = excluded.note,"
        " updated_at = excluded.updated_at",
        (tenant, invoice_id, date_text(start), date_text(end), note, instant_text(at)),
    )
    audit.write(
        conn,
        tenant,
        "dispute.set",
        at,
        {"invoice": invoice_id, "start": start, "end": end, "note": note},
    )


def disputes(conn: Connection, tenant: str) -> list[Dispute]:
    """Return the tenant's dispute periods by invoice and start date."""
    rows = conn.execute(
        "SELECT invoice_id, start_date, end_date FROM disputes WHERE tenant = ?"
        " ORDER BY invoice_id, start_date",
        (tenant,),
    ).fetchall()
    return [
        Dispute(invoice_id=r[0], start=date.fromisoformat(r[1]), end=parse_date(r[2])) for r in rows
    ]

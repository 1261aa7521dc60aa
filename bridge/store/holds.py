"""Holds on invoices and promises to pay, as the accountant records them through the CLI.

Both only ever grow or close: a hold is lifted (``lifted_on``), a promise withdrawn
(``ended_on``); rows are never deleted, so `explain` can show the whole timeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bridge.store import audit
from bridge.store.codec import amount_text, date_text, instant_text, parse_amount, parse_date
from bridge.store.db import Connection
from bridge.vocab.domain import Hold, Instalment, Promise
from bridge.vocab.errors import StoreError


def set_hold(
    conn: Connection,
    tenant: str,
    invoice_id: str,
    *,
    today: date,
    until: date | None,
    reason: str,
    at: datetime,
) -> Hold:
    """Put an invoice on hold from today, or change the open hold's end date and reason.

    A hold whose end date has passed is renewed from today.
    """
    if until is not None and until < today:
        raise StoreError(f"hold on invoice {invoice_id}: --until {until} is before today {today}")
    row = conn.execute(
        "SELECT id, start_date, until_date FROM holds"
        " WHERE tenant = ? AND invoice_id = ? AND lifted_on IS NULL",
        (tenant, invoice_id),
    ).fetchone()
    if row is None:
        start = today
        conn.execute(
            "INSERT INTO holds (tenant, invoice_id, start_date, until_date, reason, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                tenant,
                invoice_id,
                date_text(start),
                date_text(until),
                reason,
                *[instant_text(at)] * 2,
            ),
        )
    else:
        start = date.fromisoformat(row[1])
        expired = row[2] is not None and date.fromisoformat(row[2]) < today
        if expired:
            start = today  # the old hold ran out: this is a new one
        conn.execute(
            "UPDATE holds SET start_date = ?, until_date = ?, reason = ?, updated_at = ?"
            " WHERE id = ?",
            (date_text(start), date_text(until), reason, instant_text(at), row[0]),
        )
    audit.write(
        conn,
        tenant,
        "hold.set",
        at,
        {"invoice": invoice_id, "start": start, "until": until, "reason": reason},
    )
    return Hold(invoice_id=invoice_id, start=start, until=until, reason=reason)


def lift_hold(conn: Connection, tenant: str, invoice_id: str, *, today: date, at: datetime) -> bool:
    """Lift the open hold on an invoice from today on; False when there was none."""
    changed = conn.execute(
        "UPDATE holds SET lifted_on = ?, updated_at = ?"
        " WHERE tenant = ? AND invoice_id = ? AND lifted_on IS NULL",
        (date_text(today), instant_text(at), tenant, invoice_id),
    ).rowcount
    if changed:
        audit.write(conn, tenant, "hold.lifted", at, {"invoice": invoice_id, "lifted": today})
    return bool(changed)


def holds(conn: Connection, tenant: str) -> list[Hold]:
    """Return the tenant's holds (lifted ones too) by invoice and start date."""
    rows = conn.execute(
        "SELECT invoice_id, start_date, until_date, reason, lifted_on FROM holds"
        " WHERE tenant = ? ORDER BY invoice_id, start_date, id",
        (tenant,),
    ).fetchall()
    return [
        Hold(
            invoice_id=r[0],
            start=date.fromisoformat(r[1]),
            until=parse_date(r[2]),
            reason=r[3],
            lifted=parse_date(r[4]),
        )
        for r in rows
    ]


def add_promise(
    conn: Connection,
    tenant: str,
    *,
    customer_id: str | None,
    invoice_id: str | None,
    made_on: date,
    currency: str,
    instalments: Sequence[Instalment],
    note: str,
    at: datetime,
) -> Promise:
    """Record a promise to pay (one instalment) or a payment plan (several)."""
    if customer_id is None and invoice_id is None:
        raise StoreError("a promise covers an invoice or a customer: name one")
    if not instalments:
        raise StoreError("a promise needs at least one instalment (an amount and a date)")
    for item in instalments:
        if item.amount <= 0:
            raise StoreError(f"a promised amount must be positive, not {item.amount}")
        if item.due < made_on:
            raise StoreError(f"a promised date ({item.due}) cannot be before today ({made_on})")
    ordered = sorted(instalments, key=lambda i: i.due)
    # RETURNING rather than lastrowid: the same statement runs on PostgreSQL.
    row = conn.execute(
        "INSERT INTO promises (tenant, customer_id, invoice_id, made_on, currency, note,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            tenant,
            customer_id,
            invoice_id,
            date_text(made_on),
            currency,
            note,
            *[instant_text(at)] * 2,
        ),
    ).fetchone()
    promise_id = int(row[0])
    conn.executemany(
        "INSERT INTO promise_instalments (promise_id, position, due_date, amount)"
        " VALUES (?, ?, ?, ?)",
        [
            (promise_id, position, date_text(item.due), amount_text(item.amount))
            for position, item in enumerate(ordered, start=1)
        ],
    )
    promise = Promise(
        id=str(promise_id),
        customer_id=customer_id,
        invoice_id=invoice_id,
        made_on=made_on,
        currency=currency,
        instalments=tuple(ordered),
        note=note,
    )
    audit.write(
        conn,
        tenant,
        "promise.recorded",
        at,
        {
            "promise": promise.id,
            "customer": customer_id,
            "invoice": invoice_id,
            "currency": currency,
            "instalments": [{"due": i.due, "amount": i.amount} for i in ordered],
            "note": note,
        },
    )
    return promise


def end_promise(
    conn: Connection, tenant: str, promise_id: str, *, today: date, at: datetime
) -> bool:
    """Withdraw a promise from today on; False when no such open promise exists."""
    changed = conn.execute(
        "UPDATE promises SET ended_on = ?, updated_at = ?"
        " WHERE tenant = ? AND id = ? AND ended_on IS NULL",
        (date_text(today), instant_text(at), tenant, _number(promise_id)),
    ).rowcount
    if changed:
        audit.write(conn, tenant, "promise.ended", at, {"promise": promise_id, "ended": today})
    return bool(changed)


def promises(conn: Connection, tenant: str) -> list[Promise]:
    """Return the tenant's promises (ended ones too), oldest first, with their instalments."""
    rows = conn.execute(
        "SELECT id, customer_id, invoice_id, made_on, currency, note, ended_on FROM promises"
        " WHERE tenant = ? ORDER BY id",
        (tenant,),
    ).fetchall()
    parts: dict[int, list[Instalment]] = {}
    for promise_id, due, amount in conn.execute(
        "SELECT i.promise_id, i.due_date, i.amount FROM promise_instalments i"
        " JOIN promises p ON p.id = i.promise_id WHERE p.tenant = ?"
        " ORDER BY i.promise_id, i.position",
        (tenant,),
    ):
        parts.setdefault(promise_id, []).append(
            Instalment(due=date.fromisoformat(due), amount=parse_amount(amount))
        )
    return [
        Promise(
            id=str(r[0]),
            customer_id=r[1],
            invoice_id=r[2],
            made_on=date.fromisoformat(r[3]),
            currency=r[4],
            instalments=tuple(parts.get(r[0], ())),
            note=r[5],
            ended=parse_date(r[6]),
        )
        for r in rows
    ]


def _number(promise_id: str) -> int:
    try:
        return int(promise_id)
    except ValueError:
        raise StoreError(f"promise id {promise_id!r} is not a number") from None

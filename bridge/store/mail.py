"""E-mail the bridge sends itself, and hand-overs it delivered: claimed before acting, once.

A mail row moves ``sending -> sent | failed``; ``failed -> sending`` again on a later attempt.
A row left ``sending`` (the process died during the SMTP conversation) is never re-sent
automatically: the message may have arrived, and "never twice" outranks "surely once". Only the
accountant's word that it never arrived (:data:`RESEND_ASKED`) lets a task e-mail go again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bridge.store import audit
from bridge.store.codec import dumps, instant_text, loads, parse_instant
from bridge.store.db import Connection
from bridge.vocab.errors import StoreError
from bridge.vocab.redact import redact_text

SENDING = "sending"
SENT = "sent"
FAILED = "failed"
# The detail of a task e-mail the accountant said never arrived (``confirm --not-sent``): its
# letter stays intended and the next cycle sends it once more (bridge/engine/reconcile.py).
RESEND_ASKED = "confirmed by the accountant: not sent; sent again once by the next cycle"


@dataclass(frozen=True, slots=True)
class MailRow:
    """One e-mail as the store holds it."""

    tenant: str
    key: str
    message_id: str
    recipient: str
    subject: str
    state: str
    detail: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class HandoverRow:
    """One claim handed over to collection."""

    tenant: str
    letter_key: str
    case_id: str
    customer_id: str
    invoices: tuple[str, ...]
    channel: str
    delivered_to: str
    delivered_at: datetime


_SELECT_MAIL = (
    "SELECT tenant, mail_key, message_id, recipient, subject, state, detail, created_at,"
    " updated_at FROM mail"
)
_SELECT_HANDOVER = (
    "SELECT tenant, letter_key, case_id, customer_id, invoices, channel, delivered_to,"
    " delivered_at FROM handovers"
)


def _mail_row(r: tuple[Any, ...]) -> MailRow:
    return MailRow(
        tenant=r[0],
        key=r[1],
        message_id=r[2],
        recipient=r[3],
        subject=r[4],
        state=r[5],
        detail=r[6],
        created_at=parse_instant(r[7]),
        updated_at=parse_instant(r[8]),
    )


def find(conn: Connection, tenant: str, key: str) -> MailRow | None:
    """Return the mail row of a key, None when never claimed."""
    row = conn.execute(
        _SELECT_MAIL + " WHERE tenant = ? AND mail_key = ?", (tenant, key)
    ).fetchone()
    return None if row is None else _mail_row(row)


def claim(
    conn: Connection,
    tenant: str,
    key: str,
    *,
    message_id: str,
    recipient: str,
    subject: str,
    at: datetime,
) -> bool:
    """Claim a key for sending; False when it is already sending or sent."""
    current = find(conn, tenant, key)
    when = instant_text(at)
    if current is not None and current.state != FAILED:
        return False
    if current is None:
        conn.execute(
            "INSERT INTO mail (tenant, mail_key, message_id, recipient, subject, state, detail,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, '', ?, ?)",
            (tenant, key, message_id, recipient, subject, SENDING, when, when),
        )
    else:
        conn.execute(
            "UPDATE mail SET message_id = ?, recipient = ?, subject = ?, state = ?, detail = '',"
            " updated_at = ? WHERE tenant = ? AND mail_key = ?",
            (message_id, recipient, subject, SENDING, when, tenant, key),
        )
    audit.write(
        conn,
        tenant,
        "mail.sending",
        at,
        {"mail_key": key, "message_id": message_id, "recipient": recipient},
    )
    return True


def settle(
    conn: Connection, tenant: str, key: str, *, state: str, detail: str, at: datetime
) -> None:
    """Record how a claimed send ended: sent, or failed (nothing was accepted by the server)."""
    if state not in {SENT, FAILED}:
        raise StoreError(f"mail {key}: cannot end {state}")
    current = find(conn, tenant, key)
    if current is None or current.state != SENDING:
        raise StoreError(f"mail {key} is not being sent")
    conn.execute(
        "UPDATE mail SET state = ?, detail = ?, updated_at = ? WHERE tenant = ? AND mail_key = ?",
        (state, redact_text(detail), instant_text(at), tenant, key),
    )
    audit.write(
        conn,
        tenant,
        f"mail.{state}",
        at,
        {"mail_key": key, "message_id": current.message_id, "detail": detail},
    )


def listing(conn: Connection, tenant: str) -> list[MailRow]:
    """Return a tenant's mail, oldest first."""
    rows = conn.execute(
        _SELECT_MAIL + " WHERE tenant = ? ORDER BY created_at, mail_key", (tenant,)
    ).fetchall()
    return [_mail_row(r) for r in rows]


def _handover_row(r: tuple[Any, ...]) -> HandoverRow:
    return HandoverRow(
        tenant=r[0],
        letter_key=r[1],
        case_id=r[2],
        customer_id=r[3],
        invoices=tuple(loads(r[4])),
        channel=r[5],
        delivered_to=r[6],
        delivered_at=parse_instant(r[7]),
    )


def record_handover(conn: Connection, row: HandoverRow) -> bool:
    """Record a delivered hand-over; False (and nothing changes) when it was recorded before."""
    if find_handover(conn, row.tenant, row.letter_key) is not None:
        return False
    conn.execute(
        "INSERT INTO handovers (tenant, letter_key, case_id, customer_id, invoices, channel,"
        " delivered_to, delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            row.tenant,
            row.letter_key,
            row.case_id,
            row.customer_id,
            dumps(list(row.invoices)),
            row.channel,
            row.delivered_to,
            instant_text(row.delivered_at),
        ),
    )
    audit.write(
        conn,
        row.tenant,
        "handover.delivered",
        row.delivered_at,
        {
            "letter_key": row.letter_key,
            "case_id": row.case_id,
            "customer": row.customer_id,
            "invoices": list(row.invoices),
            "channel": row.channel,
            "delivered_to": row.delivered_to,
        },
    )
    return True


def find_handover(conn: Connection, tenant: str, letter_key: str) -> HandoverRow | None:
    """Return the hand-over recorded for a letter key, None when none."""
    row = conn.execute(
        _SELECT_HANDOVER + " WHERE tenant = ? AND letter_key = ?", (tenant, letter_key)
    ).fetchone()
    return None if row is None else _handover_row(row)


def handovers(conn: Connection, tenant: str) -> list[HandoverRow]:
    """Return a tenant's hand-overs, oldest first."""
    rows = conn.execute(
        _SELECT_HANDOVER + " WHERE tenant = ? ORDER BY delivered_at, letter_key", (tenant,)
    ).fetchall()
    return [_handover_row(r) for r in rows]

"""The review loop (migration 006): withdrawn drafts, tasks waiting in the bridge, known invoices.

A withdrawal is a side effect on the vendor, so it goes like every write: the intent is recorded
with the letter's key before the vendor is asked (``intend_withdrawal``), and the answer after
(``withdrawal_done``). A letter whose draft is gone becomes ``cancelled`` with the detail
``withdrawn by the bridge: ...``: it was never sent, so it counts for no fee and no ladder step,
and its decisions are free to be proposed again once dunning may resume.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bridge.store import audit
from bridge.store.codec import instant_text, parse_instant
from bridge.store.db import Connection
from bridge.vocab.domain import Invoice, Letter, StepStatus, WriteResult
from bridge.vocab.errors import StoreError

INTENDED = "intended"
WITHDRAWN = "withdrawn"
MARKED = "marked"
BOOKED = "booked"
OPEN = (INTENDED, MARKED)  # still to do: asked but unanswered, or refused by the system
WITHDRAWN_PREFIX = "withdrawn by the bridge"


@dataclass(frozen=True, slots=True)
class WithdrawalRow:
    """One letter the bridge set out to withdraw."""

    tenant: str
    letter_key: str
    reason: str
    state: str
    detail: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class TaskRow:
    """A task for the creditor's own people that waits in the bridge."""

    tenant: str
    letter_key: str
    customer_id: str
    action: str
    invoices: str
    subject: str
    body: str
    created_at: datetime
    done_at: datetime | None
    done_note: str


@dataclass(frozen=True, slots=True)
class KnownInvoice:
    """An invoice a cycle read: its id, the number people type, its customer and currency."""

    invoice_id: str
    number: str
    customer_id: str
    currency: str
    seen_at: datetime


# Every query that builds a WithdrawalRow starts with this; only placeholders follow it.
_SELECT_WITHDRAWALS = (
    "SELECT tenant, letter_key, reason, state, detail, created_at, updated_at FROM withdrawals"
)


def _withdrawal(row: Sequence[object]) -> WithdrawalRow:
    return WithdrawalRow(
        tenant=str(row[0]),
        letter_key=str(row[1]),
        reason=str(row[2]),
        state=str(row[3]),
        detail=str(row[4]),
        created_at=parse_instant(str(row[5])),
        updated_at=parse_instant(str(row[6])),
    )


def _letter_row(conn: Connection, letter_key: str) -> tuple[int, str, str]:
    row = conn.execute(
        "SELECT id, tenant, state FROM letters WHERE letter_key = ? ORDER BY id DESC LIMIT 1",
        (letter_key,),
    ).fetchone()
    if row is None:
        raise StoreError(f"no letter {letter_key} in the outbox")
    return int(row[0]), str(row[1]), str(row[2])


def intend_withdrawal(conn: Connection, letter_key: str, reason: str, at: datetime) -> bool:
    """Record that the bridge is about to withdraw a pending letter's draft.

    True when there is something to do: the letter is pending and its withdrawal is not yet
    done. Asking again keeps the first reason (a retry after a crash, or a second mark).
    """
    letter_id, tenant, state = _letter_row(conn, letter_key)
    if state != "pending":
        return False
    found = conn.execute(
        "SELECT state FROM withdrawals WHERE letter_id = ?", (letter_id,)
    ).fetchone()
    if found is not None:
        return str(found[0]) in OPEN
    when = instant_text(at)
    conn.execute(
        "INSERT INTO withdrawals (letter_id, tenant, letter_key, reason, state, detail,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, '', ?, ?)",
        (letter_id, tenant, letter_key, reason, INTENDED, when, when),
    )
    audit.write(
        conn, tenant, "letter.withdrawal_intended", at, {"letter_key": letter_key, "reason": reason}
    )
    return True


def withdrawal(conn: Connection, letter_key: str) -> WithdrawalRow | None:
    """The withdrawal of the letter's newest outbox row, None when none was asked for."""
    newest = conn.execute(
        "SELECT id FROM letters WHERE letter_key = ? ORDER BY id DESC LIMIT 1", (letter_key,)
    ).fetchone()
    if newest is None:
        return None
    row = conn.execute(_SELECT_WITHDRAWALS + " WHERE letter_id = ?", (newest[0],)).fetchone()
    return None if row is None else _withdrawal(row)


def withdrawals(
    conn: Connection, tenant: str | None, states: Iterable[str] | None = None
) -> list[WithdrawalRow]:
    """Withdrawals, newest first, by tenant and state."""
    sql = _SELECT_WITHDRAWALS
    where: list[str] = []
    params: list[object] = []
    if tenant is not None:
        where.append("tenant = ?")
        params.append(tenant)
    if states is not None:
        wanted = list(states)
        if not wanted:
            return []
        where.append("state IN (" + ", ".join("?" for _ in wanted) + ")")
        params.extend(wanted)
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY updated_at DESC, letter_id DESC"
    return [_withdrawal(r) for r in conn.execute(sql, params).fetchall()]


def withdrawal_done(conn: Connection, result: WriteResult, at: datetime) -> str:
    """Record the system's answer to a withdrawal; return the withdrawal's new state.

    REJECTED (the draft is gone) -> the letter is cancelled as withdrawn; ISSUED (booked before
    we got to it) -> the letter is issued; PENDING (the system would not remove it) -> marked,
    the letter stays pending and is shown as "do not book".
    """
    letter_id, tenant, state = _letter_row(conn, result.letter_key)
    found = conn.execute(
        "SELECT reason, state FROM withdrawals WHERE letter_id = ?", (letter_id,)
    ).fetchone()
    if found is None:
        raise StoreError(f"letter {result.letter_key}: no withdrawal was intended")
    reason, current = str(found[0]), str(found[1])
    if current in (WITHDRAWN, BOOKED):
        return current  # the same answer recorded twice (a retried cycle)
    when = instant_text(at)
    if result.status is StepStatus.REJECTED:
        target = WITHDRAWN
        if state == "pending":
            detail = f"{WITHDRAWN_PREFIX}: {reason}" + (
                f" ({result.detail})" if result.detail else ""
            )
            conn.execute(
                "UPDATE letters SET state = 'cancelled', detail = ?, updated_at = ? WHERE id = ?",
                (detail, when, letter_id),
            )
            conn.execute("UPDATE decisions SET active = 0 WHERE letter_id = ?", (letter_id,))
            audit.write(
                conn,
                tenant,
                "letter.withdrawn",
                at,
                {"letter_key": result.letter_key, "from": state, "detail": detail},
            )
    elif result.status is StepStatus.ISSUED:
        target = BOOKED
        if state == "pending":
            conn.execute(
                "UPDATE letters SET state = 'issued', document = ?, updated_at = ? WHERE id = ?",
                (result.document or None, when, letter_id),
            )
            audit.write(
                conn,
                tenant,
                "letter.issued",
                at,
                {"letter_key": result.letter_key, "from": state, "document": result.document},
            )
    else:
        target = MARKED
    conn.execute(
        "UPDATE withdrawals SET state = ?, detail = ?, updated_at = ? WHERE letter_id = ?",
        (target, result.detail, when, letter_id),
    )
    audit.write(
        conn,
        tenant,
        f"letter.withdrawal_{target}",
        at,
        {"letter_key": result.letter_key, "reason": reason, "detail": result.detail},
    )
    return target


# -- tasks ----------------------------------------------------------------------------------------

# Every query that builds a TaskRow starts with this; only placeholders follow it.
_SELECT_TASKS = (
    "SELECT tenant, letter_key, customer_id, action, invoices, subject, body, created_at,"
    " done_at, done_note FROM tasks"
)


def _task(row: Sequence[object]) -> TaskRow:
    return TaskRow(
        tenant=str(row[0]),
        letter_key=str(row[1]),
        customer_id=str(row[2]),
        action=str(row[3]),
        invoices=str(row[4]),
        subject=str(row[5]),
        body=str(row[6]),
        created_at=parse_instant(str(row[7])),
        done_at=parse_instant(str(row[8])) if row[8] is not None else None,
        done_note=str(row[9]),
    )


def add_task(conn: Connection, letter: Letter, subject: str, body: str, at: datetime) -> bool:
    """Put a task in the bridge's list once; False when its key is already there."""
    invoices = ", ".join(d.invoice_number for d in letter.decisions)
    cursor = conn.execute(
        "INSERT INTO tasks (tenant, letter_key, customer_id, action, invoices, subject, body,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, letter_key) DO NOTHING",
        (
            letter.tenant,
            letter.key,
            letter.customer_id,
            letter.action.value,
            invoices,
            subject,
            body,
            instant_text(at),
        ),
    )
    if cursor.rowcount == 0:
        return False
    audit.write(
        conn,
        letter.tenant,
        "task.listed",
        at,
        {"letter_key": letter.key, "action": letter.action, "invoices": invoices},
    )
    return True


def task(conn: Connection, tenant: str, letter_key: str) -> TaskRow | None:
    """The task listed under a letter key, None when none."""
    row = conn.execute(
        _SELECT_TASKS + " WHERE tenant = ? AND letter_key = ?",
        (tenant, letter_key),
    ).fetchone()
    return None if row is None else _task(row)


def tasks(conn: Connection, tenant: str | None, *, open_only: bool) -> list[TaskRow]:
    """Tasks oldest first, by tenant; only those not yet done when ``open_only``."""
    sql = _SELECT_TASKS
    where: list[str] = []
    params: list[object] = []
    if tenant is not None:
        where.append("tenant = ?")
        params.append(tenant)
    if open_only:
        where.append("done_at IS NULL")
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY created_at, letter_key"
    return [_task(r) for r in conn.execute(sql, params).fetchall()]


def task_done(conn: Connection, tenant: str, letter_key: str, note: str, at: datetime) -> bool:
    """Mark a task done; False when it was done already."""
    cursor = conn.execute(
        "UPDATE tasks SET done_at = ?, done_note = ? WHERE tenant = ? AND letter_key = ?"
        " AND done_at IS NULL",
        (instant_text(at), note, tenant, letter_key),
    )
    if cursor.rowcount == 0:
        return False
    audit.write(conn, tenant, "task.done", at, {"letter_key": letter_key, "note": note})
    return True


# -- known invoices -------------------------------------------------------------------------------


Known = tuple[str, str, str, str]  # invoice id, number, customer, currency


def remember_invoices(
    conn: Connection,
    tenant: str,
    invoices: Iterable[Invoice],
    at: datetime,
    known: set[Known] | None = None,
) -> set[Known]:
    """Record the invoices a cycle read: new ones added, changed ones updated, the rest left.

    Only the difference is written; ``known`` is what the caller remembers of the table (read
    from it when None). Returns the table's rows as they are now, for the next call.
    """
    if known is None:
        known = {
            (str(r[0]), str(r[1]), str(r[2]), str(r[3]))
            for r in conn.execute(
                "SELECT invoice_id, number, customer_id, currency FROM known_invoices"
                " WHERE tenant = ?",
                (tenant,),
            ).fetchall()
        }
    fresh = {
        row[0]: row
        for row in ((i.id, i.number, i.customer_id, i.currency) for i in invoices)
        if row not in known
    }
    if fresh:
        when = instant_text(at)
        conn.executemany(
            "INSERT INTO known_invoices (tenant, invoice_id, number, customer_id, currency,"
            " seen_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, invoice_id) DO UPDATE SET"
            " number = excluded.number, customer_id = excluded.customer_id,"
            " currency = excluded.currency, seen_at = excluded.seen_at",
            [(tenant, *row, when) for row in fresh.values()],
        )
        stale = {k for k in known if k[0] in fresh}
        known = (known - stale) | set(fresh.values())
    return known


def known_invoices(conn: Connection, tenant: str, ref: str) -> list[KnownInvoice]:
    """The invoices a reference names: its id, else every invoice with that number."""
    sql = (
        "SELECT invoice_id, number, customer_id, currency, seen_at FROM known_invoices"
        " WHERE tenant = ? AND {} = ? ORDER BY invoice_id"
    )
    for column in ("invoice_id", "number"):
        rows = conn.execute(sql.format(column), (tenant, ref)).fetchall()
        if rows:
            return [
                KnownInvoice(str(r[0]), str(r[1]), str(r[2]), str(r[3]), parse_instant(str(r[4])))
                for r in rows
            ]
    return []


def knows_customer(conn: Connection, tenant: str, customer_id: str) -> bool:
    """Tell whether any invoice read for the tenant belongs to the customer."""
    row = conn.execute(
        "SELECT 1 FROM known_invoices WHERE tenant = ? AND customer_id = ? LIMIT 1",
        (tenant, customer_id),
    ).fetchone()
    return row is not None


def invoices_seen(conn: Connection, tenant: str) -> int:
    """How many invoices the tenant's cycles have read (0: no cycle has run yet)."""
    row = conn.execute("SELECT COUNT(*) FROM known_invoices WHERE tenant = ?", (tenant,)).fetchone()
    return int(row[0])

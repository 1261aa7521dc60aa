"""The outbox: letters we mean to write back, and what became of them.

A letter moves ``intended -> pending | issued | cancelled`` and ``pending -> issued | rejected``;
a pending letter the bridge withdraws becomes ``cancelled`` too (bridge/store/review.py).
An intended letter is marked *attempted* just before its request leaves the process, and
*unconfirmed* when its read-back found nothing and a re-send would not be safe: it then waits
for the accountant (``dunning-bridge confirm``: sent -> issued, rejected -> rejected, not sent
-> cancelled) or for the next step to become due (superseded -> rejected).
While a letter is live (intended, pending or issued) its decisions are claimed: a partial unique
index lets no other live letter carry the same decision key, so nothing is ever acted on twice.
A rejected or cancelled letter releases its claims; its rows stay for history and audit.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bridge.store import audit
from bridge.store.codec import (
    amount_text,
    date_text,
    decode_letter,
    encode_letter,
    instant_text,
    parse_amount,
    parse_date,
    parse_instant,
)
from bridge.store.db import Connection
from bridge.vocab.connector import Pending
from bridge.vocab.domain import ZERO, ActionKind, Letter, StepRecord, StepStatus, WriteResult
from bridge.vocab.errors import StoreError
from bridge.vocab.redact import redact_text

INTENDED = "intended"  # about to be written; the outcome is unknown until done()
PENDING = "pending"  # a draft waits for the accountant
ISSUED = "issued"  # booked or sent: it happened
CANCELLED = "cancelled"  # never written (paid meanwhile, vendor refused, not found on read-back)
REJECTED = "rejected"  # the accountant deleted the draft

STATES = (INTENDED, PENDING, ISSUED, CANCELLED, REJECTED)
LIVE = (INTENDED, PENDING, ISSUED)
TRANSITIONS: Mapping[str, frozenset[str]] = {
    # intended -> rejected: an unconfirmed write the accountant says they deleted, or superseded.
    INTENDED: frozenset({PENDING, ISSUED, CANCELLED, REJECTED}),
    PENDING: frozenset({ISSUED, REJECTED}),
    ISSUED: frozenset(),
    CANCELLED: frozenset(),
    REJECTED: frozenset(),
}
# An intended letter counts as pending in history: its outcome is unknown, and nothing new
# may be proposed for its invoices until it is read back.
_STEP_STATUS = {
    INTENDED: StepStatus.PENDING,
    PENDING: StepStatus.PENDING,
    ISSUED: StepStatus.ISSUED,
    REJECTED: StepStatus.REJECTED,
}
# Every query that builds an OutboxLetter starts with this; only placeholders follow it.
_SELECT_LETTERS = (
    "SELECT body, text, state, document, created_at, updated_at, detail, attempted_at,"
    " unconfirmed_at FROM letters"
)


@dataclass(frozen=True, slots=True)
class OutboxLetter:
    """A letter as the outbox holds it."""

    letter: Letter
    text: str
    state: str
    document: str | None
    created_at: datetime
    updated_at: datetime
    detail: str
    # When the request was about to leave the process; None: it never left (known not sent).
    attempted_at: datetime | None = None
    # When the read-back found nothing and the accountant was asked; None: not asked.
    unconfirmed_at: datetime | None = None

    @property
    def unconfirmed(self) -> bool:
        """Tell whether the letter waits for the accountant to say whether it was sent."""
        return self.state == INTENDED and self.unconfirmed_at is not None


@dataclass(frozen=True, slots=True)
class _Current:
    id: int
    tenant: str
    state: str
    document: str | None


def _outbox_letter(row: tuple[Any, ...]) -> OutboxLetter:
    return OutboxLetter(
        letter=decode_letter(row[0]),
        text=row[1],
        state=row[2],
        document=row[3],
        created_at=parse_instant(row[4]),
        updated_at=parse_instant(row[5]),
        detail=row[6],
        attempted_at=parse_instant(row[7]) if row[7] else None,
        unconfirmed_at=parse_instant(row[8]) if row[8] else None,
    )


def _check_letter(letter: Letter) -> None:
    if not letter.decisions:
        raise StoreError(f"letter {letter.key} has no decisions")
    keys = [d.key for d in letter.decisions]
    if len(set(keys)) != len(keys):
        raise StoreError(f"letter {letter.key} carries the same decision twice")
    strangers = {d.tenant for d in letter.decisions} - {letter.tenant}
    if strangers:
        raise StoreError(f"letter {letter.key} of {letter.tenant} has decisions of {strangers}")


def intend(conn: Connection, letter: Letter, text: str, at: datetime) -> bool:
    """Claim the letter's decisions and record it as intended; False if any is already taken."""
    _check_letter(letter)
    live = conn.execute(
        "SELECT state FROM letters WHERE letter_key = ? AND state IN (?, ?, ?)",
        (letter.key, *LIVE),
    ).fetchone()
    if live is not None:
        # The same letter still intended is a retry after a crash; anything further is done.
        return bool(live[0] == INTENDED)
    for decision in letter.decisions:
        taken = conn.execute(
            "SELECT 1 FROM decisions WHERE tenant = ? AND decision_key = ? AND active = 1",
            (letter.tenant, decision.key),
        ).fetchone()
        if taken is not None:
            return False
    when = instant_text(at)
    [(letter_id,)] = conn.execute(
        "INSERT INTO letters (letter_key, tenant, customer_id, action, step, letter_date,"
        " currency, body, text, state, detail, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?) RETURNING id",
        (
            letter.key,
            letter.tenant,
            letter.customer_id,
            letter.action.value,
            letter.step,
            date_text(letter.date),
            letter.currency,
            encode_letter(letter),
            text,
            INTENDED,
            when,
            when,
        ),
    ).fetchall()
    conn.executemany(
        "INSERT INTO decisions (letter_id, position, tenant, decision_key, invoice_id, action,"
        " step, decision_date, currency, fee, interest, interest_from, interest_to,"
        " compensation, deadline, active)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
        [
            (
                letter_id,
                position,
                d.tenant,
                d.key,
                d.invoice_id,
                d.action.value,
                d.step,
                date_text(d.date),
                d.currency,
                amount_text(d.fee),
                amount_text(d.interest_amount),
                date_text(d.interest.start) if d.interest else None,
                date_text(d.interest.end) if d.interest else None,
                amount_text(d.compensation),
                date_text(d.deadline),
            )
            for position, d in enumerate(letter.decisions)
        ],
    )
    audit.write(
        conn,
        letter.tenant,
        "letter.intended",
        at,
        {
            "letter_key": letter.key,
            "customer": letter.customer_id,
            "action": letter.action,
            "step": letter.step,
            "date": letter.date,
            "currency": letter.currency,
            "total": letter.total,
            "invoices": [d.invoice_id for d in letter.decisions],
            "decisions": [d.key for d in letter.decisions],
        },
    )
    return True


def _current(conn: Connection, letter_key: str) -> _Current:
    # A key can have several rows (earlier attempts rejected or cancelled); the newest is the
    # one that counts, because a new row is only added when no live one exists.
    row = conn.execute(
        "SELECT id, tenant, state, document FROM letters WHERE letter_key = ?"
        " ORDER BY id DESC LIMIT 1",
        (letter_key,),
    ).fetchone()
    if row is None:
        raise StoreError(f"no letter {letter_key} in the outbox")
    return _Current(id=row[0], tenant=row[1], state=row[2], document=row[3])


def _move(
    conn: Connection,
    letter_key: str,
    current: _Current,
    target: str,
    at: datetime,
    *,
    document: str | None = None,
    detail: str | None = None,
) -> None:
    if target not in TRANSITIONS[current.state]:
        raise StoreError(f"letter {letter_key} cannot go from {current.state} to {target}")
    if detail is not None:
        detail = redact_text(detail)  # vendor words and reasons may echo a secret
    conn.execute(
        "UPDATE letters SET state = ?, document = COALESCE(?, document),"
        " detail = COALESCE(?, detail), updated_at = ? WHERE id = ?",
        (target, document, detail, instant_text(at), current.id),
    )
    if target not in LIVE:
        conn.execute("UPDATE decisions SET active = 0 WHERE letter_id = ?", (current.id,))
    audit.write(
        conn,
        current.tenant,
        f"letter.{target}",
        at,
        {
            "letter_key": letter_key,
            "from": current.state,
            "document": document if document is not None else current.document,
            "detail": detail,
        },
    )


def done(conn: Connection, letter_key: str, result: WriteResult, at: datetime) -> None:
    """Record what the vendor answered for an intended letter: a pending draft or issued."""
    if result.letter_key != letter_key:
        raise StoreError(f"result for {result.letter_key} recorded against {letter_key}")
    targets = {StepStatus.PENDING: PENDING, StepStatus.ISSUED: ISSUED}
    if result.status not in targets:
        raise StoreError(f"letter {letter_key}: a write cannot end {result.status.value}")
    target = targets[result.status]
    current = _current(conn, letter_key)
    if current.state == target and current.document == result.document:
        return  # the same answer recorded twice (a retried cycle): nothing changes
    _move(conn, letter_key, current, target, at, document=result.document, detail=result.detail)


def found_rejected(conn: Connection, letter_key: str, result: WriteResult, at: datetime) -> None:
    """Record an intended letter the read-back found thrown away by the accountant (a document
    the vendor keeps cancelled, Fortnox): written, then rejected. It counts for spacing, never
    for fees, and the same step is not proposed again."""
    if result.letter_key != letter_key or result.status is not StepStatus.REJECTED:
        raise StoreError(f"letter {letter_key}: {result.status.value} is not a rejection")
    current = _current(conn, letter_key)
    if current.state == REJECTED:
        return
    if current.state != INTENDED:
        raise StoreError(
            f"letter {letter_key} is {current.state}; only an intended one is read back"
        )
    detail = f"read back after an interruption: {result.detail} (thrown away by the accountant)"
    _move(conn, letter_key, current, REJECTED, at, document=result.document, detail=detail)


def cancel(conn: Connection, letter_key: str, reason: str, at: datetime) -> None:
    """Give up an intended letter before it was written; its decisions become free again."""
    current = _current(conn, letter_key)
    if current.state == CANCELLED:
        return
    _move(conn, letter_key, current, CANCELLED, at, detail=reason)


def attempt(conn: Connection, letter_key: str, at: datetime) -> None:
    """Note that the intended letter's request is about to leave the process.

    A crash before this is known not sent; after it, the outcome is unknown until read back.
    No audit entry: the letter's own intent and outcome entries frame it.
    """
    current = _current(conn, letter_key)
    if current.state != INTENDED:
        raise StoreError(f"letter {letter_key} is {current.state}; only an intended one is sent")
    conn.execute("UPDATE letters SET attempted_at = ? WHERE id = ?", (instant_text(at), current.id))


def unconfirm(conn: Connection, letter_key: str, reason: str, at: datetime) -> bool:
    """Hand an intended letter whose outcome cannot be read back to the accountant.

    The letter stays intended (its decisions claimed, its invoices held); False when it was
    already waiting (nothing changes, so every cycle can say it again without an audit entry).
    """
    current = _current(conn, letter_key)
    if current.state != INTENDED:
        raise StoreError(f"letter {letter_key} is {current.state}; only an intended one is unsure")
    row = conn.execute("SELECT unconfirmed_at FROM letters WHERE id = ?", (current.id,)).fetchone()
    if row is not None and row[0]:
        return False
    reason = redact_text(reason)
    conn.execute(
        "UPDATE letters SET unconfirmed_at = ?, detail = ?, updated_at = ? WHERE id = ?",
        (instant_text(at), reason, instant_text(at), current.id),
    )
    audit.write(
        conn, current.tenant, "letter.unconfirmed", at, {"letter_key": letter_key, "detail": reason}
    )
    return True


SENT = "sent"
REJECTED_BY_ACCOUNTANT = "rejected"
NOT_SENT = "not-sent"
VERDICTS = (SENT, REJECTED_BY_ACCOUNTANT, NOT_SENT)


def confirm(
    conn: Connection,
    letter_key: str,
    verdict: str,
    at: datetime,
    *,
    document: str | None = None,
    note: str = "",
) -> str:
    """Record the accountant's word on an unconfirmed letter; return the letter's new state.

    ``sent``: it reached the vendor or the recipient (issued); ``rejected``: it was written and
    the accountant deleted it (rejected: it counts for spacing, never for fees); ``not-sent``:
    it never arrived (cancelled: the next cycle decides it again).
    """
    if verdict not in VERDICTS:
        raise StoreError(f"unknown verdict {verdict!r}; one of {', '.join(VERDICTS)}")
    current = _current(conn, letter_key)
    row = conn.execute("SELECT unconfirmed_at FROM letters WHERE id = ?", (current.id,)).fetchone()
    if current.state != INTENDED or row is None or not row[0]:
        raise StoreError(f"letter {letter_key} is {current.state} and not waiting for confirmation")
    target = {SENT: ISSUED, REJECTED_BY_ACCOUNTANT: REJECTED, NOT_SENT: CANCELLED}[verdict]
    said = {SENT: "sent", REJECTED_BY_ACCOUNTANT: "written, then deleted", NOT_SENT: "not sent"}
    detail = f"confirmed by the accountant: {said[verdict]}" + (f" ({note})" if note else "")
    _move(conn, letter_key, current, target, at, document=document, detail=detail)
    audit.write(
        conn,
        current.tenant,
        "letter.confirmed",
        at,
        {"letter_key": letter_key, "verdict": verdict, "note": note},
    )
    return target


def retry(conn: Connection, letter_key: str, at: datetime, *, note: str = "") -> str:
    """Record the accountant's "not sent" on an unconfirmed letter that is sent again as it
    was (a task e-mail): it stays intended, its decisions claimed, no longer attempted nor
    waiting for the accountant, so the next cycle sends it once more under the same key.

    Return the letter's state (intended).
    """
    current = _current(conn, letter_key)
    row = conn.execute("SELECT unconfirmed_at FROM letters WHERE id = ?", (current.id,)).fetchone()
    if current.state != INTENDED or row is None or not row[0]:
        raise StoreError(f"letter {letter_key} is {current.state} and not waiting for confirmation")
    detail = redact_text(
        "confirmed by the accountant: not sent; sent again by the next cycle"
        + (f" ({note})" if note else "")
    )
    conn.execute(
        "UPDATE letters SET attempted_at = NULL, unconfirmed_at = NULL, detail = ?,"
        " updated_at = ? WHERE id = ?",
        (detail, instant_text(at), current.id),
    )
    audit.write(
        conn,
        current.tenant,
        "letter.confirmed",
        at,
        {"letter_key": letter_key, "verdict": NOT_SENT, "note": note, "resend": True},
    )
    return INTENDED


def supersede(conn: Connection, letter_key: str, reason: str, at: datetime) -> None:
    """Close an unconfirmed letter once the next step is due: recorded as rejected (it did not
    reach the debtor as far as anyone knows, or the accountant deleted it), so it counts for
    spacing and never for fees, and the next step proceeds."""
    current = _current(conn, letter_key)
    _move(conn, letter_key, current, REJECTED, at, detail=reason)


def unconfirmed(conn: Connection, tenant: str) -> list[OutboxLetter]:
    """Return the tenant's letters waiting for the accountant's word, oldest first."""
    rows = conn.execute(
        _SELECT_LETTERS + " WHERE tenant = ? AND state = ? AND unconfirmed_at IS NOT NULL"
        " ORDER BY id",
        (tenant, INTENDED),
    ).fetchall()
    return [_outbox_letter(r) for r in rows]


REFUSED_PREFIX = "rejected by the vendor"


def refused(conn: Connection, letter: Letter, text: str) -> str | None:
    """Return why the vendor refused this very letter today, None when it did not.

    Only the same key, day and text count: a letter that changed, or a new day, is tried again
    (the accountant may have fixed what the vendor objected to).
    """
    row = conn.execute(
        "SELECT state, detail, text, letter_date FROM letters WHERE letter_key = ?"
        " ORDER BY id DESC LIMIT 1",
        (letter.key,),
    ).fetchone()
    if row is None:
        return None
    state, detail, body, day = row
    if state != CANCELLED or not str(detail).startswith(REFUSED_PREFIX):
        return None
    if body != text or day != date_text(letter.date):
        return None
    return str(detail)


def settle(
    conn: Connection,
    letter_key: str,
    status: StepStatus,
    at: datetime,
    document: str | None,
) -> None:
    """Reconcile a pending letter: the accountant booked it (issued) or deleted it (rejected)."""
    current = _current(conn, letter_key)
    target = status.value
    if current.state == target:
        if document is not None and document != current.document:
            # Booking a draft can give it a new number (draft id -> invoice number).
            conn.execute(
                "UPDATE letters SET document = ?, updated_at = ? WHERE id = ?",
                (document, instant_text(at), current.id),
            )
            audit.write(
                conn,
                current.tenant,
                "letter.document",
                at,
                {"letter_key": letter_key, "document": document, "was": current.document},
            )
        return
    if current.state != PENDING:
        raise StoreError(
            f"letter {letter_key} is {current.state}; only a pending letter can be settled"
        )
    _move(conn, letter_key, current, target, at, document=document)


def find(conn: Connection, letter_key: str) -> OutboxLetter | None:
    """Return the newest row for a letter key, None when unknown."""
    row = conn.execute(
        _SELECT_LETTERS + " WHERE letter_key = ? ORDER BY id DESC LIMIT 1",
        (letter_key,),
    ).fetchone()
    return None if row is None else _outbox_letter(row)


def listing(
    conn: Connection,
    tenant: str | None,
    states: Collection[str] | None,
    limit: int | None,
) -> list[OutboxLetter]:
    """Return letters newest first, filtered by tenant and state."""
    where: list[str] = []
    params: list[Any] = []
    if tenant is not None:
        where.append("tenant = ?")
        params.append(tenant)
    if states is not None:
        unknown = set(states) - set(STATES)
        if unknown:
            raise StoreError(f"unknown letter states {sorted(unknown)}")
        if not states:
            return []
        where.append("state IN (" + ", ".join("?" for _ in states) + ")")
        params.extend(states)
    sql = _SELECT_LETTERS
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [_outbox_letter(r) for r in conn.execute(sql, params).fetchall()]


def unresolved(conn: Connection, tenant: str) -> list[OutboxLetter]:
    """Return the tenant's intended letters (outcome unknown), oldest first."""
    rows = conn.execute(
        _SELECT_LETTERS + " WHERE tenant = ? AND state = ? ORDER BY id",
        (tenant, INTENDED),
    ).fetchall()
    return [_outbox_letter(r) for r in rows]


def pending(conn: Connection, tenant: str) -> list[Pending]:
    """Return the tenant's drafts waiting for the accountant, oldest first."""
    rows = conn.execute(
        "SELECT letter_key, document, letter_date FROM letters"
        " WHERE tenant = ? AND state = ? ORDER BY id",
        (tenant, PENDING),
    ).fetchall()
    # The letter's date, not the instant done() ran: it is the business day the draft is for,
    # and never later than the write, so it is a safe lower bound for a vendor search.
    return [
        Pending(letter_key=r[0], document=r[1] or "", written_on=date.fromisoformat(r[2]))
        for r in rows
    ]


def history(conn: Connection, tenant: str, invoice_id: str | None) -> list[StepRecord]:
    """Return one step per decision of every letter not cancelled, by date."""
    sql = (
        "SELECT d.invoice_id, d.action, d.step, d.decision_date, l.state, d.fee, d.interest,"
        " d.interest_to, d.compensation, d.deadline, l.document"
        " FROM decisions d JOIN letters l ON l.id = d.letter_id"
        " WHERE d.tenant = ? AND l.state IN (?, ?, ?, ?)"
    )
    params: list[Any] = [tenant, *_STEP_STATUS]
    if invoice_id is not None:
        sql += " AND d.invoice_id = ?"
        params.append(invoice_id)
    sql += " ORDER BY d.decision_date, d.id"
    return [
        StepRecord(
            invoice_id=r[0],
            action=ActionKind(r[1]),
            step=r[2],
            date=date.fromisoformat(r[3]),
            status=_STEP_STATUS[r[4]],
            fee=parse_amount(r[5]),
            interest=parse_amount(r[6]) if r[6] is not None else ZERO,
            interest_to=parse_date(r[7]),
            compensation=parse_amount(r[8]),
            deadline=parse_date(r[9]),
            source="bridge",
            document=r[10],
        )
        for r in conn.execute(sql, params).fetchall()
    ]

"""Withdraw drafts that must not be booked any more: the review loop closes.

A draft waits for the accountant for days. When a dispute, hold, promise to pay or payment
comes meanwhile, booking it would send a letter on an invoice that must not be dunned. The
bridge then takes the draft back where the system allows (each connector's ``withdraw``: delete
the draft invoice, cancel the unbooked invoice, delete the reminder draft or the draft order);
where it does not, the letter stays pending and is shown everywhere as "do not book".

Withdrawing is a side effect, so it goes through the outbox like a write: the intent is stored
with the letter's key before the system is asked, the answer after; a crash in between is read
back by the key on the next cycle (a draft gone is then recorded as withdrawn). A withdrawn
letter becomes ``cancelled`` with the detail "withdrawn by the bridge: ...": it was never sent,
so it counts for no fee and no ladder step, and the step is proposed again, with a fresh
deadline, once dunning may resume.

The cycle withdraws (:func:`withdraw_pending`) before it reconciles; the commands `dispute`,
`hold` and `promise` try at once (:func:`withdraw_now`) and leave it to the next cycle when the
database is held by a running daemon or the system cannot be reached.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

import structlog

from bridge.engine.outcome import CycleOptions
from bridge.engine.tenant_session import open_tenant_session
from bridge.engine.withdrawn import DEFERRED, UNKNOWN, Withdrawn
from bridge.store import Store
from bridge.store.outbox import OutboxLetter
from bridge.store.review import OPEN
from bridge.vocab.connector import Pending, Session, Withdrawer
from bridge.vocab.domain import ZERO, ActionKind, Invoice, Letter, Snapshot, StepStatus, WriteResult
from bridge.vocab.errors import AuthError, BridgeError, ConnectorError, RejectedRequest, StoreLocked

if TYPE_CHECKING:
    from bridge.vocab.settings import Settings
    from policies.ladder import TenantPolicy
    from policies.law import LawPack

log = structlog.get_logger("bridge.engine.withdraw")

# Letters the debtor would receive once booked. Tasks and credit holds are for the creditor's
# own people and stay: calling a customer about a disputed invoice is still worth doing.
WITHDRAWABLE = frozenset(
    {
        ActionKind.PRE_DUE_NOTICE,
        ActionKind.REMINDER,
        ActionKind.COLLECTION_WARNING,
        ActionKind.HANDOVER,
        ActionKind.INTEREST_INVOICE,
    }
)
# A promise to pay pauses the ladder, not an interest invoice on an invoice already paid.
_LADDER = WITHDRAWABLE - {ActionKind.INTEREST_INVOICE}


def _withdrawn(row: OutboxLetter, reason: str, state: str, detail: str = "") -> Withdrawn:
    letter = row.letter
    return Withdrawn(
        tenant=letter.tenant,
        letter_key=letter.key,
        action=letter.action.value,
        step=letter.step,
        invoices=tuple(d.invoice_number for d in letter.decisions),
        document=row.document or "",
        reason=reason,
        state=state,
        detail=detail,
    )


# -- why a pending letter must not be booked -------------------------------------------------------


def grounds(
    letter: Letter,
    snapshot: Snapshot,
    today: date,
    *,
    law: LawPack | None = None,
    policy: TenantPolicy | None = None,
    current: Mapping[str, Invoice] | None = None,
) -> str | None:
    """Say why the pending ``letter`` must not be booked any more, None when it still may.

    A dispute or hold covering today, a promise to pay kept today (given the law and policy),
    or a payment since the letter was decided (its invoice paid, gone, or owing less).
    ``current`` is the snapshot's open invoices by id, when the caller has built it once.
    """
    if letter.action not in WITHDRAWABLE:
        return None
    if current is None:
        current = {i.id: i for i in snapshot.invoices}
    for decision in letter.decisions:
        name = f"invoice {decision.invoice_number}"
        for dispute in snapshot.disputes:
            if dispute.invoice_id == decision.invoice_id and dispute.covers(today):
                return f"{name} is disputed since {dispute.start.isoformat()}"
        for hold in snapshot.holds:
            if hold.invoice_id == decision.invoice_id and hold.covers(today):
                until = f" until {hold.until.isoformat()}" if hold.until else ""
                why = f": {hold.reason}" if hold.reason else ""
                return f"{name} is on hold since {hold.start.isoformat()}{until}{why}"
        if letter.action not in _LADDER:
            continue
        now = current.get(decision.invoice_id)
        if now is None or now.outstanding <= ZERO:
            return f"{name} is paid (no longer open in the accounting system)"
        if now.outstanding < decision.outstanding:
            return (
                f"a payment came in on {name} (outstanding {decision.outstanding} -> "
                f"{now.outstanding} {now.currency})"
            )
        kept = _kept_promise(now, snapshot, today, law, policy)
        if kept is not None:
            return f"{name}: {kept}"
    return None


def _kept_promise(
    invoice: Invoice,
    snapshot: Snapshot,
    today: date,
    law: LawPack | None,
    policy: TenantPolicy | None,
) -> str | None:
    if law is None or policy is None or not snapshot.promises:
        return None
    from policies.promises import assess, covered  # noqa: PLC0415

    applied = policy.law.apply(law)
    every = (*snapshot.invoices, *snapshot.settled)
    for promise in snapshot.promises:
        if not covered(promise, invoice):
            continue
        status = assess(
            promise,
            today,
            invoices=every,
            payments=snapshot.payments,
            law=applied,
            lenient=policy.lenient_due_date,
            grace_days=policy.promises.grace_days,
        )
        if status.pauses:
            return f"promise to pay #{promise.id} is being kept"
    return None


# -- withdrawing ----------------------------------------------------------------------------------


def withdraw_one(
    store: Store, session: Session, row: OutboxLetter, reason: str, *, at: datetime
) -> Withdrawn:
    """Withdraw one pending letter exactly once: intent, the system's answer, the record."""
    letter = row.letter
    if not store.intend_withdrawal(letter.key, reason, at=at):
        done = store.withdrawal(letter.key)
        state = done.state if done is not None else "withdrawn"
        return _withdrawn(row, reason, state, done.detail if done else "")
    item = Pending(letter.key, row.document or "", letter.date)
    if not isinstance(session, Withdrawer):
        result = WriteResult(
            letter.key,
            item.document,
            StepStatus.PENDING,
            "this accounting system offers no way to take a draft back",
        )
    else:
        try:
            result = session.withdraw(item, reason)
        except AuthError:
            raise
        except RejectedRequest as exc:
            result = WriteResult(
                letter.key, item.document, StepStatus.PENDING, f"the system refused: {exc}"
            )
        except ConnectorError as exc:
            log.warning("withdraw.unknown", tenant=letter.tenant, letter=letter.key, error=str(exc))
            return _withdrawn(row, reason, UNKNOWN, f"no answer, read back next cycle: {exc}")
    state = store.withdrawal_done(result, at=at)
    log.info("withdraw.done", tenant=letter.tenant, letter=letter.key, state=state)
    return _withdrawn(row, reason, state, result.detail)


def withdraw_pending(
    store: Store,
    session: Session,
    tenant: str,
    pending: Sequence[Pending],
    *,
    snapshot: Snapshot,
    today: date,
    at: datetime,
    law: LawPack | None = None,
    policy: TenantPolicy | None = None,
    dry_run: bool = False,
) -> tuple[list[Withdrawn], list[Pending]]:
    """The cycle's part: withdraw every pending letter that must not be booked any more.

    Also retries withdrawals asked for earlier and not yet done (a command's, or one whose
    answer was lost). Returns what happened and the pending letters left to reconcile (those
    withdrawn are not; those marked stay, so a booking is still seen).
    """
    rows = {r.letter.key: r for r in store.letters(tenant, states={"pending"})}
    asked = {w.letter_key: w for w in store.withdrawals(tenant, states=OPEN)}
    current = {i.id: i for i in snapshot.invoices}
    done: list[Withdrawn] = []
    left: list[Pending] = []
    for item in pending:
        row = rows.get(item.letter_key)
        if row is None:
            left.append(item)
            continue
        reason = grounds(row.letter, snapshot, today, law=law, policy=policy, current=current)
        if reason is None and item.letter_key in asked:
            reason = asked[item.letter_key].reason
        if reason is None:
            left.append(item)
            continue
        if dry_run:
            done.append(_withdrawn(row, reason, "would withdraw"))
            left.append(item)
            continue
        outcome = withdraw_one(store, session, row, reason, at=at)
        done.append(outcome)
        if outcome.state not in ("withdrawn", "booked"):
            left.append(item)
    return done, left


def affected(
    store: Store,
    tenant: str,
    *,
    invoice_ids: Iterable[str] = (),
    customer: str | None = None,
    currency: str | None = None,
    ladder_only: bool = False,
) -> list[OutboxLetter]:
    """The pending letters a new mark touches: any of the invoices, or the customer's in a
    currency (a customer promise). Only letters a debtor would receive."""
    wanted = set(invoice_ids)
    actions = _LADDER if ladder_only else WITHDRAWABLE
    found = []
    for row in store.letters(tenant, states={"pending"}):
        letter = row.letter
        if letter.action not in actions:
            continue
        by_invoice = any(d.invoice_id in wanted for d in letter.decisions)
        by_customer = (
            customer is not None
            and letter.customer_id == customer
            and (currency is None or letter.currency == currency)
        )
        if by_invoice or by_customer:
            found.append(row)
    return found


def withdraw_now(
    settings: Settings,
    store: Store,
    tenant: str,
    rows: Sequence[OutboxLetter],
    reason: str,
    *,
    today: date,
    at: datetime,
    say: Callable[[str], None],
) -> list[Withdrawn]:
    """The commands' part: withdraw at once when the database and the system can be had.

    The intent is stored first in any case, so the next cycle finishes what this cannot (a
    running daemon holds the database; the system is unreachable).
    """
    if not rows:
        return []
    for row in rows:
        store.intend_withdrawal(row.letter.key, reason, at=at)
    try:
        config = settings.tenant(tenant)
        with (
            store.exclusive("cli-withdraw"),
            open_tenant_session(
                store, tenant, config, CycleOptions(today=today, now=at)
            ) as session,
        ):
            results = [withdraw_one(store, session, row, reason, at=at) for row in rows]
    except StoreLocked as exc:
        say(f"the database is held ({exc}); the next cycle withdraws the draft(s)")
        return [_withdrawn(row, reason, DEFERRED) for row in rows]
    except BridgeError as exc:
        say(f"could not reach the accounting system ({exc}); the next cycle withdraws them")
        return [_withdrawn(row, reason, DEFERRED) for row in rows]
    return results

"""The review queue: letters waiting for the accountant, and approving them from the bridge.

Some systems cannot hold a reviewable reminder (Tripletex's ``:createReminder`` sends at once).
Their connectors write a proposal (a draft order) and leave the letter *pending*; this module
lists those letters (``dunning-bridge pending``) and approves them (``dunning-bridge approve``).
Approving asks the tenant's session to carry the proposal out; a session that can do so has an
``approve(Pending) -> WriteResult`` method (:class:`Approver`). Systems with real drafts are
approved in the accounting system itself (booking the draft), and say so.

Approval is safe to repeat: the session reads back before it sends, so approving a letter whose
earlier approval was cut off never sends it twice. The outbox moves to issued only once the
vendor confirmed; every approval is written to the audit log.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from bridge.store import Store
from bridge.store.outbox import OutboxLetter
from bridge.store.review import MARKED, OPEN, WithdrawalRow
from bridge.vocab.connector import Pending, Session
from bridge.vocab.domain import StepStatus, WriteResult
from bridge.vocab.errors import BridgeError


class ProposalError(BridgeError):
    """A letter cannot be approved (unknown, not pending, or the system approves it itself)."""


@runtime_checkable
class Approver(Protocol):
    """A session that can carry out a proposal the accountant approved in the bridge."""

    def approve(self, item: Pending) -> WriteResult:
        """Carry out the pending letter; return the vendor's answer (issued when done)."""
        ...


@dataclass(frozen=True, slots=True)
class Proposal:
    """One pending letter, as `dunning-bridge pending` shows it."""

    tenant: str
    key: str
    customer: str
    action: str
    step: int
    date: date
    invoices: tuple[str, ...]
    currency: str
    charges: Decimal
    document: str
    text: str
    # Set when a dispute, hold, promise or payment came after the draft was written and the
    # system would not take it back (or the answer is not in yet): do not book it.
    do_not_book: str = ""
    customer_name: str = ""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (amounts as strings with two decimals)."""
        return {
            "tenant": self.tenant,
            "key": self.key,
            "customer": self.customer,
            "customer_name": self.customer_name,
            "action": self.action,
            "step": self.step,
            "date": self.date.isoformat(),
            "invoices": list(self.invoices),
            "currency": self.currency,
            "charges": f"{self.charges:.2f}",
            "document": self.document,
            "text": self.text,
            "do_not_book": self.do_not_book,
        }


def _proposal(row: OutboxLetter, warning: str = "") -> Proposal:
    letter = row.letter
    return Proposal(
        tenant=letter.tenant,
        key=letter.key,
        customer=letter.customer_id,
        action=letter.action.value,
        step=letter.step,
        date=letter.date,
        invoices=tuple(d.invoice_number for d in letter.decisions),
        currency=letter.currency,
        charges=letter.total,
        document=row.document or "",
        text=row.text,
        do_not_book=warning,
        customer_name=letter.customer_name,
    )


def pending(store: Store, tenant: str | None = None) -> list[Proposal]:
    """Every letter waiting for the accountant, oldest first."""
    rows = store.letters(tenant, states={"pending"})
    warnings = {w.letter_key: _warning(w) for w in store.withdrawals(tenant, states=OPEN)}
    return [
        _proposal(r, warnings.get(r.letter.key, ""))
        for r in sorted(rows, key=lambda r: (r.created_at, r.letter.key))
    ]


def _warning(w: WithdrawalRow) -> str:
    if w.state == MARKED:
        return f"{w.reason}; the system did not take the draft back ({w.detail})"
    return f"{w.reason}; being withdrawn"


def resolve(store: Store, tenant: str, keys: Sequence[str]) -> list[OutboxLetter]:
    """The pending letters named by ``keys`` (a unique prefix of a key is enough)."""
    rows = store.letters(tenant, states={"pending"})
    found: list[OutboxLetter] = []
    for wanted in keys:
        hits = [r for r in rows if r.letter.key.startswith(wanted.strip())]
        if not wanted.strip() or not hits:
            raise ProposalError(f"no pending letter {wanted!r} for tenant {tenant!r}")
        if len(hits) > 1:
            raise ProposalError(f"{wanted!r} names {len(hits)} pending letters; give more of it")
        found.append(hits[0])
    return found


def approve(
    store: Store,
    session: Session,
    tenant: str,
    keys: Sequence[str],
    *,
    at: datetime,
    by: str = "cli",
) -> list[WriteResult]:
    """Carry out the named pending letters through ``session`` and record what happened.

    A letter the vendor confirms becomes issued; one it refuses stays pending and its error
    is raised after the others were tried.
    """
    if not isinstance(session, Approver):
        raise ProposalError(
            "this accounting system holds real drafts: approve by booking the draft there; "
            "the next cycle records it"
        )
    rows = resolve(store, tenant, keys)
    results: list[WriteResult] = []
    failures: list[str] = []
    for row in rows:
        asked = store.withdrawal(row.letter.key)
        if asked is not None and asked.state in OPEN:
            failures.append(f"{row.letter.key}: do not send it, {asked.reason}")
            continue
        item = Pending(row.letter.key, row.document or "", row.letter.date)
        store.audit(tenant, "letter.approved", at=at, letter=row.letter.key, by=by)
        try:
            result = session.approve(item)
        except BridgeError as exc:
            failures.append(f"{row.letter.key}: {exc}")
            continue
        if result.status is StepStatus.ISSUED:
            store.settle(result.letter_key, StepStatus.ISSUED, at=at, document=result.document)
        results.append(result)
    if failures:
        raise ProposalError("; ".join(failures))
    return results


def approve_with(
    opener: Callable[[], Session],
    store: Store,
    tenant: str,
    keys: Sequence[str],
    *,
    at: datetime,
    by: str = "cli",
) -> list[WriteResult]:
    """Open the tenant's session with ``opener``, approve, and always close it."""
    session = opener()
    try:
        return approve(store, session, tenant, keys, at=at, by=by)
    finally:
        session.close()

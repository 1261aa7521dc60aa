"""One call of ``decide()``: its inputs indexed once, and what bars an invoice today.

Holds, disputes, promises and payments are indexed per invoice and the history per claim
(``ClaimHistory``), so a large ledger stays linear; the blocks say why an invoice is left alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from operator import attrgetter, itemgetter

from bridge.vocab.domain import (
    ZERO,
    Customer,
    Dispute,
    Hold,
    Invoice,
    Payment,
    Promise,
    Snapshot,
    StepRecord,
)
from policies import text
from policies.history import ClaimHistory, StepHistory
from policies.interest import last_timely_day
from policies.ladder import TenantPolicy
from policies.law.base import LawPack, PlaceholderRate, RateUnavailable
from policies.promises import PromiseState, PromiseStatus, assess
from policies.rules import Deadline, deadline


@dataclass(frozen=True, slots=True)
class RateWait:
    """An invoice whose next step needs interest for a day without a usable reference rate.

    Only that step waits: the other invoices, fee-only letters and reconciliation go on.
    """

    invoice_id: str
    customer_id: str
    country: str
    day: date | None  # the first day without a rate
    reason: str  # what is missing, with the command that supplies it
    placeholder: bool  # a placeholder (grade U) row the policy does not allow

    @classmethod
    def of(cls, invoice: Invoice, error: RateUnavailable) -> RateWait:
        """Describe the wait from the error the law pack raised."""
        return cls(
            invoice.id,
            invoice.customer_id,
            error.country,
            error.day,
            str(error),
            isinstance(error, PlaceholderRate),
        )

    @property
    def sentence(self) -> str:
        """Say why the step waits, for the explanation and the run's summary."""
        return f"waiting for a reference rate: {self.reason}"


@dataclass(frozen=True, slots=True)
class Marks:
    """Holds and disputes per invoice, in snapshot order.

    Every invoice asks for its own; indexing them once keeps a large tenant linear instead of
    scanning every hold and dispute per invoice.
    """

    holds: Mapping[str, tuple[Hold, ...]]
    disputes: Mapping[str, tuple[Dispute, ...]]

    @classmethod
    def of(cls, snapshot: Snapshot) -> Marks:
        """Index the snapshot's holds and disputes by invoice."""
        holds: dict[str, list[Hold]] = defaultdict(list)
        for hold in snapshot.holds:
            holds[hold.invoice_id].append(hold)
        disputes: dict[str, list[Dispute]] = defaultdict(list)
        for dispute in snapshot.disputes:
            disputes[dispute.invoice_id].append(dispute)
        return cls(
            {key: tuple(value) for key, value in holds.items()},
            {key: tuple(value) for key, value in disputes.items()},
        )

    def disputed(self, invoice_id: str, today: date) -> bool:
        """Tell whether a dispute covers today."""
        return any(d.covers(today) for d in self.disputes.get(invoice_id, ()))


# Promises and invoices are matched by invoice id, or by customer and currency (``covered``).
_Scope = tuple[str | None, str]


def _scope(promise: Promise) -> _Scope | None:
    """Return the (customer, currency) a customer-wide promise covers; None for one invoice."""
    return None if promise.invoice_id is not None else (promise.customer_id, promise.currency)


@dataclass(frozen=True, slots=True)
class Promised:
    """Promise states by what they cover, so each invoice finds its own without a scan.

    Each state keeps its position among the snapshot's promises: ties between promises are
    broken by that order, as a scan would.
    """

    by_invoice: Mapping[str, tuple[tuple[int, PromiseStatus], ...]]
    by_scope: Mapping[_Scope, tuple[tuple[int, PromiseStatus], ...]]

    @classmethod
    def of(cls, statuses: Sequence[PromiseStatus]) -> Promised:
        """Index promise states by the invoice, or the customer and currency, they cover."""
        by_invoice: dict[str, list[tuple[int, PromiseStatus]]] = defaultdict(list)
        by_scope: dict[_Scope, list[tuple[int, PromiseStatus]]] = defaultdict(list)
        for position, status in enumerate(statuses):
            scope = _scope(status.promise)
            if scope is None:
                assert status.promise.invoice_id is not None
                by_invoice[status.promise.invoice_id].append((position, status))
            else:
                by_scope[scope].append((position, status))
        return cls(
            {key: tuple(value) for key, value in by_invoice.items()},
            {key: tuple(value) for key, value in by_scope.items()},
        )

    def covering(self, invoice: Invoice) -> list[PromiseStatus]:
        """Return the states of the promises that cover an invoice, in snapshot order."""
        own = self.by_invoice.get(invoice.id, ())
        shared = self.by_scope.get((invoice.customer_id, invoice.currency), ())
        found = sorted((*own, *shared), key=itemgetter(0)) if own and shared else own or shared
        return [status for _, status in found]


def _assess_all(
    snapshot: Snapshot, today: date, law: LawPack, policy: TenantPolicy
) -> tuple[PromiseStatus, ...]:
    """Judge every promise, each against only the invoices it covers and their payments.

    ``assess`` filters by ``covered`` itself; handing it the covered invoices (in snapshot
    order) and their payments (in snapshot order) gives the same answer without a scan of the
    whole ledger per promise.
    """
    if not snapshot.promises:
        return ()
    invoices = (*snapshot.invoices, *snapshot.settled)
    by_id: dict[str, list[Invoice]] = defaultdict(list)
    by_scope: dict[_Scope, list[Invoice]] = defaultdict(list)
    for invoice in invoices:
        by_id[invoice.id].append(invoice)
        by_scope[(invoice.customer_id, invoice.currency)].append(invoice)
    paid: dict[str, list[tuple[int, Payment]]] = defaultdict(list)
    for position, payment in enumerate(snapshot.payments):
        paid[payment.invoice_id].append((position, payment))
    statuses = []
    for promise in snapshot.promises:
        scope = _scope(promise)
        if scope is None:
            assert promise.invoice_id is not None
            covered_ = by_id.get(promise.invoice_id, [])
        else:
            covered_ = by_scope.get(scope, [])
        ids = {invoice.id for invoice in covered_}
        payments = sorted((p for i in ids for p in paid.get(i, ())), key=itemgetter(0))
        statuses.append(
            assess(
                promise,
                today,
                invoices=covered_,
                payments=[payment for _, payment in payments],
                law=law,
                lenient=policy.lenient_due_date,
                grace_days=policy.promises.grace_days,
            )
        )
    return tuple(statuses)


@dataclass(frozen=True, slots=True)
class Run:
    """One call of decide(): its inputs and the history index built from them."""

    today: date
    snapshot: Snapshot
    law: LawPack
    policy: TenantPolicy
    history: StepHistory
    payments: Mapping[str, tuple[Payment, ...]]  # per invoice, so large tenants stay linear
    credits: Mapping[str, Decimal]  # unapplied credit per customer
    promises: tuple[PromiseStatus, ...] = ()
    marks: Marks = Marks({}, {})
    promised: Promised = Promised({}, {})
    # Answers that depend only on the run and a value many invoices share (a due date, a
    # currency, a step's deadline), remembered for the run: a large ledger asks them per invoice.
    _timely: dict[date, date] = field(default_factory=dict)
    _minimums: dict[str, Decimal] = field(default_factory=dict)
    _deadlines: dict[tuple[int, bool], Deadline] = field(default_factory=dict)
    # Each invoice's history, answered once and read by every step of its decision.
    _claims: dict[str, ClaimHistory] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        today: date,
        snapshot: Snapshot,
        history: Sequence[StepRecord],
        law: LawPack,
        policy: TenantPolicy,
    ) -> Run:
        """Index the inputs once: payments per invoice, credit per customer, promise states."""
        law = policy.law.apply(law)  # the tenant's stricter values, if any
        payments: dict[str, list[Payment]] = defaultdict(list)
        for payment in snapshot.payments:
            payments[payment.invoice_id].append(payment)
        statuses = _assess_all(snapshot, today, law, policy)
        return cls(
            today,
            snapshot,
            law,
            policy,
            StepHistory.build(history, snapshot),
            {key: tuple(value) for key, value in payments.items()},
            unapplied_credit(snapshot),
            statuses,
            Marks.of(snapshot),
            Promised.of(statuses),
        )

    def history_of(self, invoice_id: str) -> ClaimHistory:
        """Return what already happened on one invoice, gathered once for the run."""
        known = self._claims.get(invoice_id)
        if known is None:
            known = self._claims[invoice_id] = self.history.claim(invoice_id)
        return known

    def promise_of(self, invoice: Invoice) -> PromiseStatus | None:
        """Return the promise that governs an invoice today: a kept one first, then a broken one.

        The most recent promise wins among equals, so a new promise after a broken one pauses
        dunning again.
        """
        if not self.promises:
            return None
        mine = self.promised.covering(invoice)
        for state in (PromiseState.KEPT, PromiseState.BROKEN):
            found = [s for s in mine if s.state is state]
            if found:
                return max(found, key=lambda s: (s.promise.made_on, s.promise.id))
        return None

    def timely_until(self, invoice: Invoice) -> date:
        """Return the last day payment is on time (lenient: moved off a non-banking day)."""
        known = self._timely.get(invoice.due_date)
        if known is None:
            known = last_timely_day(
                self.law, invoice.due_date, lenient=self.policy.lenient_due_date
            )
            self._timely[invoice.due_date] = known
        return known

    def disputed(self, invoice_id: str) -> bool:
        """Tell whether a dispute covers today."""
        return self.marks.disputed(invoice_id, self.today)

    def minimum_for(self, currency: str) -> Decimal:
        """Return the policy's smallest amount worth chasing in a currency."""
        known = self._minimums.get(currency)
        if known is None:
            known = self._minimums[currency] = self.policy.minimum_for(currency)
        return known

    def deadline(self, days: int, *, warning: bool = False) -> Deadline:
        """Return the payment deadline of a letter sent today that gives ``days`` to pay.

        A collection warning gets the statutory minimum at least. Every letter of the run with
        the same ``days`` gets the same deadline, so it is set once.
        """
        key = (days, warning)
        known = self._deadlines.get(key)
        if known is None:
            law = self.law
            known = self._deadlines[key] = deadline(
                law,
                today=self.today,
                days=days,
                statutory_minimum=law.collection_warning_min_days if warning else 0,
                minimum_citation=law.citations.collection_warning,
                banking_day=self.policy.deadline_on_banking_day,
                min_banking_days=law.collection_warning_min_banking_days if warning else 0,
                banking_citation=law.collection_warning_banking_citation,
            )
        return known


def unapplied_credit(snapshot: Snapshot) -> dict[str, Decimal]:
    """Return each customer's credit not yet allocated (only customers that have some).

    It is the customer's own figure plus every open credit note or overpaid invoice (a
    negative outstanding amount) in the snapshot.
    """
    credits: dict[str, Decimal] = {
        c.id: c.unapplied_credit for c in snapshot.customers.values() if c.unapplied_credit > ZERO
    }
    for invoice in snapshot.invoices:
        if invoice.outstanding < ZERO:
            credits[invoice.customer_id] = credits.get(invoice.customer_id, ZERO) - (
                invoice.outstanding
            )
    return credits


def open_and_paid(snapshot: Snapshot) -> tuple[list[Invoice], list[Invoice]]:
    """Separate open from paid invoices, each once, sorted by customer and invoice.

    A credit note (a negative amount) is neither: it is credit the customer holds.
    """
    paid: dict[str, Invoice] = {
        i.id: i for i in snapshot.invoices if i.is_paid and i.amount >= ZERO
    }
    paid.update({i.id: i for i in snapshot.settled})
    open_ = {i.id: i for i in snapshot.invoices if not i.is_paid and i.id not in paid}
    return sorted(open_.values(), key=_by_customer), sorted(paid.values(), key=_by_customer)


# Customer, then invoice id: read in C, since a large ledger sorts every invoice by it.
_by_customer = attrgetter("customer_id", "id")


def block_reason(
    snapshot: Snapshot,
    today: date,
    invoice: Invoice,
    credits: Mapping[str, Decimal],
    marks: Marks,
) -> str | None:
    """Return why an invoice must not be dunned at all today, or None."""
    customer = snapshot.customers.get(invoice.customer_id)
    if customer is None:
        return f"customer {invoice.customer_id} is not in the snapshot"
    if customer.barred:
        return "customer is barred from dunning"
    if customer.do_not_dun_reason:
        return f"do not dun: {customer.do_not_dun_reason}"
    if customer.paused_until is not None and customer.paused_until >= today:
        return f"customer paused until {customer.paused_until.isoformat()}"
    credit = credits.get(customer.id, ZERO)
    if credit > ZERO:
        return (
            f"customer has unapplied credit of {text.amount(credit, invoice.currency)} (a credit "
            "note, overpayment or prepayment not yet allocated): allocate it before dunning"
        )
    if invoice.paused_until is not None and invoice.paused_until >= today:
        return f"invoice paused until {invoice.paused_until.isoformat()}"
    for hold in marks.holds.get(invoice.id, ()):
        if hold.covers(today):
            until = f" until {hold.until.isoformat()}" if hold.until else " until lifted"
            why = f": {hold.reason}" if hold.reason else ""
            return f"on hold since {hold.start.isoformat()}{until}{why}"
    for dispute in marks.disputes.get(invoice.id, ()):
        if dispute.covers(today):
            until = f" until {dispute.end.isoformat()}" if dispute.end else ""
            return f"disputed since {dispute.start.isoformat()}{until}"
    return None


def open_reason(run: Run, invoice: Invoice) -> str | None:
    """Return why an open invoice is left alone today beyond the blocks: a promise, a minimum."""
    status = run.promise_of(invoice)
    if status is not None and status.pauses:
        return status.note
    minimum = run.minimum_for(invoice.currency)
    if invoice.outstanding < minimum:
        return (
            f"outstanding {text.amount(invoice.outstanding, invoice.currency)} is below the "
            f"minimum worth chasing, {text.amount(minimum, invoice.currency)}"
        )
    return None


def dunnable(run: Run, invoice: Invoice) -> Customer | None:
    """Return the customer when the invoice may be acted on today, else None."""
    if block_reason(run.snapshot, run.today, invoice, run.credits, run.marks) is not None:
        return None
    if run.history_of(invoice.id).pending is not None:
        return None  # the accountant has not yet decided on our last proposal
    return run.snapshot.customers[invoice.customer_id]


def describe(invoice: Invoice) -> str:
    """Name an invoice with its outstanding amount."""
    return (
        f"invoice {invoice.number} ({text.amount(invoice.outstanding, invoice.currency)} "
        f"outstanding, due {invoice.due_date.isoformat()})"
    )

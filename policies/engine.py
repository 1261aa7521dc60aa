"""``decide()``: the lawful next step per invoice, a pure function of snapshot, history and policy.

No I/O and no clock: the same input gives the same decisions in the same order. The law pack
caps what the tenant policy asks for; every amount comes with the sentence and the statute that
set it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from operator import attrgetter, itemgetter
from typing import NamedTuple

from bridge.vocab.domain import (
    ZERO,
    ActionKind,
    Customer,
    Decision,
    Dispute,
    Hold,
    InterestCharge,
    Invoice,
    Payment,
    Promise,
    Snapshot,
    StepRecord,
    StepStatus,
    idempotency_key,
    letter_key,
)
from policies import claim as claims
from policies import text
from policies.history import ClaimHistory, StepHistory, day_after
from policies.interest import PaidDown, accrue, first_interest_day, last_timely_day
from policies.ladder import TenantPolicy
from policies.law.base import LawPack, PlaceholderRate, RateUnavailable
from policies.letters import decision_order, letters
from policies.promises import PromiseState, PromiseStatus, assess
from policies.rules import (
    NO_FEE_ASKED,
    Amount,
    Deadline,
    FeeLetter,
    compensation,
    deadline,
    dispute_span,
    disputed_between,
    interest_note,
    reminder_fee,
)
from policies.steps import LADDER_ACTIONS, LETTER_ACTIONS, LadderStep

__all__ = ["RateWait", "blocked", "decide", "letters", "unapplied_credit", "why_not"]

_ACTION_WORDS = {
    ActionKind.PRE_DUE_NOTICE: "pre-due notice",
    ActionKind.REMINDER: "reminder",
    ActionKind.COLLECTION_WARNING: "collection warning",
    ActionKind.HANDOVER: "hand-over to collection",
    ActionKind.INTEREST_INVOICE: "interest invoice",
    ActionKind.CREDIT_HOLD: "credit hold",
    ActionKind.TASK: "task",
}


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


# An amount of nothing with no note: Amount is frozen, so every draft can share this one.
_NOTHING = Amount(ZERO)


@dataclass(slots=True)
class _Draft:
    """A decision before letters are formed (the fee is settled per letter).

    Slotted, with shared immutable defaults (tuples, not lists): a large ledger makes one per
    invoice, and fewer objects mean less allocation and garbage-collector work.
    """

    invoice: Invoice
    customer: Customer
    action: ActionKind
    step: int
    headline: str
    fee: Amount = _NOTHING
    interest: InterestCharge | None = None
    interest_note: str = ""
    compensation: Amount = _NOTHING
    deadline: Deadline | None = None
    timing: str = ""  # why the step is due today
    tail: tuple[str, ...] = ()  # closing remarks after the amounts
    basis: tuple[str, ...] = ()
    summary: bool = False  # list the whole claim (a § 10 warning and a hand-over must)
    accrued: InterestCharge | None = None  # interest accrued and not charged (a hand-over's)
    task: str = ""  # a task step: what to do, and for whom
    assignee: str = ""


class _Rung(NamedTuple):
    """The ladder step an invoice has reached, and the day it falls due.

    A named tuple: as immutable as a frozen dataclass, and quicker to make once per invoice.
    """

    number: int  # 1-based
    step: LadderStep
    last: StepRecord | None  # the step before it, if any
    due_on: date
    prior: StepRecord | None = None  # the letter whose deadline the step waits for


@dataclass(frozen=True, slots=True)
class _Marks:
    """Holds and disputes per invoice, in snapshot order.

    Every invoice asks for its own; indexing them once keeps a large tenant linear instead of
    scanning every hold and dispute per invoice.
    """

    holds: Mapping[str, tuple[Hold, ...]]
    disputes: Mapping[str, tuple[Dispute, ...]]

    @classmethod
    def of(cls, snapshot: Snapshot) -> _Marks:
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
class _Promised:
    """Promise states by what they cover, so each invoice finds its own without a scan.

    Each state keeps its position among the snapshot's promises: ties between promises are
    broken by that order, as a scan would.
    """

    by_invoice: Mapping[str, tuple[tuple[int, PromiseStatus], ...]]
    by_scope: Mapping[_Scope, tuple[tuple[int, PromiseStatus], ...]]

    @classmethod
    def of(cls, statuses: Sequence[PromiseStatus]) -> _Promised:
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
class _Run:
    """One call of decide(): its inputs and the history index built from them."""

    today: date
    snapshot: Snapshot
    law: LawPack
    policy: TenantPolicy
    history: StepHistory
    payments: Mapping[str, tuple[Payment, ...]]  # per invoice, so large tenants stay linear
    credits: Mapping[str, Decimal]  # unapplied credit per customer
    promises: tuple[PromiseStatus, ...] = ()
    marks: _Marks = _Marks({}, {})
    promised: _Promised = _Promised({}, {})
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
    ) -> _Run:
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
            _Marks.of(snapshot),
            _Promised.of(statuses),
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


def decide(
    today: date,
    snapshot: Snapshot,
    history: Sequence[StepRecord],
    law: LawPack,
    policy: TenantPolicy,
    *,
    waits: list[RateWait] | None = None,
) -> list[Decision]:
    """Return the next lawful step for every invoice that needs one, sorted by customer, invoice.

    ``history`` is our store's records; the vendor's own reminders in ``snapshot.steps`` are
    added here (exact duplicates are dropped, so passing them in ``history`` too is harmless).
    A step that needs interest for a day without a usable reference rate is left out and, given
    ``waits``, described there; every other invoice is decided as usual.
    """
    run = _Run.build(today, snapshot, history, law, policy)
    open_invoices, paid_invoices = _split(snapshot)
    drafts: list[_Draft] = []
    waiting = waits if waits is not None else []
    for invoice in open_invoices:
        customer = _dunnable(run, invoice)
        if customer is None or _open_reason(run, invoice) is not None:
            continue
        try:
            draft = _pre_due(run, invoice, customer) or _ladder(run, invoice, customer)
        except RateUnavailable as exc:
            waiting.append(RateWait.of(invoice, exc))
            continue
        if draft is not None:
            drafts.append(draft)
    for invoice in paid_invoices:
        customer = _dunnable(run, invoice)
        if customer is not None:
            try:
                draft = _interest_invoice(run, invoice, customer)
            except RateUnavailable as exc:
                waiting.append(RateWait.of(invoice, exc))
                continue
            if draft is not None:
                drafts.append(draft)
    drafts.extend(_credit_holds(run, open_invoices, drafts))
    return sorted(_finish(run, drafts), key=decision_order)


def blocked(
    snapshot: Snapshot,
    today: date,
    history: Sequence[StepRecord] = (),
    law: LawPack | None = None,
    policy: TenantPolicy | None = None,
) -> list[tuple[str, str]]:
    """Say why invoices get no decision today for reasons outside the ladder's timing.

    Covers unknown, barred, do-not-dun and paused customers, unapplied credit, paused, held and
    disputed invoices, and (given the history) steps still waiting for the accountant; given
    the law and the policy also kept promises and amounts below the minimum worth chasing.
    """
    index = StepHistory.build(history, snapshot)
    run = _Run.build(today, snapshot, history, law, policy) if law and policy else None
    credits = unapplied_credit(snapshot)
    marks = run.marks if run is not None else _Marks.of(snapshot)
    open_invoices, paid_invoices = _split(snapshot)
    open_ids = {i.id for i in open_invoices}
    reasons: list[tuple[str, str]] = []
    for invoice in sorted((*open_invoices, *paid_invoices), key=lambda i: i.id):
        reason = _block_reason(snapshot, today, invoice, credits, marks)
        if reason is None and run is not None and invoice.id in open_ids:
            reason = _open_reason(run, invoice)
        pending = index.claim(invoice.id).pending
        if reason is None and pending is not None:
            reason = (
                f"waiting for the accountant: {_ACTION_WORDS[pending.action]} step "
                f"{pending.step} proposed on {pending.date.isoformat()}"
            )
        if reason is not None:
            reasons.append((invoice.id, reason))
    return reasons


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


def _split(snapshot: Snapshot) -> tuple[list[Invoice], list[Invoice]]:
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


def _block_reason(
    snapshot: Snapshot,
    today: date,
    invoice: Invoice,
    credits: Mapping[str, Decimal],
    marks: _Marks,
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


def _open_reason(run: _Run, invoice: Invoice) -> str | None:
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


def _dunnable(run: _Run, invoice: Invoice) -> Customer | None:
    """Return the customer when the invoice may be acted on today, else None."""
    if _block_reason(run.snapshot, run.today, invoice, run.credits, run.marks) is not None:
        return None
    if run.history_of(invoice.id).pending is not None:
        return None  # the accountant has not yet decided on our last proposal
    return run.snapshot.customers[invoice.customer_id]


def _describe(invoice: Invoice) -> str:
    """Name an invoice with its outstanding amount."""
    return (
        f"invoice {invoice.number} ({text.amount(invoice.outstanding, invoice.currency)} "
        f"outstanding, due {invoice.due_date.isoformat()})"
    )


def _pre_due(run: _Run, invoice: Invoice, customer: Customer) -> _Draft | None:
    """Propose the optional friendly notice in the days before the due date."""
    notice = run.policy.pre_due_notice
    if not notice.enabled:
        return None
    opens = invoice.due_date - timedelta(days=notice.days_before_due)
    if not opens <= run.today <= invoice.due_date:
        return None
    if run.history_of(invoice.id).records:
        return None  # sent, rejected, or the invoice is already on the ladder
    left = (invoice.due_date - run.today).days
    when = "today" if left == 0 else f"in {text.days(left)}"
    return _Draft(
        invoice=invoice,
        customer=customer,
        action=ActionKind.PRE_DUE_NOTICE,
        step=0,
        headline=f"Pre-due notice for {_describe(invoice)}: it falls due {when}.",
        fee=Amount(ZERO, "No fee: no fee is ever charged before the due date."),
        deadline=Deadline(
            invoice.due_date,
            f"Payment deadline {invoice.due_date.isoformat()} (the invoice's own due date).",
        ),
        basis=(run.law.citations.pre_due_notice,),
    )


def _next_rung(run: _Run, invoice: Invoice) -> _Rung | None:
    """Return the ladder step an invoice reaches next and the day it falls due (None: done)."""
    last = run.history_of(invoice.id).last_ladder_step
    number = last.step + 1 if last is not None else 1
    if last is not None and _is_renewal(run, last):
        number = last.step  # a renewed warning stands in for the hand-over: that still follows
    if not 1 <= number <= len(run.policy.steps):
        return None
    step = run.policy.steps[number - 1]
    base = last.date if last is not None else invoice.due_date
    due_on = base + _days(step.days)
    prior = _deadline_setter(run, invoice, last)
    if _waits_for_deadline(step) and prior is not None and prior.deadline is not None:
        due_on = max(due_on, prior.deadline + timedelta(days=1))
    return _Rung(number, step, last, due_on, prior)


def _waits_for_deadline(step: LadderStep) -> bool:
    """Tell whether a step waits until the day after the previous letter's deadline.

    Every letter and hand-over does: a letter that says "pay by 10 February" is not followed by
    a new fee, warning or agency before that day has passed. A task is exempt unless the policy
    asks (``after_deadline``): it goes to the creditor's own people and asks nothing of the
    debtor, so a call while the deadline runs is no new demand.
    """
    return step.action != ActionKind.TASK or step.after_deadline


def _is_renewal(run: _Run, record: StepRecord) -> bool:
    """Tell whether a record is a collection warning renewed in the hand-over's place.

    After a dispute, a warning whose deadline ran during it is sent again with a new deadline
    before any hand-over (docs/holds.md); it takes the hand-over's step number, and the
    hand-over follows under the same number.
    """
    steps = run.policy.steps
    return (
        record.action == ActionKind.COLLECTION_WARNING
        and 1 <= record.step <= len(steps)
        and steps[record.step - 1].action == ActionKind.HANDOVER
    )


@lru_cache(maxsize=256)
def _days(count: int) -> timedelta:
    """Return a span of whole days: a ladder has a few, and making one each time is slower."""
    return timedelta(days=count)


def _deadline_setter(run: _Run, invoice: Invoice, last: StepRecord | None) -> StepRecord | None:
    """Return the step whose deadline the next step waits for: the last step, or the last
    letter before it when the last step was a task (a task sets no payment deadline)."""
    if last is None or last.action != ActionKind.TASK:
        return last
    return run.history_of(invoice.id).last_letter


def _ladder(run: _Run, invoice: Invoice, customer: Customer) -> _Draft | None:
    """Propose the next ladder step when it is due; never skip one (catch-up goes one by one)."""
    rung = _next_rung(run, invoice)
    # Never before the customer is late: under the lenient reading a due date on a non-banking
    # day leaves the next banking day for payment.
    if rung is None or run.today < rung.due_on or run.today <= run.timely_until(invoice):
        return None
    if rung.step.action == ActionKind.HANDOVER:
        draft = _handover(run, invoice, customer, rung)
    elif rung.step.action == ActionKind.TASK:
        draft = _task_step(run, invoice, customer, rung)
    else:
        draft = _letter_step(run, invoice, customer, rung)
    status = run.promise_of(invoice)
    if draft is not None and status is not None and status.state is PromiseState.BROKEN:
        draft.timing = f"{draft.timing} {status.note}".strip()
    return draft


def _timing(run: _Run, rung: _Rung) -> str:
    """Say why the step is due today."""
    last, days = rung.last, rung.step.days
    if last is None:
        since = f"{text.days(days)} after the due date"
    else:
        rejected = ", which the accountant rejected" if last.status == StepStatus.REJECTED else ""
        since = f"{text.days(days)} after step {last.step} on {last.date.isoformat()}{rejected}"
        prior = rung.prior
        if _waits_for_deadline(rung.step) and prior is not None and prior.deadline is not None:
            named = "its" if prior is last else f"step {prior.step}'s"
            since += f", and after {named} deadline {prior.deadline.isoformat()}"
    sentence = f"Step {rung.number} is due from {rung.due_on.isoformat()} ({since})."
    if run.today > rung.due_on:
        sentence += " Proposed late; the ladder moves one step at a time."
    return sentence


def _letter_step(run: _Run, invoice: Invoice, customer: Customer, rung: _Rung) -> _Draft:
    """Build a reminder or collection warning with its fee, interest, compensation, deadline."""
    law, today, step = run.law, run.today, rung.step
    overdue = (today - invoice.due_date).days
    is_warning = step.action == ActionKind.COLLECTION_WARNING
    # A warning after an issued warning (Norway's betalingsoppfordring) has its own rule.
    final = (
        is_warning
        and bool(law.citations.final_warning)
        and _issued_warning(run, invoice) is not None
    )
    if final:
        basis = law.citations.final_warning
    else:
        basis = law.citations.collection_warning if is_warning else law.citations.reminder
    draft = _Draft(
        invoice=invoice,
        customer=customer,
        action=step.action,
        step=rung.number,
        headline=(
            f"Step {rung.number} '{step.name}' ({_ACTION_WORDS[step.action]}) for "
            f"{_describe(invoice)}, {text.days(overdue)} overdue."
        ),
        timing=_timing(run, rung),
        summary=is_warning,
        basis=(basis,),
    )
    draft.fee = _reminder_fee(run, invoice, customer, step)
    if step.interest:
        _charge_interest(run, draft, end=today)
    else:
        draft.interest_note = "No interest on this step (the step asks for none)."
    past = run.history_of(invoice.id)
    charged = past.compensation_charged
    # The statutory compensation matters only to a step that claims it, or after one did.
    claims = step.compensation or charged is not None
    rule = law.compensation_rule(invoice.due_date) if claims else None
    if step.compensation:
        draft.compensation = compensation(
            law,
            today=today,
            invoice=invoice,
            customer=customer,
            charged_on=charged.date if charged else None,
            fees_charged=past.charged.fees,
            due_date=run.timely_until(invoice),
            foreign=run.policy.compensation,
        )
        if draft.compensation.value > ZERO and rule and not rule.stacks_with_fees:
            how = "covers" if rule.relation == "offset" else "replaces"
            draft.fee = Amount(ZERO, f"No fee: the compensation {how} reminder fees.")
    if charged is not None and rule and not rule.stacks_with_fees and draft.fee.value > ZERO:
        # Fees count against a compensation already charged, which covers them.
        draft.fee = Amount(
            ZERO,
            f"No fee: the flat compensation charged on {charged.date.isoformat()} covers "
            f"reminder fees on this claim ({rule.citation.split(' (', 1)[0]}).",
            (rule.citation,),
        )
    assert step.deadline_days is not None  # the policy sets one on every letter
    draft.deadline = run.deadline(step.deadline_days, warning=is_warning)
    notice = law.final_warning_notice if final else law.collection_warning_notice
    if is_warning and notice:
        draft.tail += (notice,)
    return draft


def _reminder_fee(run: _Run, invoice: Invoice, customer: Customer, step: LadderStep) -> Amount:
    """Cap the step's fee by the statute, given the claim's earlier letters and disputes."""
    if step.fee <= ZERO:
        # The step asks for none: the answer reads no history, so skip gathering it (most
        # first reminders carry no fee, and a large ledger asks once per invoice).
        return NO_FEE_ASKED
    past = run.history_of(invoice.id)
    last_letter, fee_records = past.last_letter, past.fee_records
    return reminder_fee(
        run.law,
        today=run.today,
        invoice=invoice,
        customer=customer,
        requested=step.fee,
        fee_dates=[r.date for r in fee_records],
        disputed=run.disputed(invoice.id),
        action=step.action,
        fee_letters=[FeeLetter.of(r) for r in fee_records],
        last_letter=last_letter.date if last_letter else None,
        due_date=run.timely_until(invoice),
        # Only a law with a further fee after a warning (Norway) asks for the warning.
        warned=_issued_warning(run, invoice) if run.law.has_final_fee else None,
        disputes=run.marks.disputes.get(invoice.id, ()),
        latest=FeeLetter.of(last_letter) if last_letter else None,
    )


def _issued_warning(run: _Run, invoice: Invoice) -> FeeLetter | None:
    """The latest issued collection warning on the claim, where a fee rule asks for one."""
    warning = run.history_of(invoice.id).warning
    return FeeLetter.of(warning) if warning is not None else None


_TASK_WORDS = {"call": "call the customer", "tell_salesperson": "tell the account's salesperson"}


def _task_step(run: _Run, invoice: Invoice, customer: Customer, rung: _Rung) -> _Draft:
    """Build a task for the creditor's own people: no letter to the debtor, no amounts."""
    step = rung.step
    overdue = (run.today - invoice.due_date).days
    what = _TASK_WORDS.get(step.task, f"'{step.task}'")
    who = {"salesperson": "the account's salesperson", "tasks": "the tenant's task recipient"}
    return _Draft(
        invoice=invoice,
        customer=customer,
        action=ActionKind.TASK,
        step=rung.number,
        headline=(
            f"Step {rung.number} '{step.name}' (task: {what}, for "
            f"{who.get(step.assignee, step.assignee)}) for {_describe(invoice)}, "
            f"{text.days(overdue)} overdue."
        ),
        timing=_timing(run, rung),
        fee=Amount(ZERO, "No charges: a task goes to the creditor's own people, not the debtor."),
        interest_note=(
            "No interest charged on a task: interest keeps running and the next letter charges it."
        ),
        basis=(run.law.citations.task,),
        task=step.task,
        assignee=step.assignee,
    )


def _charge_interest(run: _Run, draft: _Draft, *, end: date) -> None:
    """Charge interest from the day after the last charged day (or the first interest day)."""
    law, invoice = run.law, draft.invoice
    first = first_interest_day(law, invoice.due_date, lenient=run.policy.lenient_due_date)
    through = run.history_of(invoice.id).interest_through
    start = max(first, day_after(through)) if through is not None else first
    if start > end:
        if through is not None and through >= first:
            draft.interest_note = f"No interest: interest is charged through {through.isoformat()}."
        else:
            draft.interest_note = f"No interest yet: interest runs from {first.isoformat()}."
        return
    charge = accrue(
        law,
        due_date=invoice.due_date,
        kind=draft.customer.kind,
        start=start,
        end=end,
        principal=_principal(run, invoice),
        day_count=run.policy.day_count,
    )
    if charge is None or charge.amount <= ZERO:
        draft.interest_note = (
            f"No interest: the interest for {text.period(start, end)} rounds to "
            f"{text.amount(ZERO, invoice.currency)}."
        )
        return
    note = interest_note(
        law, charge, currency=invoice.currency, due_date=invoice.due_date, kind=draft.customer.kind
    )
    if start == first and first != day_after(invoice.due_date):
        note += (
            f" The due date {invoice.due_date.isoformat()} was not a banking day, so payment on "
            f"the next banking day was on time and interest starts on {first.isoformat()}."
        )
    draft.interest = charge
    draft.interest_note = note
    draft.basis += (
        law.citations.interest_start,
        law.surcharge(invoice.due_date, draft.customer.kind).citation,
    )


def _handover(run: _Run, invoice: Invoice, customer: Customer, rung: _Rung) -> _Draft | None:
    """Hand over only after an issued § 10 warning whose deadline has passed."""
    law, today, number, step = run.law, run.today, rung.number, rung.step
    warning = run.history_of(invoice.id).warning
    if warning is None:
        return None
    expiry = warning.deadline or law.next_banking_day(
        warning.date + timedelta(days=law.collection_warning_min_days)
    )
    if today <= expiry:
        return None
    ran = disputed_between(warning.date, expiry, run.marks.disputes.get(invoice.id, ()))
    if ran is not None:
        # No hand-over on the strength of a deadline that ran during a dispute (law.md § 1.5,
        # § 2.5): the debtor gets a new deadline first. Once renewed, a second spoiled deadline
        # is left to a person (why_not says so).
        if _is_renewal(run, warning) or (rung.last is not None and _is_renewal(run, rung.last)):
            return None
        return _renewed_warning(
            run, invoice, customer, rung, warning=warning, expiry=expiry, ran=ran
        )
    draft = _Draft(
        invoice=invoice,
        customer=customer,
        action=ActionKind.HANDOVER,
        step=number,
        headline=(
            f"Step {number} '{step.name}' (hand-over to collection) for {_describe(invoice)}: "
            f"the collection warning of {warning.date.isoformat()} set a deadline of "
            f"{expiry.isoformat()}, which passed without payment."
        ),
        fee=Amount(ZERO, "No fee and no interest charge: the agency claims its own costs."),
        basis=(law.citations.handover, law.citations.collection_warning),
        summary=True,
    )
    through = run.history_of(invoice.id).interest_through
    first = first_interest_day(law, invoice.due_date, lenient=run.policy.lenient_due_date)
    start = max(first, day_after(through)) if through is not None else first
    accrued = accrue(
        law,
        due_date=invoice.due_date,
        kind=customer.kind,
        start=start,
        end=today,
        principal=_principal(run, invoice),
        day_count=run.policy.day_count,
    )
    draft.accrued = accrued
    if accrued is not None:
        draft.tail += (
            f"Interest accrued and not yet charged: {_accrued_periods(accrued, invoice.currency)}; "
            f"it keeps running until payment.",
        )
    return draft


def _renewed_warning(
    run: _Run,
    invoice: Invoice,
    customer: Customer,
    rung: _Rung,
    *,
    warning: StepRecord,
    expiry: date,
    ran: Dispute,
) -> _Draft:
    """Send the collection warning again with a new deadline, in the hand-over's place.

    The warning's own ladder step sets its wording, interest and deadline; it carries no fee
    (it renews a letter already sent, it is no new step of the ladder).
    """
    steps = run.policy.steps
    own = steps[warning.step - 1] if 1 <= warning.step <= len(steps) else None
    if own is None or own.action != ActionKind.COLLECTION_WARNING:
        own = next(s for s in reversed(steps) if s.action == ActionKind.COLLECTION_WARNING)
    draft = _letter_step(run, invoice, customer, rung._replace(step=own))
    overdue = (run.today - invoice.due_date).days
    draft.headline = (
        f"Step {rung.number} '{own.name}' (collection warning, renewed) for {_describe(invoice)}, "
        f"{text.days(overdue)} overdue: the collection warning of {warning.date.isoformat()} "
        f"set a deadline of {expiry.isoformat()}, which ran while the claim was disputed "
        f"({dispute_span(ran, bare=True)}); a hand-over needs a deadline that passed "
        "undisputed, so the debtor gets a new deadline first."
    )
    draft.fee = Amount(
        ZERO,
        f"No fee: this renews the collection warning of {warning.date.isoformat()} with a new "
        "deadline; it is not a new step of the ladder.",
    )
    draft.basis += (run.law.citations.handover,)
    return draft


def _accrued_periods(accrued: InterestCharge, currency: str) -> str:
    """Name the interest not yet charged period by period: principal, days and rate of each."""
    parts = [
        f"{text.amount(p.principal, currency)} for {text.period(p.start, p.end)} "
        f"({text.days(p.days)}) at {text.percent(p.rate)}"
        for p in accrued.periods
    ]
    total = text.amount(accrued.amount, currency)
    if len(parts) == 1:
        return f"{total} on {parts[0]}"
    return f"{total} for {text.period(accrued.start, accrued.end)}, by period: {'; '.join(parts)}"


def _interest_invoice(run: _Run, invoice: Invoice, customer: Customer) -> _Draft | None:
    """After a late payment in full, invoice the interest not yet charged (above the minimum)."""
    law, today, settings = run.law, run.today, run.policy.interest_invoice
    if not settings.enabled:
        return None
    past = run.history_of(invoice.id)
    if past.interest_rejected:
        return None  # the accountant declined to charge this interest
    if past.handed_over:
        return None  # the collection agency claims the interest now
    own = [p.date for p in run.payments.get(invoice.id, ())]
    paid_on = invoice.paid_date or (max(own) if own else None)
    if paid_on is None or paid_on > today:
        return None
    # Interest runs through the payment day: days late = payment date - due date
    # (docs/law.md "Interest through the payment date").
    end = paid_on
    draft = _Draft(
        invoice=invoice,
        customer=customer,
        action=ActionKind.INTEREST_INVOICE,
        step=past.interest_invoices + 1,
        headline="",
        fee=Amount(ZERO, "No fee on an interest invoice."),
    )
    _charge_interest(run, draft, end=end)
    if draft.interest is None:
        return None
    if settings.compensation:
        charged = past.compensation_charged
        draft.compensation = compensation(
            law,
            today=today,
            invoice=invoice,
            customer=customer,
            charged_on=charged.date if charged else None,
            fees_charged=past.charged.fees,
            due_date=run.timely_until(invoice),
            foreign=run.policy.compensation,
        )
    total = draft.interest.amount + draft.compensation.value
    if total < settings.minimum:
        return None
    late = (paid_on - invoice.due_date).days
    draft.headline = (
        f"Interest invoice {draft.step} for invoice {invoice.number} "
        f"(due {invoice.due_date.isoformat()}): paid in full on {paid_on.isoformat()}, "
        f"{text.days(late)} after the due date; "
        f"{text.amount(total, invoice.currency)} is at least the policy minimum "
        f"{text.amount(settings.minimum, invoice.currency)}."
    )
    draft.deadline = run.deadline(settings.deadline_days)
    return draft


def _credit_holds(
    run: _Run, open_invoices: Sequence[Invoice], drafts: Sequence[_Draft]
) -> list[_Draft]:
    """Propose one credit hold per customer with an invoice at the tenant's chosen step.

    The step is ``credit_hold.after_step`` (default: the ladder's collection warning), issued
    or proposed today; proposed once per customer, whatever the accountant did with it.
    """
    if not run.policy.credit_hold.enabled:
        return []
    trigger = run.policy.credit_hold.trigger(run.policy.steps)
    reached_today = {
        d.invoice.id: d.step for d in drafts if d.action in LADDER_ACTIONS and d.step >= trigger
    }
    holds: list[_Draft] = []
    done: set[str] = set()
    # Each customer's open invoices in order, for the exposure: one pass, not one per customer.
    owned: dict[str, list[Invoice]] = defaultdict(list)
    for invoice in open_invoices:
        owned[invoice.customer_id].append(invoice)
    for invoice in open_invoices:
        customer_id = invoice.customer_id
        if customer_id in done or _dunnable(run, invoice) is None:
            continue
        if _open_reason(run, invoice) is not None:
            continue  # a kept promise, or too little to chase
        reached = [
            r
            for r in run.history_of(invoice.id).records
            if r.action in LADDER_ACTIONS and r.status == StepStatus.ISSUED and r.step >= trigger
        ]
        issued = reached[-1] if reached else None
        if issued is None and invoice.id not in reached_today:
            continue
        done.add(customer_id)
        if customer_id in run.history.credit_held:
            continue  # proposed before, whatever the accountant did with it
        customer = run.snapshot.customers[customer_id]
        number = issued.step if issued else reached_today[invoice.id]
        name = run.policy.steps[number - 1].name
        when = f"sent {issued.date.isoformat()}" if issued else "proposed today"
        exposure = sum((i.outstanding for i in owned[customer_id]), ZERO)
        holds.append(
            _Draft(
                invoice=invoice,
                customer=customer,
                action=ActionKind.CREDIT_HOLD,
                step=1,
                headline=(
                    f"Proposal: stop further credit to {customer.name} ({customer_id}): "
                    f"invoice {invoice.number} is at step {number} '{name}' ({when}), the "
                    f"step the policy proposes a credit hold from (step {trigger}); "
                    f"open invoices total {text.amount(exposure, invoice.currency)}."
                ),
                fee=Amount(ZERO, "No charges: a credit hold is an internal proposal."),
                basis=(run.law.citations.credit_hold,),
            )
        )
    return holds


def _finish(run: _Run, drafts: Sequence[_Draft]) -> list[Decision]:
    """Form letters, settle one fee per letter, and write each decision's explanation."""
    # A combined letter is keyed by customer, action, step and currency, a single claim by
    # invoice, action and step: the lengths differ, so the two kinds never share a key.
    groups: dict[tuple[str | int, ...], list[_Draft]] = {}
    combine = run.policy.combine_invoices
    for draft in drafts:
        if combine and draft.action != ActionKind.CREDIT_HOLD:
            key: tuple[str | int, ...] = (
                draft.customer.id,
                draft.action,
                draft.step,
                draft.invoice.currency,
            )
        else:
            key = (draft.invoice.id, draft.action, draft.step)
        group = groups.get(key)
        if group is None:
            groups[key] = [draft]
        else:
            group.append(draft)
    tenant = run.snapshot.tenant
    decisions: list[Decision] = []
    for members in groups.values():
        if len(members) > 1:
            members.sort(key=_invoice_id)
        keys = [idempotency_key(tenant, d.invoice.id, d.action, d.step) for d in members]
        letter = letter_key(keys)
        for draft, fee in zip(members, _letter_fees(run, members), strict=True):
            decisions.append(_decision(run, draft, fee, letter))
    return decisions


def _invoice_id(draft: _Draft) -> str:
    """Order a letter's claims by invoice id."""
    return draft.invoice.id


def _letter_fees(run: _Run, members: Sequence[_Draft]) -> list[Amount]:
    """Put one fee on the letter, carried by its first claim; any claim that bars a fee bars it.

    The fee counts against every claim in the letter (max-count and spacing), so a letter may
    carry one only when each of its claims could.
    """
    if (
        len(members) == 1
        or members[0].action not in LETTER_ACTIONS
        or all(d.fee.value <= ZERO for d in members)
    ):
        return [d.fee for d in members]  # nothing to settle: each claim keeps its own answer
    fee = min(d.fee.value for d in members)
    carrier = members[0]
    if fee > ZERO:
        numbers = ", ".join(d.invoice.number for d in members)
        first = Amount(
            fee,
            f"{carrier.fee.note} The letter covers invoices {numbers}; its one fee counts "
            "against each of them.",
            carrier.fee.basis,
        )
        rest = [
            Amount(
                ZERO,
                f"No fee on this invoice: covered by the letter's fee on invoice "
                f"{carrier.invoice.number}.",
                d.fee.basis,
            )
            for d in members[1:]
        ]
        return [first, *rest]
    barring = [d.invoice.number for d in members if d.fee.value <= ZERO]
    result = []
    for draft in members:
        if draft.fee.value > ZERO:
            result.append(
                Amount(
                    ZERO,
                    f"No fee: the letter also covers invoice {', '.join(barring)}, which cannot "
                    "carry a fee now, and a letter's fee counts against every claim in it.",
                    draft.fee.basis,
                )
            )
        else:
            result.append(draft.fee)
    return result


def _decision(run: _Run, draft: _Draft, fee: Amount, letter: str) -> Decision:
    """Assemble the Decision with its legal basis and plain-language explanation."""
    invoice, due, owed = draft.invoice, draft.deadline, draft.compensation
    sentences = [draft.headline, draft.timing, fee.note, draft.interest_note, owed.note]
    if due is not None:
        sentences.append(due.note)
    claim = _claim(run, draft, fee.value) if draft.action in _CLAIM_ACTIONS else None
    if draft.summary and claim is not None:
        sentences.append(_claim_summary(claim))
    sentences += draft.tail
    rules = [("fee", fee.note), ("interest", draft.interest_note), ("compensation", owed.note)]
    if due is not None:
        rules.append(("deadline", due.note))
    if draft.timing:
        rules.append(("timing", draft.timing))
    rung = _ladder_step(run, draft)
    return Decision(
        tenant=run.snapshot.tenant,
        invoice_id=invoice.id,
        invoice_number=invoice.number,
        customer_id=invoice.customer_id,
        date=run.today,
        action=draft.action,
        step=draft.step,
        currency=invoice.currency,
        outstanding=invoice.outstanding,
        fee=fee.value,
        interest=draft.interest,
        compensation=owed.value,
        deadline=due.day if due else None,
        # Empty notes and citations drop out; a citation given twice is listed once.
        legal_basis=tuple(dict.fromkeys(filter(None, (*draft.basis, *fee.basis, *owed.basis)))),
        explanation=" ".join(filter(None, sentences)),
        letter=letter,
        rules=tuple([rule for rule in rules if rule[1]]),
        task=draft.task,
        assignee=draft.assignee,
        name=rung.name if rung else "",
        tone=rung.tone if rung else "",
        claim=claim,
    )


def _ladder_step(run: _Run, draft: _Draft) -> LadderStep | None:
    """The ladder step a draft comes from: its name and tone word the letter."""
    steps = run.policy.steps
    if not 1 <= draft.step <= len(steps):
        return None
    step = steps[draft.step - 1]
    return step if step.action is draft.action else None


# The letters to the debtor that state the claim, and the hand-over that passes it on.
_CLAIM_ACTIONS = frozenset(
    {
        ActionKind.PRE_DUE_NOTICE,
        ActionKind.REMINDER,
        ActionKind.COLLECTION_WARNING,
        ActionKind.HANDOVER,
    }
)


def _principal(run: _Run, invoice: Invoice) -> PaidDown:
    """The interest-bearing principal per day, payments applied in the country's order."""
    return claims.interest_principal(
        invoice,
        run.history_of(invoice.id).records,
        run.payments.get(invoice.id, ()),
        run.law.payment_allocation.order,
    )


def _claim(run: _Run, draft: _Draft, fee: Decimal) -> claims.Claim:
    """Build the whole claim on the draft's invoice: principal, earlier charges still unpaid,
    today's charges and interest accrued, payments applied in the country's order."""
    invoice, law = draft.invoice, run.law
    principal = _principal(run, invoice)

    def priced(start: date, end: date) -> InterestCharge | None:
        # An earlier interest charge's period priced again, only for its rates.
        try:
            return accrue(
                law,
                due_date=invoice.due_date,
                kind=draft.customer.kind,
                start=start,
                end=end,
                principal=principal,
                day_count=run.policy.day_count,
            )
        except RateUnavailable:
            return None

    return claims.build(
        invoice,
        run.history_of(invoice.id).records,
        run.payments.get(invoice.id, ()),
        allocation=law.payment_allocation,
        current=claims.Charges(
            run.today,
            draft.action,
            draft.step,
            fee,
            draft.interest,
            draft.compensation.value,
        ),
        accrued=draft.accrued,
        first_interest=first_interest_day(
            law, invoice.due_date, lenient=run.policy.lenient_due_date
        ),
        periods=priced,
    )


def _claim_summary(claim: claims.Claim) -> str:
    """List the whole claim: principal, interest, fees and compensation (inkassoloven § 10).

    Charges from earlier letters still unpaid are part of it, and so is interest accrued since
    the last charge; the letters and the case file state the same claim.
    """

    def money_(value: Decimal) -> str:
        return text.amount(value, claim.currency)

    earlier = sum((i.unpaid for i in claim.earlier), ZERO)
    parts = [
        f"Claim: principal {money_(claim.principal)}, interest {money_(claim.interest)}, "
        f"fees {money_(claim.fees)}, compensation {money_(claim.compensation)}; "
        f"total {money_(claim.total)}."
    ]
    if earlier:
        parts.append(f"Of it, {money_(earlier)} was charged in earlier letters and is unpaid.")
    if claim.paid and claim.rule:
        parts.append(f"Payments applied: {claim.rule}.")
    return " ".join(parts)


def why_not(
    today: date,
    snapshot: Snapshot,
    history: Sequence[StepRecord],
    law: LawPack,
    policy: TenantPolicy,
    *,
    invoice_id: str,
) -> list[str]:
    """Say why an invoice gets no step today, or no step beyond today's: one sentence each.

    Blocks and holds, a kept promise, the minimum worth chasing, a draft waiting for the
    accountant, the ladder's timing, the hand-over's preconditions, and for a paid invoice the
    interest invoice's conditions. Pure, like ``decide()``.
    """
    run = _Run.build(today, snapshot, history, law, policy)
    open_invoices, paid_invoices = _split(snapshot)
    invoice = next((i for i in (*open_invoices, *paid_invoices) if i.id == invoice_id), None)
    if invoice is None:
        return [f"Invoice {invoice_id} is neither open nor recently paid in the snapshot."]
    reason = _block_reason(snapshot, today, invoice, run.credits, run.marks)
    if reason is not None:
        return [f"Not dunned: {reason}."]
    pending = run.history_of(invoice.id).pending
    if pending is not None:
        return [
            f"Waiting for the accountant: {_ACTION_WORDS[pending.action]} step {pending.step} "
            f"proposed on {pending.date.isoformat()}; nothing new until it is booked or deleted."
        ]
    if invoice.id not in {i.id for i in open_invoices}:
        return _why_not_interest(run, invoice)
    reason = _open_reason(run, invoice)
    if reason is not None:
        return [f"Not dunned: {reason[0].lower()}{reason[1:].rstrip('.')}."]
    try:
        return _why_not_ladder(run, invoice)
    except RateUnavailable as exc:
        return [f"The next step waits: {RateWait.of(invoice, exc).sentence}."]


def _why_not_ladder(run: _Run, invoice: Invoice) -> list[str]:
    """Explain the ladder's timing for an open invoice."""
    notes: list[str] = []
    today, timely = run.today, run.timely_until(invoice)
    if today <= timely:
        notes.append(f"Not late: payment is on time through {timely.isoformat()}.")
        notice = run.policy.pre_due_notice
        opens = invoice.due_date - timedelta(days=notice.days_before_due)
        if not notice.enabled:
            notes.append("No pre-due notice: the policy has it switched off.")
        elif today < opens:
            notes.append(f"A pre-due notice may go out from {opens.isoformat()}.")
    rung = _next_rung(run, invoice)
    if rung is None:
        last = run.history_of(invoice.id).last_ladder_step
        if last is not None:
            notes.append(
                f"The ladder is complete: its last step, {_ACTION_WORDS[last.action]} step "
                f"{last.step}, was taken on {last.date.isoformat()}."
            )
        return notes
    due_on = max(rung.due_on, timely + timedelta(days=1))
    if today < due_on:
        notes.append(_timing(run, _Rung(rung.number, rung.step, rung.last, due_on, rung.prior)))
        return notes
    if rung.step.action == ActionKind.HANDOVER:
        warning = run.history_of(invoice.id).warning
        if warning is None:
            notes.append(
                f"Step {rung.number} (hand-over) waits for an issued collection warning: a "
                "hand-over needs one whose deadline has passed."
            )
            return notes
        expiry = warning.deadline or run.law.next_banking_day(
            warning.date + timedelta(days=run.law.collection_warning_min_days)
        )
        if today <= expiry:
            notes.append(
                f"Step {rung.number} (hand-over) waits until the collection warning's deadline "
                f"{expiry.isoformat()} has passed."
            )
            return notes
        ran = disputed_between(warning.date, expiry, run.marks.disputes.get(invoice.id, ()))
        if ran is not None:
            spoiled = (
                f"the collection warning of {warning.date.isoformat()} set a deadline of "
                f"{expiry.isoformat()}, which ran while the claim was disputed "
                f"({dispute_span(ran, bare=True)})"
            )
            renewed = _is_renewal(run, warning) or (
                rung.last is not None and _is_renewal(run, rung.last)
            )
            if renewed:
                notes.append(
                    f"Step {rung.number} (hand-over) waits for a person: {spoiled}, and the "
                    "warning was already renewed once; decide by hand whether to hand over."
                )
            else:
                notes.append(
                    f"Step {rung.number} (hand-over) waits: {spoiled}; a renewed collection "
                    "warning with a new deadline goes first."
                )
            return notes
    try:
        _ladder(run, invoice, run.snapshot.customers[invoice.customer_id])
    except RateUnavailable as exc:
        notes.append(f"Step {rung.number} is due but waits: {RateWait.of(invoice, exc).sentence}.")
        return notes
    following = rung.number + 1
    if following <= len(run.policy.steps):
        later = run.policy.steps[following - 1]
        earliest = today + timedelta(days=later.days)
        ends = _deadline_today(run, rung)
        if _waits_for_deadline(later) and ends is not None:
            earliest = max(earliest, ends + timedelta(days=1))
        notes.append(
            f"Step {rung.number} is proposed today; the ladder moves one step at a time, so "
            f"step {following} '{later.name}' comes no earlier than {earliest.isoformat()}"
            + (f" (after the deadline {ends.isoformat()})." if ends is not None else ".")
        )
    else:
        notes.append(f"Step {rung.number} is proposed today and is the ladder's last.")
    return notes


def _deadline_today(run: _Run, rung: _Rung) -> date | None:
    """The deadline the step proposed today leaves for the next one to wait for: its own, or
    after a task (which sets none) the previous letter's."""
    step = rung.step
    if step.deadline_days is not None:
        warning = step.action == ActionKind.COLLECTION_WARNING
        return run.deadline(step.deadline_days, warning=warning).day
    if step.action == ActionKind.TASK and rung.prior is not None:
        return rung.prior.deadline
    return None


def _why_not_interest(run: _Run, invoice: Invoice) -> list[str]:
    """Explain why a paid invoice gets (or gets no) interest invoice."""
    settings = run.policy.interest_invoice
    if not settings.enabled:
        return ["Paid. No interest invoice: the policy has interest invoices switched off."]
    past = run.history_of(invoice.id)
    if past.interest_rejected:
        return ["Paid. No interest invoice: the accountant rejected the one proposed."]
    if past.handed_over:
        return ["Paid. No interest invoice: the claim was handed over; the agency claims it."]
    customer = run.snapshot.customers[invoice.customer_id]
    try:
        proposed = _interest_invoice(run, invoice, customer)
    except RateUnavailable as exc:
        return [f"Paid late: the interest invoice waits: {RateWait.of(invoice, exc).sentence}."]
    if proposed is not None:
        return ["Paid late: an interest invoice is proposed today."]
    return [
        "Paid. No interest invoice: paid on time, the interest is already charged, or the "
        f"interest not yet charged is below the policy minimum "
        f"{text.amount(settings.minimum, invoice.currency)}."
    ]

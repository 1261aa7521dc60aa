"""Where an invoice stands on the ladder, the draft a step becomes, and the interest it charges.

Shared by the steps (``policies.drafting``), the letters formed from them
(``policies.forming``) and the explanations (``policies.whynot``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

from bridge.vocab.domain import (
    ZERO,
    ActionKind,
    Customer,
    InterestCharge,
    Invoice,
    StepRecord,
    StepStatus,
)
from policies import claim as claims
from policies import text
from policies.history import day_after
from policies.interest import PaidDown, accrue, first_interest_day
from policies.rules import Amount, Deadline, interest_note
from policies.run import Run
from policies.steps import LadderStep

# An amount of nothing with no note: Amount is frozen, so every draft can share this one.
NOTHING = Amount(ZERO)


@dataclass(slots=True)
class Draft:
    """A decision before letters are formed (the fee is settled per letter).

    Slotted, with shared immutable defaults (tuples, not lists): a large ledger makes one per
    invoice, and fewer objects mean less allocation and garbage-collector work.
    """

    invoice: Invoice
    customer: Customer
    action: ActionKind
    step: int
    headline: str
    fee: Amount = NOTHING
    interest: InterestCharge | None = None
    interest_note: str = ""
    compensation: Amount = NOTHING
    deadline: Deadline | None = None
    timing: str = ""  # why the step is due today
    tail: tuple[str, ...] = ()  # closing remarks after the amounts
    basis: tuple[str, ...] = ()
    summary: bool = False  # list the whole claim (a § 10 warning and a hand-over must)
    accrued: InterestCharge | None = None  # interest accrued and not charged (a hand-over's)
    task: str = ""  # a task step: what to do, and for whom
    assignee: str = ""


class Rung(NamedTuple):
    """The ladder step an invoice has reached, and the day it falls due.

    A named tuple: as immutable as a frozen dataclass, and quicker to make once per invoice.
    """

    number: int  # 1-based
    step: LadderStep
    last: StepRecord | None  # the step before it, if any
    due_on: date
    prior: StepRecord | None = None  # the letter whose deadline the step waits for


def next_rung(run: Run, invoice: Invoice) -> Rung | None:
    """Return the ladder step an invoice reaches next and the day it falls due (None: done)."""
    last = run.history_of(invoice.id).last_ladder_step
    number = last.step + 1 if last is not None else 1
    if last is not None and is_renewal(run, last):
        number = last.step  # a renewed warning stands in for the hand-over: that still follows
    if not 1 <= number <= len(run.policy.steps):
        return None
    step = run.policy.steps[number - 1]
    base = last.date if last is not None else invoice.due_date
    due_on = base + _days(step.days)
    prior = _deadline_setter(run, invoice, last)
    if waits_for_deadline(step) and prior is not None and prior.deadline is not None:
        due_on = max(due_on, prior.deadline + timedelta(days=1))
    return Rung(number, step, last, due_on, prior)


def waits_for_deadline(step: LadderStep) -> bool:
    """Tell whether a step waits until the day after the previous letter's deadline.

    Every letter and hand-over does: a letter that says "pay by 10 February" is not followed by
    a new fee, warning or agency before that day has passed. A task is exempt unless the policy
    asks (``after_deadline``): it goes to the creditor's own people and asks nothing of the
    debtor, so a call while the deadline runs is no new demand.
    """
    return step.action != ActionKind.TASK or step.after_deadline


def is_renewal(run: Run, record: StepRecord) -> bool:
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


def _deadline_setter(run: Run, invoice: Invoice, last: StepRecord | None) -> StepRecord | None:
    """Return the step whose deadline the next step waits for: the last step, or the last
    letter before it when the last step was a task (a task sets no payment deadline)."""
    if last is None or last.action != ActionKind.TASK:
        return last
    return run.history_of(invoice.id).last_letter


def timing(run: Run, rung: Rung) -> str:
    """Say why the step is due today."""
    last, days = rung.last, rung.step.days
    if last is None:
        since = f"{text.days(days)} after the due date"
    else:
        rejected = ", which the accountant rejected" if last.status == StepStatus.REJECTED else ""
        since = f"{text.days(days)} after step {last.step} on {last.date.isoformat()}{rejected}"
        prior = rung.prior
        if waits_for_deadline(rung.step) and prior is not None and prior.deadline is not None:
            named = "its" if prior is last else f"step {prior.step}'s"
            since += f", and after {named} deadline {prior.deadline.isoformat()}"
    sentence = f"Step {rung.number} is due from {rung.due_on.isoformat()} ({since})."
    if run.today > rung.due_on:
        sentence += " Proposed late; the ladder moves one step at a time."
    return sentence


def charge_interest(run: Run, draft: Draft, *, end: date) -> None:
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
        principal=principal_of(run, invoice),
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


def accrued_periods(accrued: InterestCharge, currency: str) -> str:
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


def principal_of(run: Run, invoice: Invoice) -> PaidDown:
    """The interest-bearing principal per day, payments applied in the country's order."""
    return claims.interest_principal(
        invoice,
        run.history_of(invoice.id).records,
        run.payments.get(invoice.id, ()),
        run.law.payment_allocation.order,
    )

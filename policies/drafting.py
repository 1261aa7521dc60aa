"""Each kind of step drafted for one invoice: pre-due notice, letter, task, hand-over, interest
invoice and credit hold, with the fee, interest and compensation the law allows today.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

from bridge.vocab.domain import (
    ACTION_WORDS,
    ZERO,
    ActionKind,
    Customer,
    Dispute,
    Invoice,
    StepRecord,
    StepStatus,
)
from policies import text
from policies.history import day_after
from policies.interest import accrue, first_interest_day
from policies.promises import PromiseState
from policies.rules import (
    NO_FEE_ASKED,
    Amount,
    Deadline,
    FeeLetter,
    compensation,
    dispute_span,
    disputed_between,
    reminder_fee,
)
from policies.run import Run, describe, dunnable, open_reason
from policies.rungs import (
    Draft,
    Rung,
    accrued_periods,
    charge_interest,
    is_renewal,
    next_rung,
    principal_of,
    timing,
)
from policies.steps import LADDER_ACTIONS, LadderStep


def pre_due(run: Run, invoice: Invoice, customer: Customer) -> Draft | None:
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
    return Draft(
        invoice=invoice,
        customer=customer,
        action=ActionKind.PRE_DUE_NOTICE,
        step=0,
        headline=f"Pre-due notice for {describe(invoice)}: it falls due {when}.",
        fee=Amount(ZERO, "No fee: no fee is ever charged before the due date."),
        deadline=Deadline(
            invoice.due_date,
            f"Payment deadline {invoice.due_date.isoformat()} (the invoice's own due date).",
        ),
        basis=(run.law.citations.pre_due_notice,),
    )


def ladder(run: Run, invoice: Invoice, customer: Customer) -> Draft | None:
    """Propose the next ladder step when it is due; never skip one (catch-up goes one by one)."""
    rung = next_rung(run, invoice)
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


def _letter_step(run: Run, invoice: Invoice, customer: Customer, rung: Rung) -> Draft:
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
    draft = Draft(
        invoice=invoice,
        customer=customer,
        action=step.action,
        step=rung.number,
        headline=(
            f"Step {rung.number} '{step.name}' ({ACTION_WORDS[step.action]}) for "
            f"{describe(invoice)}, {text.days(overdue)} overdue."
        ),
        timing=timing(run, rung),
        summary=is_warning,
        basis=(basis,),
    )
    draft.fee = _reminder_fee(run, invoice, customer, step)
    if step.interest:
        charge_interest(run, draft, end=today)
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


def _reminder_fee(run: Run, invoice: Invoice, customer: Customer, step: LadderStep) -> Amount:
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


def _issued_warning(run: Run, invoice: Invoice) -> FeeLetter | None:
    """The latest issued collection warning on the claim, where a fee rule asks for one."""
    warning = run.history_of(invoice.id).warning
    return FeeLetter.of(warning) if warning is not None else None


_TASK_WORDS = {"call": "call the customer", "tell_salesperson": "tell the account's salesperson"}


def _task_step(run: Run, invoice: Invoice, customer: Customer, rung: Rung) -> Draft:
    """Build a task for the creditor's own people: no letter to the debtor, no amounts."""
    step = rung.step
    overdue = (run.today - invoice.due_date).days
    what = _TASK_WORDS.get(step.task, f"'{step.task}'")
    who = {"salesperson": "the account's salesperson", "tasks": "the tenant's task recipient"}
    return Draft(
        invoice=invoice,
        customer=customer,
        action=ActionKind.TASK,
        step=rung.number,
        headline=(
            f"Step {rung.number} '{step.name}' (task: {what}, for "
            f"{who.get(step.assignee, step.assignee)}) for {describe(invoice)}, "
            f"{text.days(overdue)} overdue."
        ),
        timing=timing(run, rung),
        fee=Amount(ZERO, "No charges: a task goes to the creditor's own people, not the debtor."),
        interest_note=(
            "No interest charged on a task: interest keeps running and the next letter charges it."
        ),
        basis=(run.law.citations.task,),
        task=step.task,
        assignee=step.assignee,
    )


def _handover(run: Run, invoice: Invoice, customer: Customer, rung: Rung) -> Draft | None:
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
        if is_renewal(run, warning) or (rung.last is not None and is_renewal(run, rung.last)):
            return None
        return _renewed_warning(
            run, invoice, customer, rung, warning=warning, expiry=expiry, ran=ran
        )
    draft = Draft(
        invoice=invoice,
        customer=customer,
        action=ActionKind.HANDOVER,
        step=number,
        headline=(
            f"Step {number} '{step.name}' (hand-over to collection) for {describe(invoice)}: "
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
        principal=principal_of(run, invoice),
        day_count=run.policy.day_count,
    )
    draft.accrued = accrued
    if accrued is not None:
        draft.tail += (
            f"Interest accrued and not yet charged: {accrued_periods(accrued, invoice.currency)}; "
            f"it keeps running until payment.",
        )
    return draft


def _renewed_warning(
    run: Run,
    invoice: Invoice,
    customer: Customer,
    rung: Rung,
    *,
    warning: StepRecord,
    expiry: date,
    ran: Dispute,
) -> Draft:
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
        f"Step {rung.number} '{own.name}' (collection warning, renewed) for {describe(invoice)}, "
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


def interest_invoice(run: Run, invoice: Invoice, customer: Customer) -> Draft | None:
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
    draft = Draft(
        invoice=invoice,
        customer=customer,
        action=ActionKind.INTEREST_INVOICE,
        step=past.interest_invoices + 1,
        headline="",
        fee=Amount(ZERO, "No fee on an interest invoice."),
    )
    charge_interest(run, draft, end=end)
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


def credit_holds(
    run: Run, open_invoices: Sequence[Invoice], drafts: Sequence[Draft]
) -> list[Draft]:
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
    holds: list[Draft] = []
    done: set[str] = set()
    # Each customer's open invoices in order, for the exposure: one pass, not one per customer.
    owned: dict[str, list[Invoice]] = defaultdict(list)
    for invoice in open_invoices:
        owned[invoice.customer_id].append(invoice)
    for invoice in open_invoices:
        customer_id = invoice.customer_id
        if customer_id in done or dunnable(run, invoice) is None:
            continue
        if open_reason(run, invoice) is not None:
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
            Draft(
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

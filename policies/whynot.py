"""``why_not()``: why an invoice gets no step today, or none beyond today's, one sentence each.

Pure, like ``decide()``: it builds the same run and asks the same questions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from bridge.vocab.domain import ACTION_WORDS, ActionKind, Invoice, Snapshot, StepRecord
from policies import text
from policies.drafting import interest_invoice, ladder
from policies.ladder import TenantPolicy
from policies.law.base import LawPack, RateUnavailable
from policies.rules import dispute_span, disputed_between
from policies.run import RateWait, Run, block_reason, open_and_paid, open_reason
from policies.rungs import Rung, is_renewal, next_rung, timing, waits_for_deadline


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
    run = Run.build(today, snapshot, history, law, policy)
    open_invoices, paid_invoices = open_and_paid(snapshot)
    invoice = next((i for i in (*open_invoices, *paid_invoices) if i.id == invoice_id), None)
    if invoice is None:
        return [f"Invoice {invoice_id} is neither open nor recently paid in the snapshot."]
    reason = block_reason(snapshot, today, invoice, run.credits, run.marks)
    if reason is not None:
        return [f"Not dunned: {reason}."]
    pending = run.history_of(invoice.id).pending
    if pending is not None:
        return [
            f"Waiting for the accountant: {ACTION_WORDS[pending.action]} step {pending.step} "
            f"proposed on {pending.date.isoformat()}; nothing new until it is booked or deleted."
        ]
    if invoice.id not in {i.id for i in open_invoices}:
        return _why_not_interest(run, invoice)
    reason = open_reason(run, invoice)
    if reason is not None:
        return [f"Not dunned: {reason[0].lower()}{reason[1:].rstrip('.')}."]
    try:
        return _why_not_ladder(run, invoice)
    except RateUnavailable as exc:
        return [f"The next step waits: {RateWait.of(invoice, exc).sentence}."]


def _why_not_ladder(run: Run, invoice: Invoice) -> list[str]:
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
    rung = next_rung(run, invoice)
    if rung is None:
        last = run.history_of(invoice.id).last_ladder_step
        if last is not None:
            notes.append(
                f"The ladder is complete: its last step, {ACTION_WORDS[last.action]} step "
                f"{last.step}, was taken on {last.date.isoformat()}."
            )
        return notes
    due_on = max(rung.due_on, timely + timedelta(days=1))
    if today < due_on:
        notes.append(timing(run, Rung(rung.number, rung.step, rung.last, due_on, rung.prior)))
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
            renewed = is_renewal(run, warning) or (
                rung.last is not None and is_renewal(run, rung.last)
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
        ladder(run, invoice, run.snapshot.customers[invoice.customer_id])
    except RateUnavailable as exc:
        notes.append(f"Step {rung.number} is due but waits: {RateWait.of(invoice, exc).sentence}.")
        return notes
    following = rung.number + 1
    if following <= len(run.policy.steps):
        later = run.policy.steps[following - 1]
        earliest = today + timedelta(days=later.days)
        ends = _deadline_today(run, rung)
        if waits_for_deadline(later) and ends is not None:
            earliest = max(earliest, ends + timedelta(days=1))
        notes.append(
            f"Step {rung.number} is proposed today; the ladder moves one step at a time, so "
            f"step {following} '{later.name}' comes no earlier than {earliest.isoformat()}"
            + (f" (after the deadline {ends.isoformat()})." if ends is not None else ".")
        )
    else:
        notes.append(f"Step {rung.number} is proposed today and is the ladder's last.")
    return notes


def _deadline_today(run: Run, rung: Rung) -> date | None:
    """The deadline the step proposed today leaves for the next one to wait for: its own, or
    after a task (which sets none) the previous letter's."""
    step = rung.step
    if step.deadline_days is not None:
        warning = step.action == ActionKind.COLLECTION_WARNING
        return run.deadline(step.deadline_days, warning=warning).day
    if step.action == ActionKind.TASK and rung.prior is not None:
        return rung.prior.deadline
    return None


def _why_not_interest(run: Run, invoice: Invoice) -> list[str]:
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
        proposed = interest_invoice(run, invoice, customer)
    except RateUnavailable as exc:
        return [f"Paid late: the interest invoice waits: {RateWait.of(invoice, exc).sentence}."]
    if proposed is not None:
        return ["Paid late: an interest invoice is proposed today."]
    return [
        "Paid. No interest invoice: paid on time, the interest is already charged, or the "
        f"interest not yet charged is below the policy minimum "
        f"{text.amount(settings.minimum, invoice.currency)}."
    ]

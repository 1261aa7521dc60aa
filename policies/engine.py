"""``decide()``: the lawful next step per invoice, a pure function of snapshot, history and policy.

No I/O and no clock: the same input gives the same decisions in the same order. The law pack
caps what the tenant policy asks for; every amount comes with the sentence and the statute that
set it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bridge.vocab.domain import ACTION_WORDS, Decision, Snapshot, StepRecord
from policies.drafting import credit_holds, interest_invoice, ladder, pre_due
from policies.forming import finish
from policies.history import StepHistory
from policies.ladder import TenantPolicy
from policies.law.base import LawPack, RateUnavailable
from policies.letters import decision_order, letters
from policies.run import (
    Marks,
    RateWait,
    Run,
    block_reason,
    dunnable,
    open_and_paid,
    open_reason,
    unapplied_credit,
)
from policies.rungs import Draft
from policies.whynot import why_not

__all__ = ["RateWait", "blocked", "decide", "letters", "unapplied_credit", "why_not"]


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
    run = Run.build(today, snapshot, history, law, policy)
    open_invoices, paid_invoices = open_and_paid(snapshot)
    drafts: list[Draft] = []
    waiting = waits if waits is not None else []
    for invoice in open_invoices:
        customer = dunnable(run, invoice)
        if customer is None or open_reason(run, invoice) is not None:
            continue
        try:
            draft = pre_due(run, invoice, customer) or ladder(run, invoice, customer)
        except RateUnavailable as exc:
            waiting.append(RateWait.of(invoice, exc))
            continue
        if draft is not None:
            drafts.append(draft)
    for invoice in paid_invoices:
        customer = dunnable(run, invoice)
        if customer is not None:
            try:
                draft = interest_invoice(run, invoice, customer)
            except RateUnavailable as exc:
                waiting.append(RateWait.of(invoice, exc))
                continue
            if draft is not None:
                drafts.append(draft)
    drafts.extend(credit_holds(run, open_invoices, drafts))
    return sorted(finish(run, drafts), key=decision_order)


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
    run = Run.build(today, snapshot, history, law, policy) if law and policy else None
    credits = unapplied_credit(snapshot)
    marks = run.marks if run is not None else Marks.of(snapshot)
    open_invoices, paid_invoices = open_and_paid(snapshot)
    open_ids = {i.id for i in open_invoices}
    reasons: list[tuple[str, str]] = []
    for invoice in sorted((*open_invoices, *paid_invoices), key=lambda i: i.id):
        reason = block_reason(snapshot, today, invoice, credits, marks)
        if reason is None and run is not None and invoice.id in open_ids:
            reason = open_reason(run, invoice)
        pending = index.claim(invoice.id).pending
        if reason is None and pending is not None:
            reason = (
                f"waiting for the accountant: {ACTION_WORDS[pending.action]} step "
                f"{pending.step} proposed on {pending.date.isoformat()}"
            )
        if reason is not None:
            reasons.append((invoice.id, reason))
    return reasons

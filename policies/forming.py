"""Drafts formed into letters: one fee per letter, and each decision written with its claim."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from bridge.vocab.domain import (
    ZERO,
    ActionKind,
    Decision,
    InterestCharge,
    idempotency_key,
    letter_key,
)
from policies import claim as claims
from policies import text
from policies.interest import accrue, first_interest_day
from policies.law.base import RateUnavailable
from policies.rules import Amount
from policies.run import Run
from policies.rungs import Draft, principal_of
from policies.steps import LETTER_ACTIONS, LadderStep


def finish(run: Run, drafts: Sequence[Draft]) -> list[Decision]:
    """Form letters, settle one fee per letter, and write each decision's explanation."""
    # A combined letter is keyed by customer, action, step and currency, a single claim by
    # invoice, action and step: the lengths differ, so the two kinds never share a key.
    groups: dict[tuple[str | int, ...], list[Draft]] = {}
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


def _invoice_id(draft: Draft) -> str:
    """Order a letter's claims by invoice id."""
    return draft.invoice.id


def _letter_fees(run: Run, members: Sequence[Draft]) -> list[Amount]:
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


def _decision(run: Run, draft: Draft, fee: Amount, letter: str) -> Decision:
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


def _ladder_step(run: Run, draft: Draft) -> LadderStep | None:
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


def _claim(run: Run, draft: Draft, fee: Decimal) -> claims.Claim:
    """Build the whole claim on the draft's invoice: principal, earlier charges still unpaid,
    today's charges and interest accrued, payments applied in the country's order."""
    invoice, law = draft.invoice, run.law
    principal = principal_of(run, invoice)

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

"""Everything a letter template may use, built from the letter, its invoices and the history."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Final

from bridge.engine.letter_creditor import Creditor, national_account
from bridge.vocab.domain import (
    ZERO,
    ActionKind,
    Customer,
    CustomerKind,
    Decision,
    InterestCharge,
    Invoice,
    Letter,
    StepRecord,
    StepStatus,
)
from bridge.vocab.payref import Reference, ReferenceOptions
from policies import claim as claims
from policies.steps import TONES, default_name, default_steps

# The actions whose letters asked the debtor to pay an overdue claim: "despite our reminder of
# 22 January" names them.
_DUNNING: Final[frozenset[ActionKind]] = frozenset(
    {ActionKind.REMINDER, ActionKind.COLLECTION_WARNING}
)


def _items(letter: Letter, invoices: Mapping[str, Invoice]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for d in letter.decisions:
        invoice = invoices.get(d.invoice_id)
        charge = d.interest
        out.append(
            {
                "number": d.invoice_number,
                "due_date": invoice.due_date if invoice else None,
                "issue_date": invoice.issue_date if invoice else None,
                "amount": invoice.amount if invoice else d.outstanding,
                "outstanding": d.outstanding,
                "interest": d.interest_amount,
                "interest_from": charge.start if charge else None,
                "interest_to": charge.end if charge else None,
                "rate": charge.rate if charge else None,
                # The capital the interest is computed on (inkassolagen 5 § asks for it).
                "interest_principal": charge.periods[-1].principal
                if charge and charge.periods
                else None,
                # A placeholder reference rate (grade U) the tenant's policy allowed: say so.
                "placeholder_rate": bool(charge and any(p.placeholder for p in charge.periods)),
                # Each stretch at one rate on one capital (a part-payment or a new rate starts
                # the next): the letter itemises them where there are several.
                "periods": _periods(charge),
                "compensation": d.compensation,
                "fee": d.fee,
            }
        )
    return out


_CENT: Final = Decimal("0.01")


def _periods(charge: InterestCharge | None) -> list[dict[str, Any]]:
    """The stretches of an interest charge, each with its rate and the capital it ran on.

    Each stretch's amount is rounded to the cent and the last takes the rounding difference,
    so the lines add up to the charge (which is rounded once, over the whole period).
    """
    if charge is None or not charge.periods:
        return []
    amounts = [p.amount.quantize(_CENT) for p in charge.periods]
    amounts[-1] += charge.amount - sum(amounts, ZERO)
    return [
        {
            "start": p.start,
            "end": p.end,
            "days": p.days,
            "rate": p.rate,
            "principal": p.principal,
            "amount": amount,
        }
        for p, amount in zip(charge.periods, amounts, strict=True)
    ]


def _open_items(
    customer_id: str, open_invoices: Iterable[Invoice], today: date
) -> list[dict[str, Any]]:
    return [
        {
            "number": i.number,
            "due_date": i.due_date,
            "outstanding": i.outstanding,
            "days_overdue": max(0, (today - i.due_date).days),
        }
        for i in sorted(open_invoices, key=lambda i: (i.due_date, i.number))
        if i.customer_id == customer_id and i.outstanding > ZERO
    ]


def _steps(history: Iterable[StepRecord], invoice_ids: set[str]) -> list[dict[str, Any]]:
    return [
        {
            "invoice": s.invoice_id,
            "action": s.action.value,
            "step": s.step,
            "date": s.date,
            "deadline": s.deadline,
            "fee": s.fee,
        }
        for s in sorted(history, key=lambda s: (s.date, s.invoice_id, s.step))
        if s.invoice_id in invoice_ids
    ]


def claim_of(
    decision: Decision, invoices: Mapping[str, Invoice], history: Iterable[StepRecord]
) -> claims.Claim:
    """The claim a decision states: the engine's, else rebuilt from the step history.

    A decision read back from the store carries no claim; the history's issued charges (taken
    as unpaid, principal first) and the decision's own charges make it again.
    """
    if decision.claim is not None:
        return decision.claim
    invoice = invoices.get(decision.invoice_id) or Invoice(
        id=decision.invoice_id,
        number=decision.invoice_number,
        customer_id=decision.customer_id,
        issue_date=decision.date,
        due_date=decision.date,
        currency=decision.currency,
        amount=decision.outstanding,
        outstanding=decision.outstanding,
    )
    # Only what was charged before the letter: a letter read back after it went out finds its
    # own record in the history.
    before = [s for s in history if s.date < decision.date]
    return claims.build(invoice, before, current=claims.Charges.of(decision))


def _claim_items(
    letter: Letter,
    invoices: Mapping[str, Invoice],
    history: Sequence[StepRecord],
    country: str,
    fee_kind: str,
) -> list[dict[str, Any]]:
    """Each invoice's claim, item by item, for the templates' ``_claim`` partial."""
    out: list[dict[str, Any]] = []
    for d in letter.decisions:
        claim = claim_of(d, invoices, history)
        invoice = invoices.get(d.invoice_id)
        warned = sorted(
            s.date
            for s in history
            if s.invoice_id == d.invoice_id
            and s.action is ActionKind.COLLECTION_WARNING
            and s.status is StepStatus.ISSUED
        )
        items = []
        for item in claim.items:
            if item.kind is claims.ItemKind.PRINCIPAL or not item.unpaid:
                continue
            kind = fee_kind
            if item.kind is claims.ItemKind.FEE and not item.new and item.action is not None:
                follows = any(day < item.day for day in warned) if item.day else False
                kind = _fee_kind(item.action, country, follows_warning=follows)
            items.append(
                {
                    "kind": item.kind.value,
                    "amount": item.unpaid,
                    "charged": item.charged,
                    "paid": item.paid,
                    "date": item.day,
                    "step": item.step,
                    "new": item.new,
                    "start": item.start,
                    "end": item.end,
                    "rate": item.rate,
                    "principal": item.base,
                    "placeholder_rate": item.placeholder,
                    "fee_kind": kind,
                    "periods": _periods(item.interest),
                }
            )
        principal = next((i for i in claim.items if i.kind is claims.ItemKind.PRINCIPAL), None)
        starts = [
            i.start
            for i in claim.items
            if i.kind in (claims.ItemKind.INTEREST, claims.ItemKind.ACCRUED) and i.start is not None
        ]
        out.append(
            {
                "number": d.invoice_number,
                "issue_date": invoice.issue_date if invoice else None,
                "due_date": invoice.due_date if invoice else None,
                "amount": invoice.amount if invoice else d.outstanding,
                # What payments paid of the invoice: the letter shows invoiced, paid and rest.
                "paid": principal.paid if principal else ZERO,
                "principal": claim.principal,
                "items": items,
                "total": claim.total,
                # The first day interest runs from and the rate in force (Norway's
                # betalingsoppfordring states both, inkassoloven § 10).
                "interest_from": min(starts) if starts else None,
                "rate": next((e["rate"] for e in reversed(items) if e["rate"] is not None), None),
            }
        )
    return out


def _earlier(
    history: Iterable[StepRecord], invoices: Mapping[str, Invoice], ids: set[str], day: date
) -> list[dict[str, Any]]:
    """The reminders and warnings sent on the letter's invoices before it, one per letter.

    "Despite our reminder of 22 January 2026" names them rather than "despite earlier
    reminders" where there was one.
    """
    sent: dict[tuple[date, str, int], dict[str, Any]] = {}
    for s in sorted(history, key=lambda s: (s.date, s.step, s.invoice_id)):
        if s.invoice_id not in ids or s.status is not StepStatus.ISSUED or s.date >= day:
            continue
        if s.action not in _DUNNING:
            continue
        entry = sent.setdefault(
            (s.date, s.action.value, s.step),
            {"action": s.action.value, "step": s.step, "date": s.date, "invoices": []},
        )
        invoice = invoices.get(s.invoice_id)
        entry["invoices"].append(invoice.number if invoice else s.invoice_id)
    return list(sent.values())


def _tone(letter: Letter, charged: bool) -> str:
    """The letter's tone: its ladder step's, else what the action and charges call for.

    A letter without a recorded tone (a pre-due notice, an interest invoice, a decision stored
    before tones were kept) is friendly only when it charges nothing.
    """
    if letter.tone in TONES:
        return letter.tone
    if letter.action is ActionKind.PRE_DUE_NOTICE:
        return "friendly"
    if letter.action is ActionKind.REMINDER:
        if letter.step >= 3:
            return "formal"
        return "friendly" if letter.step == 1 and not charged else "firm"
    if letter.action in {ActionKind.COLLECTION_WARNING, ActionKind.HANDOVER}:
        return "formal"
    return "firm"


def _own_name(letter: Letter, country: str) -> str:
    """The ladder step's name where the tenant chose it; empty for the country's default name.

    A default name ("Rykker", "Purring") is the country's word, and each language's templates
    have their own for it; a name the tenant wrote is its own title and is printed as written.
    """
    name = letter.name.strip()
    if not name:
        return ""
    defaults = {default_name(country, letter.action)}
    with contextlib.suppress(KeyError):  # a country with no default ladder
        defaults |= {step.name for step in default_steps(country)}
    return "" if name in defaults else name


def address_lines(text: str | None) -> list[str]:
    """A one-line address ("Street 1, 8600 Silkeborg") as the lines of a postal block."""
    return [
        part.strip()
        for line in (text or "").splitlines()
        for part in line.split(",")
        if part.strip()
    ]


def _references(
    letter: Letter, invoices: Mapping[str, Invoice], options: ReferenceOptions
) -> list[dict[str, str]]:
    """Each invoice's structured payment reference, where it has one (bridge/vocab/payref.py).

    None for an interest invoice: its invoices are paid, and a payment with their reference
    would be matched to them as an overpayment; the debtor names the invoice numbers instead.
    """
    if letter.action is ActionKind.INTEREST_INVOICE:
        return []
    out: list[dict[str, str]] = []
    for d in letter.decisions:
        invoice = invoices.get(d.invoice_id)
        found: Reference | None = options.reference(
            d.invoice_number, invoice.payment_reference if invoice else None
        )
        if found is not None:
            out.append(
                {
                    "number": d.invoice_number,
                    "scheme": found.scheme,
                    "value": found.value,
                    "display": found.display,
                    "source": found.source,
                }
            )
    return out


def context(
    letter: Letter,
    customer: Customer,
    invoices: Mapping[str, Invoice],
    *,
    creditor: Creditor,
    country: str,
    open_invoices: Iterable[Invoice] = (),
    history: Iterable[StepRecord] = (),
) -> dict[str, Any]:
    """Everything a template may use; a template asking for anything else fails (strict)."""
    items = _items(letter, invoices)
    fee = sum((d.fee for d in letter.decisions), ZERO)
    interest = sum((d.interest_amount for d in letter.decisions), ZERO)
    compensation = sum((d.compensation for d in letter.decisions), ZERO)
    history = tuple(history)
    follows_warning = _follows_warning(letter, history)
    fee_kind = _fee_kind(letter.action, country.upper(), follows_warning=follows_warning)
    if letter.action is ActionKind.INTEREST_INVOICE:
        # An interest invoice asks only for its own charges.
        claim_list: list[dict[str, Any]] = []
        capital, costs, total = ZERO, fee + compensation, fee + interest + compensation
    else:
        # Every other letter states the whole claim: principal, earlier charges still unpaid,
        # today's charges and interest (policies/claim.py), the same totals as the
        # explanation and the case file.
        stated = [claim_of(d, invoices, history) for d in letter.decisions]
        claim_list = _claim_items(letter, invoices, history, country.upper(), fee_kind)
        capital = sum((c.principal for c in stated), ZERO)
        interest = sum((c.interest for c in stated), ZERO)
        costs = sum((c.costs for c in stated), ZERO)
        total = sum((c.total for c in stated), ZERO)
    deadline = letter.deadline
    opened = _open_items(customer.id, open_invoices, letter.date)
    ids = {d.invoice_id for d in letter.decisions}
    steps = _steps(history, ids)
    earlier = _earlier(history, invoices, ids, letter.date)
    charged = any(d.total_charges > ZERO for d in letter.decisions)
    references = _references(letter, invoices, creditor.references(country))
    return {
        "customer": customer,
        "creditor": creditor,
        "country": country.upper(),
        "action": letter.action.value,
        "step": letter.step,
        "date": letter.date,
        "deadline": deadline,
        "deadline_days": (deadline - letter.date).days if deadline else None,
        "items": items,
        "numbers": ", ".join(str(i["number"]) for i in items),
        # The same as a list, for "fakturaerne 1001 og 1002" (filter ``listing``).
        "invoice_numbers": [str(i["number"]) for i in items],
        "fee": fee,
        "interest": interest,
        "compensation": compensation,
        "capital": capital,
        "costs": costs,
        "total": total,
        # Each invoice's claim item by item: earlier charges still unpaid, today's, accrued.
        "claims": claim_list,
        "currency": letter.currency,
        "account": national_account(country.upper(), creditor.bank_account),
        "open_items": opened,
        "open_total": sum((i["outstanding"] for i in opened), ZERO),
        "steps": steps,
        # A task step: "call", "tell_salesperson" or the tenant's own instruction.
        "task": next((d.task for d in letter.decisions if d.task), ""),
        "follows_warning": follows_warning,
        # The wording follows the ladder step (docs/policy.md): its tone ("friendly", "firm",
        # "formal") and, where the tenant named the step itself, that name as the title.
        "tone": _tone(letter, charged),
        "name": _own_name(letter, country.upper()),
        # The letter charges a fee, interest or compensation: it is no "friendly reminder".
        "charged": charged,
        # Reminders and warnings sent before this letter on its invoices, one per letter,
        # oldest first; and which reminder this one is (1 for the first).
        "earlier": earlier,
        "reminder_number": 1 + sum(1 for e in earlier if e["action"] == "reminder"),
        # A business debtor gets no "Dear <company>": the templates leave the greeting out.
        "business": customer.kind is CustomerKind.BUSINESS,
        # What the letter's fee is, for its name in every language (templates' _claim).
        "fee_kind": fee_kind,
        # The letter's head and the payment lines (docs/letters.md): the debtor's postal
        # block, the creditor's, and each invoice's structured payment reference.
        "debtor_address": address_lines(customer.address),
        "creditor_address": address_lines(creditor.address),
        "references": references,
        # Every invoice has its reference: the letter need not ask for invoice numbers.
        "all_referenced": bool(references) and len(references) == len(letter.decisions),
    }


def _follows_warning(letter: Letter, history: Sequence[StepRecord]) -> bool:
    """Tell whether the letter is a warning after an issued warning on the same claim: in
    Norway the betalingsoppfordring (inkassoloven § 10) that follows the inkassovarsel."""
    ids = {d.invoice_id for d in letter.decisions}
    return letter.action is ActionKind.COLLECTION_WARNING and any(
        s.action is ActionKind.COLLECTION_WARNING
        and s.status is StepStatus.ISSUED
        and s.invoice_id in ids
        and s.date < letter.date
        for s in history
    )


def warning_kind(letter: Letter, history: Sequence[StepRecord], country: str) -> str:
    """The kind of a collection warning by its legal name: ``inkassovarsel`` or
    ``betalingsoppfordring`` (Norway), ``inkassokrav`` (Sweden), ``maksuvaatimus`` (Finland);
    ``reminder`` for a Danish warning (the third rykker) and for every other letter."""
    return _fee_kind(
        letter.action, country.upper(), follows_warning=_follows_warning(letter, history)
    )


def _fee_kind(action: ActionKind, country: str, *, follows_warning: bool) -> str:
    """Name the kind of fee a letter carries: the templates word each kind in every language.

    ``reminder`` (rykkergebyr, purregebyr, påminnelseavgift, muistutusmaksu), or for a collection
    warning ``inkassovarsel`` and ``betalingsoppfordring`` (Norway), ``inkassokrav`` (Sweden's
    inkassoavgift), ``maksukehotus`` (Finland). Denmark's warning is the third rykker under
    renteloven § 9 b: its fee is a rykkergebyr.
    """
    if action is not ActionKind.COLLECTION_WARNING:
        return "reminder"
    if country == "NO":
        return "betalingsoppfordring" if follows_warning else "inkassovarsel"
    return {"SE": "inkassokrav", "FI": "maksukehotus"}.get(country, "reminder")

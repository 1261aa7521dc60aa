"""The law applied to one claim on one day: fee, compensation, interest and deadline, explained."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from bridge.domain import ZERO, Customer, CustomerKind, InterestCharge, Invoice
from policies import text
from policies.law.base import LawPack


@dataclass(frozen=True, slots=True)
class Amount:
    """An amount the law allows, the sentence that explains it and the rules it rests on."""

    value: Decimal
    note: str = ""
    basis: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Deadline:
    """A payment deadline set in a letter, and why it is that day."""

    day: date
    note: str


def short(citation: str) -> str:
    """Return a citation without its parenthesised gloss, for use inside a sentence."""
    return citation.split(" (", 1)[0]


def ordinal(number: int) -> str:
    """Spell 1 as 1st, 2 as 2nd, 11 as 11th."""
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def reminder_fee(
    law: LawPack,
    *,
    today: date,
    invoice: Invoice,
    customer: Customer,
    requested: Decimal,
    fee_dates: list[date],
    disputed: bool,
) -> Amount:
    """Cap the requested reminder fee by the statute: amount, count, spacing, conditions."""
    if requested <= ZERO:
        return Amount(ZERO, "No fee (the step asks for none).")
    rule = law.fee_rule(today)
    if rule is None:
        return Amount(ZERO, f"No fee: no statutory reminder fee applies on {today.isoformat()}.")
    basis = (rule.citation,)
    if invoice.currency != law.currency:
        return Amount(
            ZERO,
            f"No fee: the invoice is in {invoice.currency} and the statutory reminder fee is "
            f"set in {law.currency}.",
            basis,
        )
    if rule.requires_agreement and not customer.reminder_fee_agreed:
        return Amount(ZERO, "No fee: the customer did not agree to reminder fees.", basis)
    if disputed:
        return Amount(
            ZERO,
            "No fee: the customer disputes the claim.",
            (*basis, law.citations.fee_dispute),
        )
    earliest = invoice.due_date + timedelta(days=rule.earliest_days_after_due)
    if today < earliest:
        return Amount(
            ZERO,
            f"No fee: a reminder fee is allowed from {earliest.isoformat()} "
            f"(after the due date {invoice.due_date.isoformat()}).",
            basis,
        )
    if len(fee_dates) >= rule.max_count:
        return Amount(
            ZERO,
            f"No fee: the claim already had {len(fee_dates)} fee-bearing reminders, "
            f"the most the law allows ({short(rule.citation)}).",
            basis,
        )
    if fee_dates:
        gap = (today - fee_dates[-1]).days
        if gap < rule.min_spacing_days:
            return Amount(
                ZERO,
                f"No fee: only {text.days(gap)} since the previous fee-bearing reminder on "
                f"{fee_dates[-1].isoformat()}; a fee needs at least {rule.min_spacing_days} "
                f"({short(rule.citation)}).",
                (*basis, rule.spacing_citation) if rule.spacing_citation else basis,
            )
    fee = min(requested, rule.cap)
    why = f"{ordinal(len(fee_dates) + 1)} fee-bearing reminder"
    if fee_dates:
        gap = (today - fee_dates[-1]).days
        why += f", {text.days(gap)} after the previous one"
    note = f"Fee {text.amount(fee, law.currency)}: {why} ({short(rule.citation)})."
    if requested > rule.cap:
        note += (
            f" The policy asks for {text.amount(requested, law.currency)}; the law caps the fee "
            f"at {text.amount(rule.cap, law.currency)} per letter."
        )
    return Amount(fee, note, basis)


def compensation(
    law: LawPack,
    *,
    today: date,
    invoice: Invoice,
    customer: Customer,
    charged_on: date | None,
) -> Amount:
    """Decide the flat B2B compensation: businesses only, once per invoice, from its due date."""
    citation = law.citations.compensation
    if customer.kind != CustomerKind.BUSINESS:
        return Amount(
            ZERO,
            "No compensation: the customer is a consumer; the flat compensation applies only "
            "between businesses.",
            (citation,),
        )
    rule = law.compensation_rule(invoice.due_date)
    if rule is None:
        first = min((r.claims_due_from for r in law.compensations), default=None)
        since = f" (claims due from {first.isoformat()})" if first else ""
        return Amount(
            ZERO,
            f"No compensation: the claim fell due on {invoice.due_date.isoformat()}, before the "
            f"flat compensation applies{since}.",
            (citation,),
        )
    if invoice.currency != law.currency:
        return Amount(
            ZERO,
            f"No compensation: the invoice is in {invoice.currency} and the statutory amount is "
            f"set in {law.currency}.",
            (rule.citation,),
        )
    if charged_on is not None:
        return Amount(
            ZERO,
            f"No compensation: already charged on {charged_on.isoformat()} (once per invoice).",
        )
    if today <= invoice.due_date:
        return Amount(ZERO, "No compensation: the invoice is not overdue.")
    stacking = "on top of any reminder fees" if rule.stacks_with_fees else "instead of fees"
    return Amount(
        rule.amount,
        f"Compensation {text.amount(rule.amount, law.currency)}: flat compensation for a late "
        f"payment between businesses, once per invoice, {stacking} ({short(rule.citation)}).",
        (rule.citation,),
    )


def deadline(
    law: LawPack, *, today: date, days: int, statutory_minimum: int = 0, minimum_citation: str = ""
) -> Deadline:
    """Set a payment deadline ``days`` calendar days out, never on a non-banking day."""
    notes: list[str] = []
    if days < statutory_minimum:
        notes.append(
            f"the policy's {text.days(days)} were raised to the statutory {statutory_minimum} "
            f"({short(minimum_citation)})"
        )
        days = statutory_minimum
    raw = today + timedelta(days=days)
    day = law.next_banking_day(raw)
    if day != raw:
        notes.append(
            f"moved from {text.weekday(raw)} {raw.isoformat()} (not a banking day) to the next "
            "banking day"
        )
    extra = f"; {'; '.join(notes)}" if notes else ""
    return Deadline(day, f"Payment deadline {day.isoformat()} ({text.days(days)}{extra}).")


def interest_note(
    law: LawPack, charge: InterestCharge, *, currency: str, due_date: date, kind: CustomerKind
) -> str:
    """Explain an interest charge: amount, principal, days, rate and its parts, day count."""
    parts = []
    for period in charge.periods:
        rate = law.annual_rate(period.start, due_date, kind)
        parts.append(
            f"{text.amount(period.principal, currency)} for "
            f"{text.period(period.start, period.end)} ({text.days(period.days)}) at "
            f"{text.percent(rate.rate)} (reference {text.percent(rate.reference)} + "
            f"{text.points(rate.points)})"
        )
    head = f"Interest {text.amount(charge.amount, currency)}"
    citation = short(law.surcharge(due_date, kind).citation)
    if len(parts) == 1:
        return f"{head} on {parts[0]}, {charge.day_count} ({citation})."
    return (
        f"{head} for {text.period(charge.start, charge.end)}, {charge.day_count}, rounded once: "
        f"{'; '.join(parts)} ({citation})."
    )

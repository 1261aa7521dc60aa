"""The statutory compensation for recovery costs (B2B), national or converted from EUR 40."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from bridge.vocab.domain import ZERO, Customer, CustomerKind, Invoice
from policies import text
from policies.explained import Amount, short
from policies.law.base import CompensationRule, LawPack

if TYPE_CHECKING:
    from policies.ladder import CompensationPolicy


def compensation(
    law: LawPack,
    *,
    today: date,
    invoice: Invoice,
    customer: Customer,
    charged_on: date | None,
    fees_charged: Decimal = ZERO,
    due_date: date | None = None,
    foreign: CompensationPolicy | None = None,
) -> Amount:
    """Decide the flat B2B compensation: businesses only, once per invoice, from its due date.

    Where it does not stack with fees, the fees already charged on the claim are deducted, so
    fees and compensation together never exceed the larger of the two. ``due_date`` is the
    last day of timely payment (default the invoice's due date). ``foreign`` is the tenant's
    choice for invoices in another currency than the law's (None: the default, EUR 40 on a EUR
    invoice and nothing on any other foreign currency).
    """
    citation = law.citations.compensation
    if customer.kind != CustomerKind.BUSINESS:
        # No citation: a consumer's decision does not rest on the business-only statute.
        return Amount(
            ZERO,
            "No compensation: the customer is a consumer; the flat compensation applies only "
            "between businesses.",
        )
    rule = law.compensation_rule(invoice.due_date)
    if rule is None:
        first = min((r.claims_due_from for r in law.compensations), default=None)
        if first is not None and invoice.due_date >= first:
            return Amount(
                ZERO,
                f"No compensation: no statutory amount is known for claims due on "
                f"{invoice.due_date.isoformat()}; the pack charges none rather than guess.",
                (citation,),
            )
        since = f" (claims due from {first.isoformat()})" if first else ""
        return Amount(
            ZERO,
            f"No compensation: the claim fell due on {invoice.due_date.isoformat()}, before the "
            f"flat compensation applies{since}.",
            (citation,),
        )
    statutory, currency, conversion = rule.amount, law.currency, ""
    basis: tuple[str, ...] = (rule.citation,)
    if invoice.currency != law.currency:
        converted = _foreign_amount(law, rule, invoice.currency, foreign)
        if converted.value <= ZERO:
            return converted
        statutory, currency, conversion = converted.value, invoice.currency, converted.note
        basis += converted.basis
    if charged_on is not None:
        return Amount(
            ZERO,
            f"No compensation: already charged on {charged_on.isoformat()} (once per invoice).",
        )
    if today <= (due_date or invoice.due_date):
        return Amount(ZERO, "No compensation: the invoice is not overdue.")
    if rule.stacks_with_fees:
        stacking = "on top of any reminder fees"
    elif rule.relation == "offset":
        stacking = "offset against reminder fees, which it covers"
    else:
        stacking = "instead of fees"
    amount = statutory
    note = (
        f"Compensation {text.amount(amount, currency)}: flat compensation for a late "
        f"payment between businesses, once per invoice, {stacking} ({short(rule.citation)})."
    )
    if not rule.stacks_with_fees and fees_charged > ZERO:
        amount = max(ZERO, statutory - fees_charged)
        if amount <= ZERO:
            return Amount(
                ZERO,
                f"No compensation: the fees already charged on this claim "
                f"({text.amount(fees_charged, currency)}) reach the flat compensation of "
                f"{text.amount(statutory, currency)}, which they count against "
                f"({short(rule.citation)}). {conversion}".rstrip(),
                basis,
            )
        note = (
            f"Compensation {text.amount(amount, currency)}: the flat compensation of "
            f"{text.amount(statutory, currency)} for a late payment between businesses, "
            f"less the fees of {text.amount(fees_charged, currency)} already charged on "
            f"this claim, since it is {stacking} ({short(rule.citation)})."
        )
    if conversion:
        note += f" {conversion}"
    return Amount(amount, note, basis)


# The Late Payment Directive's fixed sum, which every national amount implements (law.md scope
# line and § 2.3 "EUR 40 converted to NOK"; § 4.2 FI EUR 40; DK 310 and SE 450 in §§ 1.3, 3.3).
DIRECTIVE_EUR = Decimal("40.00")


DIRECTIVE_CITATION = "Directive 2011/7/EU art. 6(1) (fixed sum of EUR 40 for recovery costs)"


_CENT = Decimal("0.01")


def _foreign_amount(
    law: LawPack, rule: CompensationRule, currency: str, foreign: CompensationPolicy | None
) -> Amount:
    """The compensation on an invoice in a foreign ``currency``, in that currency.

    A EUR invoice gets the directive's own EUR 40 unless the tenant chose to convert; any other
    currency the national amount divided by the tenant's rate (one unit in the law's currency),
    rounded half up to 0.01; without a rate, nothing (value zero, the note says what to set).
    """
    national = text.amount(rule.amount, law.currency)
    if currency == "EUR" and (foreign is None or foreign.eur_invoices == "directive"):
        return Amount(
            DIRECTIVE_EUR,
            f"The invoice is in EUR: the Late Payment Directive's fixed "
            f"{text.amount(DIRECTIVE_EUR, 'EUR')}, which the national amount {national} "
            'implements, needs no conversion (policy compensation.eur_invoices = "directive").',
            (DIRECTIVE_CITATION,),
        )
    rate = foreign.rate(currency) if foreign is not None else None
    if rate is None:
        return Amount(
            ZERO,
            f"No compensation: the invoice is in {currency} and the statutory amount is set in "
            f"{law.currency}; no exchange rate set for {currency}: set "
            f"compensation.rates.{currency} in the tenant policy (1 {currency} in "
            f"{law.currency}).",
            (rule.citation,),
        )
    assert foreign is not None
    value = (rule.amount / rate).quantize(_CENT, rounding=ROUND_HALF_UP)
    source = f" ({foreign.rates_source})" if foreign.rates_source else ""
    return Amount(
        value,
        f"The invoice is in {currency}: the national amount {national} converted at 1 {currency} = "
        f"{law.currency} {rate}{source}: {rule.amount} / {rate} = "
        f"{text.amount(value, currency)}, rounded to 0.01.",
    )

"""The claim: one model of what a debtor owes on one invoice, for every document that states it.

Per invoice the claim is the unpaid principal, each charge the bridge (or the vendor) issued
earlier (fee, interest, compensation) less what of it was paid, today's new charges, and the
interest accrued since the last charge. The engine's explanation, every letter's items and
totals, and the hand-over case file are rendered from this one value, so their totals agree to
the øre (docs/law.md "The claim and the order payments are applied in").

Pure: no I/O and no clock. Interest is priced by the caller (policies/interest.py ``accrue``)
and handed in as ``InterestCharge`` values.

What is paid of a charge. The connectors leave the documents our charges were booked on (fee
and interest invoices carrying our letter key) out of the snapshot, so no source system reports
their remainder today. ``StepRecord.unpaid`` carries it where a connector does; without it an
issued charge counts as unpaid in full. Payments the source system booked against the invoice
itself are applied in the country's order (``PaymentOrder``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from bridge.vocab.domain import (
    ZERO,
    ActionKind,
    Decision,
    InterestCharge,
    Invoice,
    Payment,
    StepRecord,
    StepStatus,
)
from policies.interest import PaidDown, principal_of
from policies.law.base import PaymentAllocation, PaymentOrder

_DAY = timedelta(days=1)


class ItemKind(StrEnum):
    """What a line of the claim is."""

    PRINCIPAL = "principal"
    FEE = "fee"
    INTEREST = "interest"  # interest charged in a letter
    COMPENSATION = "compensation"
    ACCRUED = "accrued"  # interest accrued since the last charge, not charged in any letter


_COSTS = frozenset({ItemKind.FEE, ItemKind.COMPENSATION})


@dataclass(frozen=True, slots=True)
class ClaimItem:
    """One line of the claim: what was charged, what of it was paid, and where it came from."""

    kind: ItemKind
    charged: Decimal
    paid: Decimal = ZERO
    day: date | None = None  # the letter that charged it; None: the invoice itself, accrued
    action: ActionKind | None = None
    step: int | None = None
    new: bool = False  # charged by today's letter
    start: date | None = None  # interest: the first day of its period
    end: date | None = None  # interest: the last day
    interest: InterestCharge | None = None  # interest: its periods with rates, where known

    @property
    def unpaid(self) -> Decimal:
        """What of the item is still owed."""
        return max(ZERO, self.charged - self.paid)

    @property
    def rate(self) -> Decimal | None:
        """The rate of the period's last stretch (the one in force at its end), where known."""
        return self.interest.rate if self.interest and self.interest.periods else None

    @property
    def base(self) -> Decimal | None:
        """The principal the last stretch of interest ran on, where known."""
        if self.interest and self.interest.periods:
            return self.interest.periods[-1].principal
        return None

    @property
    def placeholder(self) -> bool:
        """Tell whether a placeholder reference rate priced part of the interest."""
        return bool(self.interest and any(p.placeholder for p in self.interest.periods))


@dataclass(frozen=True, slots=True)
class Charges:
    """Today's charges on one invoice: the decision's fee, interest and compensation."""

    day: date
    action: ActionKind
    step: int
    fee: Decimal = ZERO
    interest: InterestCharge | None = None
    compensation: Decimal = ZERO

    @classmethod
    def of(cls, decision: Decision) -> Charges:
        """Read today's charges off a decision."""
        return cls(
            decision.date,
            decision.action,
            decision.step,
            decision.fee,
            decision.interest,
            decision.compensation,
        )


@dataclass(frozen=True, slots=True)
class Claim:
    """What the debtor owes on one invoice, item by item, and the totals every document states."""

    invoice_id: str
    currency: str
    items: tuple[ClaimItem, ...]
    order: PaymentOrder = PaymentOrder.PRINCIPAL_FIRST
    rule: str = ""  # the allocation rule and its source

    def _unpaid(self, *kinds: ItemKind) -> Decimal:
        return sum((i.unpaid for i in self.items if i.kind in kinds), ZERO)

    @property
    def principal(self) -> Decimal:
        """The principal still owed."""
        return self._unpaid(ItemKind.PRINCIPAL)

    @property
    def fees(self) -> Decimal:
        """Fees still owed, earlier and today's."""
        return self._unpaid(ItemKind.FEE)

    @property
    def compensation(self) -> Decimal:
        """Compensation still owed."""
        return self._unpaid(ItemKind.COMPENSATION)

    @property
    def costs(self) -> Decimal:
        """Fees and compensation still owed."""
        return self._unpaid(*_COSTS)

    @property
    def interest_charged(self) -> Decimal:
        """Interest charged in letters (earlier and today's) still owed."""
        return self._unpaid(ItemKind.INTEREST)

    @property
    def interest_accrued(self) -> Decimal:
        """Interest accrued since the last charge, not charged in any letter."""
        return self._unpaid(ItemKind.ACCRUED)

    @property
    def interest(self) -> Decimal:
        """All interest still owed: charged and accrued."""
        return self.interest_charged + self.interest_accrued

    @property
    def total(self) -> Decimal:
        """Principal, interest, fees and compensation still owed."""
        return sum((i.unpaid for i in self.items), ZERO)

    @property
    def paid(self) -> Decimal:
        """What payments on the invoice and on the charge documents paid of the claim."""
        return sum((i.paid for i in self.items), ZERO)

    @property
    def accrued(self) -> ClaimItem | None:
        """The interest accrued since the last charge, if any."""
        return next((i for i in self.items if i.kind is ItemKind.ACCRUED), None)

    @property
    def charges(self) -> tuple[ClaimItem, ...]:
        """Every charge still owed (not the principal), oldest first, today's last."""
        return tuple(i for i in self.items if i.kind is not ItemKind.PRINCIPAL and i.unpaid)

    @property
    def earlier(self) -> tuple[ClaimItem, ...]:
        """Charges from earlier letters still owed."""
        return tuple(
            i
            for i in self.items
            if i.kind in (ItemKind.FEE, ItemKind.INTEREST, ItemKind.COMPENSATION)
            and not i.new
            and i.unpaid
        )


# Prices the interest of a period already charged, for its rate(s): (start, end) -> charge.
Periods = Callable[[date, date], InterestCharge | None]


@dataclass(slots=True)
class _Open:
    """A charge while payments are applied to it."""

    kind: ItemKind
    record: StepRecord | None
    charged: Decimal
    paid: Decimal = ZERO
    start: date | None = None
    end: date | None = None

    @property
    def left(self) -> Decimal:
        return self.charged - self.paid

    def pay(self, amount: Decimal) -> Decimal:
        """Pay up to ``amount``; return what is left of it."""
        taken = min(self.left, amount)
        self.paid += taken
        return amount - taken


def issued_charges(records: Iterable[StepRecord], invoice_id: str) -> list[StepRecord]:
    """The issued steps on an invoice that charged something, oldest first."""
    return sorted(
        (
            r
            for r in records
            if r.invoice_id == invoice_id
            and r.status is StepStatus.ISSUED
            and (r.fee > ZERO or r.interest > ZERO or r.compensation > ZERO)
        ),
        key=lambda r: (r.date, r.step),
    )


def _charges(records: Sequence[StepRecord], first_interest: date | None) -> list[_Open]:
    """One open item per earlier charge, with each interest charge's period."""
    items: list[_Open] = []
    through = first_interest - _DAY if first_interest else None
    for record in records:
        parts = [
            _Open(ItemKind.FEE, record, record.fee),
            _Open(ItemKind.COMPENSATION, record, record.compensation),
        ]
        end = record.interest_to or record.date
        if record.interest > ZERO:
            start = through + _DAY if through is not None else None
            parts.append(_Open(ItemKind.INTEREST, record, record.interest, start=start, end=end))
        if record.interest > ZERO or record.interest_to is not None:
            through = end if through is None else max(through, end)
        kept = [p for p in parts if p.charged > ZERO]
        if record.unpaid is not None:
            # The source system reports the charge document's remainder: what is gone of it
            # was paid, costs first within the document.
            left = max(ZERO, sum((p.charged for p in kept), ZERO) - record.unpaid)
            for part in _ordered(kept):
                left = part.pay(left)
        items.extend(kept)
    return items


def _ordered(items: Iterable[_Open]) -> list[_Open]:
    """Costs before interest, each oldest first (a stable sort keeps the record order)."""
    return sorted(items, key=lambda i: 0 if i.kind in _COSTS else 1)


def _apply(
    invoice: Invoice,
    history: Sequence[StepRecord],
    payments: Iterable[Payment],
    order: PaymentOrder,
    first_interest: date | None = None,
) -> tuple[list[Payment], list[_Open], Decimal]:
    """Apply the invoice's payments in ``order``.

    Returns the principal's share of each payment, the earlier charges with what was paid of
    them, and what the invoice's payments paid of charges rather than of the principal.
    """
    charges = _charges(history, first_interest)
    own = sorted(
        (p for p in payments if p.invoice_id == invoice.id and p.amount > ZERO),
        key=lambda p: p.date,
    )
    if order is PaymentOrder.PRINCIPAL_FIRST or not charges:
        return own, charges, ZERO
    paid_total = max(ZERO, invoice.amount - max(invoice.outstanding, ZERO))
    # A part the source system reports no payment for has no date: it pays principal (the
    # debtor's reading), before any dated payment.
    budget = min(paid_total, sum((p.amount for p in own), ZERO))
    shares: list[Payment] = []
    diverted = ZERO
    for payment in own:
        amount = min(payment.amount, budget)
        budget -= amount
        start = amount
        due = [c for c in charges if c.record is not None and c.record.date <= payment.date]
        for item in _ordered(due):
            amount = item.pay(amount)
        diverted += start - amount
        if amount > ZERO:
            shares.append(Payment(invoice.id, payment.date, amount))
    return shares, charges, diverted


def interest_principal(
    invoice: Invoice,
    records: Iterable[StepRecord],
    payments: Iterable[Payment],
    order: PaymentOrder = PaymentOrder.PRINCIPAL_FIRST,
) -> PaidDown:
    """The interest-bearing principal per day, with payments applied in ``order``.

    Principal first: as ``principal_of``. Costs first: only the principal's share of each
    payment reduces it, from the day after that payment.
    """
    if order is PaymentOrder.PRINCIPAL_FIRST:
        return principal_of(invoice, payments)
    shares, _, diverted = _apply(invoice, issued_charges(records, invoice.id), payments, order)
    owed = replace(invoice, outstanding=max(invoice.outstanding, ZERO) + diverted)
    return principal_of(owed, shares)


def build(
    invoice: Invoice,
    records: Iterable[StepRecord],
    payments: Iterable[Payment] = (),
    *,
    allocation: PaymentAllocation | None = None,
    current: Charges | None = None,
    accrued: InterestCharge | None = None,
    first_interest: date | None = None,
    periods: Periods | None = None,
) -> Claim:
    """Assemble the claim on one invoice.

    ``records``: the step history (any invoice; only this invoice's issued charges count).
    ``payments``: payments booked against the invoice, applied in the allocation's order.
    ``current``: today's charges, not yet issued. ``accrued``: interest since the last charge
    that no letter charges (a hand-over's). ``first_interest``: the first interest day, to
    date the first interest charge's period. ``periods``: prices an earlier interest charge's
    period again, for the rates to show (the amount charged is kept as it was).
    """
    rule = allocation or PaymentAllocation()
    paid_list = list(payments)
    history = issued_charges(records, invoice.id)
    _, applied, diverted = _apply(invoice, history, paid_list, rule.order, first_interest)
    outstanding = max(invoice.outstanding, ZERO) + diverted
    items: list[ClaimItem] = [
        ClaimItem(
            ItemKind.PRINCIPAL,
            charged=invoice.amount if invoice.amount >= outstanding else outstanding,
            paid=max(ZERO, invoice.amount - outstanding),
        )
    ]
    for item in applied:
        record = item.record
        assert record is not None
        priced = None
        if item.kind is ItemKind.INTEREST and periods is not None and item.start is not None:
            assert item.end is not None
            priced = periods(item.start, item.end)
        items.append(
            ClaimItem(
                item.kind,
                charged=item.charged,
                paid=item.paid,
                day=record.date,
                action=record.action,
                step=record.step,
                start=item.start,
                end=item.end,
                interest=priced,
            )
        )
    if current is not None:
        charge = current.interest
        for kind, amount in (
            (ItemKind.INTEREST, charge.amount if charge else ZERO),
            (ItemKind.COMPENSATION, current.compensation),
            (ItemKind.FEE, current.fee),
        ):
            if amount > ZERO:
                items.append(
                    ClaimItem(
                        kind,
                        charged=amount,
                        day=current.day,
                        action=current.action,
                        step=current.step,
                        new=True,
                        start=charge.start if kind is ItemKind.INTEREST and charge else None,
                        end=charge.end if kind is ItemKind.INTEREST and charge else None,
                        interest=charge if kind is ItemKind.INTEREST else None,
                    )
                )
    if accrued is not None and accrued.amount > ZERO:
        items.append(
            ClaimItem(
                ItemKind.ACCRUED,
                charged=accrued.amount,
                start=accrued.start,
                end=accrued.end,
                interest=accrued,
            )
        )
    return Claim(invoice.id, invoice.currency, tuple(items), rule.order, rule.citation)

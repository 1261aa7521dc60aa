"""Each customer's track record: how many invoices went late, and at which step they paid.

The cost-benefit view a bookkeeper asks for before deciding whether chasing a customer is
worth it: letters sent and charges made against what came in after them. A pure function of
the snapshot, the step history and the decisions the store kept (which name the customer and
currency of invoices that have since left the snapshot).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from bridge.vocab.domain import (
    ZERO,
    ActionKind,
    Decision,
    Invoice,
    Snapshot,
    StepRecord,
    StepStatus,
)
from policies.steps import LADDER_ACTIONS, LETTER_ACTIONS

Fate = Literal["open", "paid", "closed", "handed_over"]


@dataclass(frozen=True, slots=True)
class InvoiceRecord:
    """What became of one invoice of the customer."""

    invoice_id: str
    currency: str
    late: bool
    fate: Fate
    # The furthest ladder step issued before payment (0: paid before any reminder); for an
    # open invoice the step it has reached so far.
    step: int
    letters: int
    charged: Decimal
    amount: Decimal | None  # unknown for an invoice only the store remembers


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    """One customer's record over every invoice the bridge knows of."""

    customer_id: str
    name: str
    invoices: tuple[InvoiceRecord, ...] = field(default=())

    @property
    def late(self) -> int:
        """How many invoices went (or are) past their due date unpaid."""
        return sum(1 for i in self.invoices if i.late)

    @property
    def paid_at_step(self) -> dict[int, int]:
        """How many invoices were paid after each step (0: before any reminder)."""
        counts = Counter(i.step for i in self.invoices if i.fate in ("paid", "closed") and i.late)
        return dict(sorted(counts.items()))

    @property
    def open_late(self) -> int:
        """How many invoices are overdue now."""
        return sum(1 for i in self.invoices if i.fate == "open" and i.late)

    @property
    def handed_over(self) -> int:
        """How many invoices went to collection."""
        return sum(1 for i in self.invoices if i.fate == "handed_over")

    @property
    def letters(self) -> int:
        """Letters sent (reminders and warnings, issued)."""
        return sum(i.letters for i in self.invoices)

    @property
    def charged(self) -> dict[str, Decimal]:
        """Fees, interest and compensation charged, per currency."""
        totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for item in self.invoices:
            totals[item.currency] += item.charged
        return {k: v for k, v in sorted(totals.items()) if v}

    @property
    def recovered(self) -> dict[str, Decimal]:
        """Invoice amounts paid after at least one letter, per currency (where known)."""
        totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for item in self.invoices:
            if item.fate == "paid" and item.step > 0 and item.amount is not None:
                totals[item.currency] += item.amount
        return dict(sorted(totals.items()))

    def summary(self) -> str:
        """One line for a person."""
        known = len(self.invoices)
        paid = ", ".join(
            f"{count} before any reminder" if step == 0 else f"{count} after step {step}"
            for step, count in self.paid_at_step.items()
        )
        parts = [f"{self.late} of {known} invoice(s) went late"]
        if paid:
            parts.append(f"paid: {paid}")
        if self.open_late:
            parts.append(f"{self.open_late} overdue now")
        if self.handed_over:
            parts.append(f"{self.handed_over} handed over")
        parts.append(f"{self.letters} letter(s)")
        charged = ", ".join(f"{c} {v:,.2f}" for c, v in self.charged.items())
        if charged:
            parts.append(f"charged {charged}")
        return "; ".join(parts) + "."


def track_records(
    today: date,
    snapshot: Snapshot,
    history: Iterable[StepRecord],
    decisions: Sequence[Decision] = (),
) -> list[CustomerRecord]:
    """Return every customer's record, by customer id."""
    by_invoice: dict[str, list[StepRecord]] = defaultdict(list)
    for record in dict.fromkeys((*history, *snapshot.steps)):
        by_invoice[record.invoice_id].append(record)
    remembered = {d.invoice_id: d for d in decisions}
    invoices: dict[str, Invoice] = {i.id: i for i in snapshot.invoices if i.amount >= ZERO}
    invoices.update({i.id: i for i in snapshot.settled})
    rows: dict[str, list[InvoiceRecord]] = defaultdict(list)
    for invoice in invoices.values():
        rows[invoice.customer_id].append(_known(today, invoice, by_invoice.get(invoice.id, [])))
    for invoice_id, records in by_invoice.items():
        if invoice_id in invoices or invoice_id not in remembered:
            continue  # an invoice nobody can place with a customer stays out
        decision = remembered[invoice_id]
        rows[decision.customer_id].append(_gone(decision, records))
    names = {c.id: c.name for c in snapshot.customers.values()}
    return [
        CustomerRecord(
            customer_id=cid,
            name=names.get(cid, cid),
            invoices=tuple(sorted(items, key=lambda i: i.invoice_id)),
        )
        for cid, items in sorted(rows.items())
    ]


def _issued(records: Iterable[StepRecord], through: date | None = None) -> list[StepRecord]:
    return [
        r
        for r in records
        if r.status == StepStatus.ISSUED and (through is None or r.date <= through)
    ]


def _ladder_step(records: Iterable[StepRecord]) -> int:
    steps = [r.step for r in records if r.action in LADDER_ACTIONS]
    return max(steps, default=0)


def _letters(records: Iterable[StepRecord]) -> int:
    return sum(1 for r in records if r.action in LETTER_ACTIONS)


def _charged(records: Iterable[StepRecord]) -> Decimal:
    return sum((r.fee + r.interest + r.compensation for r in records), ZERO)


def _known(today: date, invoice: Invoice, records: Sequence[StepRecord]) -> InvoiceRecord:
    """An invoice in the snapshot: open, or paid on a known day."""
    issued = _issued(records)
    handed = any(r.action == ActionKind.HANDOVER for r in issued)
    if not invoice.is_paid:
        return InvoiceRecord(
            invoice_id=invoice.id,
            currency=invoice.currency,
            late=today > invoice.due_date,
            fate="handed_over" if handed else "open",
            step=_ladder_step(issued),
            letters=_letters(issued),
            charged=_charged(issued),
            amount=invoice.amount,
        )
    paid_on = invoice.paid_date
    before = _issued(records, paid_on) if paid_on is not None else issued
    late = paid_on > invoice.due_date if paid_on is not None else bool(_ladder_step(issued))
    return InvoiceRecord(
        invoice_id=invoice.id,
        currency=invoice.currency,
        late=late,
        fate="handed_over" if handed else "paid",
        step=_ladder_step(before),
        letters=_letters(issued),
        charged=_charged(issued),
        amount=invoice.amount,
    )


def _gone(decision: Decision, records: Sequence[StepRecord]) -> InvoiceRecord:
    """An invoice only the store remembers: it left the open list (paid, credited, collected)."""
    issued = _issued(records)
    step = _ladder_step(issued)
    handed = any(r.action == ActionKind.HANDOVER for r in issued)
    return InvoiceRecord(
        invoice_id=decision.invoice_id,
        currency=decision.currency,
        late=step > 0,
        fate="handed_over" if handed else "closed",
        step=step,
        letters=_letters(issued),
        charged=_charged(issued),
        amount=None,
    )

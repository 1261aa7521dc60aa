"""Recovery: after each issued step, was the invoice paid in full before the next, how fast?"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from bridge.surfaces.report.money import Amounts
from bridge.surfaces.report.steps import CHASING, Period, Step, stage_key, stage_label
from bridge.vocab.domain import ZERO, ActionKind, Invoice, Payment, Snapshot


@dataclass
class Recovery:
    """What happened after one step: paid in full before the next step, money in, days."""

    key: str
    label: str
    action: str
    step: int
    reached: int = 0
    paid: int = 0
    partly_paid: int = 0
    recovered: Amounts = field(default_factory=Amounts)
    charged: Amounts = field(default_factory=Amounts)
    days: list[int] = field(default_factory=list)

    @property
    def rate(self) -> Decimal | None:
        """Percent of the invoices reaching this step that were paid in full after it."""
        if not self.reached:
            return None
        return (Decimal(100) * self.paid / self.reached).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def median_days(self) -> Decimal | None:
        """Median days from the step to the payment, of the invoices paid with a known date."""
        return Decimal(str(median(self.days))) if self.days else None


@dataclass
class RecoverySummary:
    """Did chasing pay off: dunned invoices, how many paid, money in, charges raised."""

    dunned: int = 0
    paid: int = 0
    still_open: int = 0
    handed_over: int = 0
    paid_after_first_step: int = 0
    recovered: Amounts = field(default_factory=Amounts)
    charged: Amounts = field(default_factory=Amounts)


def _closed_on(invoice: Invoice | None, payments: Sequence[Payment]) -> date | None:
    """When an invoice that is no longer open was settled, where known."""
    if invoice is not None and invoice.paid_date is not None:
        return invoice.paid_date
    return max((p.date for p in payments), default=None)


def _after(
    s: Step,
    following: date | None,
    payments: Sequence[Payment],
    is_open: bool,
    closed: date | None,
) -> tuple[Decimal, bool]:
    """Money in after step ``s`` (until the next step), and whether the invoice was settled."""
    money = sum(
        (
            p.amount
            for p in payments
            if p.date > s.date and (following is None or p.date <= following)
        ),
        ZERO,
    )
    if is_open:
        return money, False
    if closed is None:
        # Settled with no payment on record: credit the last step with what was outstanding.
        if following is None and money == ZERO and s.outstanding is not None:
            money = s.outstanding
        return money, following is None
    return money, closed > s.date and (following is None or closed <= following)


def recovery(
    snapshot: Snapshot, steps: Iterable[Step], period: Period
) -> tuple[list[Recovery], RecoverySummary]:
    """After each issued step dated in the period: paid in full before the next step? How fast?

    A payment counts for the last issued step dated before it (a payment on the day of a step
    was on its way already). An invoice no longer open with no payment on record (paid on time
    after a pre-due notice, or credited) counts as settled after its last step, days unknown.
    """
    open_ids = {i.id: i for i in snapshot.invoices if i.outstanding > ZERO}
    settled = {i.id: i for i in snapshot.settled}
    payments: dict[str, list[Payment]] = defaultdict(list)
    for p in snapshot.payments:
        payments[p.invoice_id].append(p)
    issued: dict[str, list[Step]] = defaultdict(list)
    for s in steps:
        if s.action in CHASING and s.state == "issued":
            issued[s.invoice_id].append(s)
    rows: dict[str, Recovery] = {}
    summary = RecoverySummary()
    for invoice_id, chain in issued.items():
        chain.sort(key=lambda s: (s.date, s.step))
        in_period = [s for s in chain if s.date in period]
        if not in_period:
            continue
        summary.dunned += 1
        is_open = invoice_id in open_ids
        closed = None if is_open else _closed_on(settled.get(invoice_id), payments[invoice_id])
        if is_open:
            summary.still_open += 1
        else:
            summary.paid += 1
        if any(s.action is ActionKind.HANDOVER for s in chain):
            summary.handed_over += 1
        for index, s in enumerate(chain):
            if s.date not in period:
                continue
            following = chain[index + 1].date if index + 1 < len(chain) else None
            row = rows.setdefault(
                stage_key(s.action, s.step),
                Recovery(
                    stage_key(s.action, s.step),
                    stage_label(s.action, s.step),
                    s.action.value,
                    s.step,
                ),
            )
            row.reached += 1
            row.charged.add(s.currency, s.charges)
            summary.charged.add(s.currency, s.charges)
            money, paid_here = _after(s, following, payments[invoice_id], is_open, closed)
            if money > ZERO:
                row.recovered.add(s.currency, money)
                summary.recovered.add(s.currency, money)
            if paid_here:
                row.paid += 1
                if closed is not None:
                    row.days.append((closed - s.date).days)
                if index == 0:
                    summary.paid_after_first_step += 1
            elif money > ZERO:
                row.partly_paid += 1
    ordered = sorted(
        rows.values(),
        key=lambda r: (r.action != ActionKind.PRE_DUE_NOTICE.value, r.step, r.action),
    )
    return ordered, summary

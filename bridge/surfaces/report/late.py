"""Repeatedly late customers: two or more invoices paid after the due date or overdue now."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from bridge.surfaces.report.money import Amounts
from bridge.surfaces.report.steps import CHASING, LIVE_STATES, Step, stage_label
from bridge.vocab.domain import ZERO, Snapshot

REPEATEDLY_LATE = 2  # late invoices that make a customer "repeatedly late"


@dataclass
class LateCustomer:
    """A customer with two or more invoices paid late or overdue now."""

    customer: str
    name: str
    late_invoices: int
    paid_late: int
    overdue_now: int
    dunned: int
    highest_step: str | None
    average_days_late: Decimal
    max_days_late: int
    overdue: Amounts


def late_customers(
    snapshot: Snapshot, steps: Iterable[Step], today: date, names: Mapping[str, str]
) -> list[LateCustomer]:
    """Customers with at least two invoices paid after the due date or overdue today."""
    late: dict[str, list[int]] = defaultdict(list)
    paid_late: dict[str, int] = defaultdict(int)
    overdue_now: dict[str, int] = defaultdict(int)
    overdue: dict[str, Amounts] = defaultdict(Amounts)
    for invoice in snapshot.settled:
        if invoice.paid_date is not None and invoice.paid_date > invoice.due_date:
            late[invoice.customer_id].append((invoice.paid_date - invoice.due_date).days)
            paid_late[invoice.customer_id] += 1
    for invoice in snapshot.invoices:
        if invoice.outstanding > ZERO and invoice.due_date < today:
            late[invoice.customer_id].append((today - invoice.due_date).days)
            overdue_now[invoice.customer_id] += 1
            overdue[invoice.customer_id].add(invoice.currency, invoice.outstanding)
    dunned: dict[str, set[str]] = defaultdict(set)
    highest: dict[str, Step] = {}
    for s in steps:
        if s.action in CHASING and s.state in LIVE_STATES and s.customer_id:
            dunned[s.customer_id].add(s.invoice_id)
            top = highest.get(s.customer_id)
            if top is None or s.step > top.step:
                highest[s.customer_id] = s
    out = []
    for customer, days in late.items():
        if len(days) < REPEATEDLY_LATE:
            continue
        top = highest.get(customer)
        out.append(
            LateCustomer(
                customer=customer,
                name=names.get(customer, customer),
                late_invoices=len(days),
                paid_late=paid_late[customer],
                overdue_now=overdue_now[customer],
                dunned=len(dunned[customer]),
                highest_step=stage_label(top.action, top.step) if top else None,
                average_days_late=(Decimal(sum(days)) / len(days)).quantize(
                    Decimal("0.1"), rounding=ROUND_HALF_UP
                ),
                max_days_late=max(days),
                overdue=overdue[customer],
            )
        )
    out.sort(key=lambda c: (-c.late_invoices, -c.max_days_late, c.name))
    return out

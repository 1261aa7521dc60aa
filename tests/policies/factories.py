"""Small builders for policy tests: one customer, one invoice, a snapshot, a step record."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from bridge.vocab.domain import (
    ActionKind,
    Customer,
    CustomerKind,
    Decision,
    Dispute,
    Hold,
    Instalment,
    Invoice,
    Payment,
    Promise,
    Snapshot,
    StepRecord,
    StepStatus,
)
from policies.engine import decide
from policies.ladder import TenantPolicy
from policies.law import for_country

DK = for_country("DK")
D = Decimal


def customer(cid: str = "C1", kind: CustomerKind = CustomerKind.BUSINESS, **extra: Any) -> Customer:
    """A Danish customer, a business unless told otherwise."""
    return Customer(id=cid, name=f"Customer {cid}", kind=kind, **extra)


def invoice(
    iid: str = "1001",
    *,
    due: date = date(2026, 1, 19),
    amount: str = "10000.00",
    outstanding: str | None = None,
    customer_id: str = "C1",
    currency: str = "DKK",
    **extra: Any,
) -> Invoice:
    """An invoice issued 14 days before its due date."""
    return Invoice(
        id=iid,
        number=iid,
        customer_id=customer_id,
        issue_date=date.fromordinal(due.toordinal() - 14),
        due_date=due,
        currency=currency,
        amount=D(amount),
        outstanding=D(outstanding if outstanding is not None else amount),
        **extra,
    )


def snapshot(
    invoices: Iterable[Invoice],
    *,
    customers: Iterable[Customer] | None = None,
    payments: Sequence[Payment] = (),
    disputes: Sequence[Dispute] = (),
    steps: Sequence[StepRecord] = (),
    settled: Sequence[Invoice] = (),
    holds: Sequence[Hold] = (),
    promises: Sequence[Promise] = (),
) -> Snapshot:
    """A snapshot; the customers default to one business per customer id used."""
    invoices = tuple(invoices)
    if customers is None:
        ids = sorted({i.customer_id for i in (*invoices, *settled)})
        customers = [customer(cid) for cid in ids]
    return Snapshot(
        tenant="t1",
        fetched_at=datetime(2026, 1, 1, tzinfo=UTC),
        customers={c.id: c for c in customers},
        invoices=invoices,
        payments=tuple(payments),
        disputes=tuple(disputes),
        steps=tuple(steps),
        settled=tuple(settled),
        holds=tuple(holds),
        promises=tuple(promises),
    )


def record(
    invoice_id: str,
    action: ActionKind,
    step: int,
    day: date,
    *,
    status: StepStatus = StepStatus.ISSUED,
    fee: str = "0",
    interest: str = "0",
    interest_to: date | None = None,
    compensation: str = "0",
    deadline: date | None = None,
    source: str = "bridge",
    document: str | None = None,
) -> StepRecord:
    """A step already taken."""
    return StepRecord(
        invoice_id=invoice_id,
        action=action,
        step=step,
        date=day,
        status=status,
        fee=D(fee),
        interest=D(interest),
        interest_to=interest_to,
        compensation=D(compensation),
        deadline=deadline,
        source=source,
        document=document,
    )


def promise(
    *parts: tuple[date, str],
    made: date,
    pid: str = "1",
    invoice_id: str | None = None,
    customer_id: str | None = None,
    currency: str = "DKK",
    ended: date | None = None,
) -> Promise:
    """A promise to pay ``parts`` (day, amount), made on ``made``, for an invoice or a customer."""
    return Promise(
        id=pid,
        customer_id=customer_id,
        invoice_id=invoice_id,
        made_on=made,
        currency=currency,
        instalments=tuple(Instalment(day, Decimal(amount)) for day, amount in parts),
        ended=ended,
    )


def policy(data: Mapping[str, Any] | None = None) -> TenantPolicy:
    """The Danish default policy with ``data`` laid over it."""
    return TenantPolicy.from_mapping(data or {}, "DK")


def reminders(
    count: int, *, days: int = 10, fee: str = "100", first_days: int = 1
) -> dict[str, Any]:
    """A ladder of ``count`` fee-bearing reminders, ``days`` apart."""
    steps = [
        {"action": "reminder", "days": first_days if i == 0 else days, "fee": fee}
        for i in range(count)
    ]
    return {"steps": steps}


def run(
    today: date,
    snap: Snapshot,
    history: Sequence[StepRecord] = (),
    tenant_policy: TenantPolicy | None = None,
) -> list[Decision]:
    """Call decide() with the Danish law pack."""
    return decide(today, snap, history, DK, tenant_policy or policy())


def replay(
    start: date,
    end: date,
    snap_for: Any,
    tenant_policy: TenantPolicy,
) -> tuple[list[Decision], list[StepRecord]]:
    """Run decide() every day, accepting each decision as issued: a tiny simulation."""
    history: list[StepRecord] = []
    decisions: list[Decision] = []
    for ordinal in range(start.toordinal(), end.toordinal() + 1):
        today = date.fromordinal(ordinal)
        for decision in decide(today, snap_for(today), history, DK, tenant_policy):
            decisions.append(decision)
            history.append(as_record(decision))
    return decisions, history


def as_record(decision: Decision) -> StepRecord:
    """The store's record of an accepted decision."""
    return StepRecord(
        invoice_id=decision.invoice_id,
        action=decision.action,
        step=decision.step,
        date=decision.date,
        fee=decision.fee,
        interest=decision.interest_amount,
        interest_to=decision.interest.end if decision.interest else None,
        compensation=decision.compensation,
        deadline=decision.deadline,
        document=decision.letter,
    )

"""Builders for report tests: invoices, payments, outbox letters and tenant inputs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

from bridge.store.outbox import OutboxLetter
from bridge.surfaces.report.steps import Period, TenantInputs
from bridge.vocab.domain import (
    ActionKind,
    Customer,
    CustomerKind,
    Decision,
    Invoice,
    Letter,
    Payment,
    Snapshot,
    StepRecord,
)

TODAY = date(2026, 3, 16)
AT = datetime(2026, 3, 16, 7, tzinfo=UTC)
PERIOD = Period(date(2026, 1, 1), TODAY)


def customer(cid: str, name: str | None = None) -> Customer:
    return Customer(id=cid, name=name or f"Customer {cid}", kind=CustomerKind.BUSINESS)


def invoice(
    iid: str,
    due: date,
    outstanding: str,
    *,
    cust: str = "C1",
    amount: str | None = None,
    currency: str = "DKK",
    paid: date | None = None,
) -> Invoice:
    return Invoice(
        id=iid,
        number=f"N{iid}",
        customer_id=cust,
        issue_date=date(2025, 12, 1),
        due_date=due,
        currency=currency,
        amount=Decimal(amount or outstanding),
        outstanding=Decimal(outstanding),
        paid_date=paid,
    )


def pay(iid: str, day: date, amount: str) -> Payment:
    return Payment(invoice_id=iid, date=day, amount=Decimal(amount))


def decision(
    inv: Invoice,
    day: date,
    step: int,
    action: ActionKind = ActionKind.REMINDER,
    *,
    fee: str = "0.00",
    basis: Sequence[str] = (),
) -> Decision:
    return Decision(
        tenant="t",
        invoice_id=inv.id,
        invoice_number=inv.number,
        customer_id=inv.customer_id,
        date=day,
        action=action,
        step=step,
        currency=inv.currency,
        outstanding=inv.amount,
        fee=Decimal(fee),
        legal_basis=tuple(basis),
    )


def letter(state: str, *decisions: Decision, document: str = "D1") -> OutboxLetter:
    first = decisions[0]
    return OutboxLetter(
        letter=Letter(
            tenant="t",
            customer_id=first.customer_id,
            action=first.action,
            step=first.step,
            date=first.date,
            currency=first.currency,
            decisions=tuple(decisions),
        ),
        text="",
        state=state,
        document=document,
        created_at=AT,
        updated_at=AT,
        detail="",
    )


def snapshot(
    invoices: Sequence[Invoice] = (),
    *,
    settled: Sequence[Invoice] = (),
    payments: Sequence[Payment] = (),
    steps: Sequence[StepRecord] = (),
    customers: Sequence[Customer] = (),
) -> Snapshot:
    known = {c.id: c for c in customers}
    for inv in (*invoices, *settled):
        known.setdefault(inv.customer_id, customer(inv.customer_id))
    return Snapshot(
        tenant="t",
        fetched_at=AT,
        customers=known,
        invoices=tuple(invoices),
        payments=tuple(payments),
        steps=tuple(steps),
        settled=tuple(settled),
    )


def inputs(
    snap: Snapshot,
    letters: Sequence[OutboxLetter] = (),
    *,
    blocked: Sequence[tuple[str, str]] = (),
    upcoming: Sequence[Decision] = (),
    period: Period = PERIOD,
    country: str = "DK",
) -> TenantInputs:
    return TenantInputs(
        tenant="t",
        system="economic",
        country=country,
        company="Kontor ApS",
        today=TODAY,
        period=period,
        snapshot=snap,
        letters=letters,
        blocked=blocked,
        upcoming=upcoming,
    )

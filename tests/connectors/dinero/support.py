"""Helpers shared by the Dinero tests: a tenant context on the sandbox, letters to write."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import httpx

from bridge.vocab.connector import TenantContext
from bridge.vocab.domain import ActionKind, Decision, InterestCharge, Letter, Mode, Snapshot
from bridge.vocab.secrets import StaticSecrets
from connectors.dinero import CONNECTOR
from connectors.dinero.sandbox.server import DineroSandbox
from connectors.dinero.session import DineroSession

TODAY = date(2026, 3, 16)


def secrets() -> StaticSecrets:
    return StaticSecrets("demo", CONNECTOR.sandbox_secrets)


def ctx(
    transport: httpx.BaseTransport,
    mode: Mode = Mode.REVIEW,
    options: dict[str, str] | None = None,
    store: StaticSecrets | None = None,
) -> TenantContext:
    return TenantContext(
        tenant="demo",
        country="DK",
        mode=mode,
        secrets=store or secrets(),
        transport=transport,
        options=options or {},
    )


def open_session(sandbox: DineroSandbox, mode: Mode = Mode.REVIEW, **options: str) -> DineroSession:
    session = CONNECTOR.open(ctx(sandbox.transport(), mode, options))
    assert isinstance(session, DineroSession)
    return session


def decision(
    snapshot: Snapshot,
    invoice_id: str,
    *,
    action: ActionKind = ActionKind.REMINDER,
    step: int = 1,
    fee: str = "0.00",
    interest: str | None = None,
    compensation: str = "0.00",
    day: date = TODAY,
) -> Decision:
    invoice = next(i for i in (*snapshot.invoices, *snapshot.settled) if i.id == invoice_id)
    charge = (
        InterestCharge(
            start=invoice.due_date + timedelta(days=1),
            end=day,
            amount=Decimal(interest),
            periods=(),
            day_count="actual/365",
        )
        if interest is not None
        else None
    )
    return Decision(
        tenant="demo",
        invoice_id=invoice.id,
        invoice_number=invoice.number,
        customer_id=invoice.customer_id,
        date=day,
        action=action,
        step=step,
        currency=invoice.currency,
        outstanding=invoice.outstanding,
        fee=Decimal(fee),
        interest=charge,
        compensation=Decimal(compensation),
        deadline=day + timedelta(days=10),
    )


def letter(*decisions: Decision) -> Letter:
    first = decisions[0]
    return Letter(
        "demo", first.customer_id, first.action, first.step, first.date, first.currency, decisions
    )


def overdue_without_reminders(sandbox: DineroSandbox, snapshot: Snapshot) -> list[str]:
    """Overdue invoices of ordinary debtors that Dinero holds no reminder for."""
    return [
        i.id
        for i in snapshot.invoices
        if i.due_date < TODAY
        and not sandbox.state.reminders.get(i.id)
        and snapshot.customers[i.customer_id].do_not_dun_reason is None
    ]

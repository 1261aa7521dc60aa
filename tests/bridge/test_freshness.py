"""The stale-data guard: charges wait while the payments look out of date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from bridge.engine.freshness import guard, payments_as_of
from bridge.vocab.domain import ActionKind, Decision, Payment, Snapshot

TODAY = date(2026, 3, 16)


def _decision(invoice: str, fee: str) -> Decision:
    return Decision(
        tenant="t",
        invoice_id=invoice,
        invoice_number=invoice,
        customer_id="1",
        date=TODAY,
        action=ActionKind.REMINDER,
        step=1,
        currency="DKK",
        outstanding=Decimal("1000.00"),
        fee=Decimal(fee),
    )


def _snapshot(*paid_on: date) -> Snapshot:
    return Snapshot(
        tenant="t",
        fetched_at=datetime(2026, 3, 16, 7, tzinfo=UTC),
        customers={},
        invoices=(),
        payments=tuple(Payment("9", day, Decimal("10.00")) for day in paid_on),
    )


PLAN = [_decision("1", "0.00"), _decision("2", "100.00")]


def test_off_by_default() -> None:
    assert guard(PLAN, _snapshot(), TODAY, None) == (PLAN, None)


def test_fresh_payments_let_every_step_go() -> None:
    snapshot = _snapshot(TODAY - timedelta(days=10), TODAY - timedelta(days=3))
    assert payments_as_of(snapshot) == TODAY - timedelta(days=3)
    assert guard(PLAN, snapshot, TODAY, 3) == (PLAN, None)  # exactly at the threshold


def test_stale_payments_hold_back_charges_only() -> None:
    plan, why = guard(PLAN, _snapshot(TODAY - timedelta(days=4)), TODAY, 3)
    assert [d.invoice_id for d in plan] == ["1"]
    assert why is not None
    assert "newest payment is from 2026-03-12" in why
    assert "1 step(s)" in why


def test_no_payment_at_all_counts_as_stale() -> None:
    plan, why = guard(PLAN, _snapshot(), TODAY, 5)
    assert [d.invoice_id for d in plan] == ["1"]
    assert why is not None
    assert "no payment is recorded" in why

"""Invariants of decide() in Denmark over generated ladders, invoices and payment histories.

The expected numbers are Denmark's statute typed in by hand (tests/policies/statute.py, with
the law.md sections), never the law pack's own tables. Waits and deadlines aim at the statute's
boundaries (one day short, exactly, one day over) and payments include overpayments and payments
on those boundary days.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bridge.vocab.domain import CustomerKind, Decision, Invoice, Payment, Snapshot
from policies.engine import decide
from policies.ladder import TenantPolicy
from tests.policies import statute
from tests.policies.boundaries import days_near, examples, fees_near
from tests.policies.factories import DK, customer, replay, snapshot

D = Decimal
FIRST_DUE = date(2025, 1, 1)
LAST_DUE = date(2026, 8, 31)
SPAN = 110  # days replayed after the earliest due date (stays inside the rate table)


@st.composite
def ladders(draw: st.DrawFn) -> dict[str, Any]:
    """A valid ladder: letters, then optionally a warning and a hand-over."""
    count = draw(st.integers(1, 6))
    steps: list[dict[str, Any]] = []
    for _ in range(count):
        steps.append(
            {
                "action": draw(st.sampled_from(["reminder", "collection_warning"])),
                "days": draw(days_near("DK", 0, 15)),
                "fee": draw(st.one_of(fees_near("DK"), st.integers(0, 250).map(str))),
                "interest": draw(st.booleans()),
                "compensation": draw(st.booleans()),
                "deadline_days": draw(days_near("DK", 1, 15).filter(lambda d: d >= 1)),
            }
        )
    if draw(st.booleans()):
        steps.append({"action": "collection_warning", "days": 10, "fee": "100"})
        steps.append({"action": "handover", "days": draw(st.integers(0, 15))})
    return {
        "steps": steps,
        "combine_invoices": draw(st.booleans()),
        "day_count": draw(st.sampled_from(["actual/365", "30/360"])),
        "lenient_due_date": draw(st.booleans()),
    }


@dataclass(frozen=True)
class Book:
    """Invoices and payments for a replay; the snapshot of a day follows from them."""

    invoices: tuple[Invoice, ...]
    payments: tuple[Payment, ...]
    kinds: dict[str, CustomerKind]

    def snapshot_for(self, day: date) -> Snapshot:
        paid = [p for p in self.payments if p.date <= day]
        open_, settled = [], []
        for inv in self.invoices:
            received = sum((p.amount for p in paid if p.invoice_id == inv.id), D(0))
            outstanding = inv.amount - received
            copy = Invoice(
                id=inv.id,
                number=inv.number,
                customer_id=inv.customer_id,
                issue_date=inv.issue_date,
                due_date=inv.due_date,
                currency=inv.currency,
                amount=inv.amount,
                outstanding=outstanding,
                paid_date=max((p.date for p in paid if p.invoice_id == inv.id), default=None),
            )
            (settled if outstanding <= 0 else open_).append(copy)
        customers = [customer(cid, kind=kind) for cid, kind in self.kinds.items()]
        return snapshot(open_, customers=customers, payments=paid, settled=settled)


@st.composite
def books(draw: st.DrawFn) -> Book:
    """One to four invoices of one or two customers, some partly or fully paid."""
    kinds = {
        "C1": draw(st.sampled_from(list(CustomerKind))),
        "C2": draw(st.sampled_from(list(CustomerKind))),
    }
    base = draw(st.dates(FIRST_DUE, LAST_DUE))
    invoices: list[Invoice] = []
    payments: list[Payment] = []
    for index in range(draw(st.integers(1, 4))):
        due = base + timedelta(days=draw(st.integers(0, 20)))
        amount = D(draw(st.integers(5_000, 5_000_000))) / 100
        iid = f"{1000 + index}"
        invoices.append(
            Invoice(
                id=iid,
                number=iid,
                customer_id=draw(st.sampled_from(["C1", "C2"])),
                issue_date=due - timedelta(days=14),
                due_date=due,
                currency=draw(st.sampled_from(["DKK", "DKK", "DKK", "EUR"])),
                amount=amount,
                outstanding=amount,
            )
        )
        for _ in range(draw(st.integers(0, 2))):
            # Whole, part and over-payments, on any day or on a statutory boundary day.
            share = draw(st.one_of(st.just(100), st.integers(1, 100), st.integers(101, 150)))
            part = D(share) / 100 * amount
            offset = draw(st.one_of(st.integers(-5, SPAN), days_near("DK")))
            payments.append(Payment(iid, due + timedelta(days=offset), part.quantize(D("0.01"))))
    return Book(tuple(invoices), tuple(payments), kinds)


def _replay(ladder: dict[str, Any], book: Book) -> list[Decision]:
    policy = TenantPolicy.from_mapping(ladder, "DK")
    start = min(i.due_date for i in book.invoices) - timedelta(days=5)
    decisions, _ = replay(start, start + timedelta(days=SPAN), book.snapshot_for, policy)
    return decisions


def _by_invoice(decisions: list[Decision]) -> dict[str, list[Decision]]:
    grouped: dict[str, list[Decision]] = defaultdict(list)
    for decision in decisions:
        grouped[decision.invoice_id].append(decision)
    return grouped


def _fee_bearing_days(decisions: list[Decision]) -> dict[str, list[date]]:
    """Days a letter with a fee reached each claim (the fee counts against every claim in it)."""
    paying = {d.letter for d in decisions if d.fee > 0}
    days: dict[str, list[date]] = defaultdict(list)
    for decision in decisions:
        if decision.fee > 0 or decision.letter in paying:
            days[decision.invoice_id].append(decision.date)
    return days


# The profile (tests/conftest.py) scales the examples: twice as many, derandomized, in CI.
PROPERTY = settings(deadline=None, max_examples=examples(40))
FEE = statute.DK.fees[0]


@PROPERTY
@given(ladders(), books())
def test_fees_stay_within_the_statute(ladder: dict[str, Any], book: Book) -> None:
    decisions = _replay(ladder, book)
    assert all(D(0) <= d.fee <= FEE.cap for d in decisions)
    for days in _fee_bearing_days(decisions).values():
        assert len(days) <= FEE.max_count
        assert all((b - a).days >= FEE.spacing_days for a, b in pairwise(days))
    for decision in decisions:
        if decision.fee > 0:
            inv = next(i for i in book.invoices if i.id == decision.invoice_id)
            assert decision.date > inv.due_date
            assert decision.currency == "DKK"


@PROPERTY
@given(ladders(), books())
def test_compensation_once_per_invoice_and_only_for_businesses(
    ladder: dict[str, Any], book: Book
) -> None:
    decisions = _replay(ladder, book)
    for invoice_id, own in _by_invoice(decisions).items():
        charged = [d.compensation for d in own if d.compensation > 0]
        inv = next(i for i in book.invoices if i.id == invoice_id)
        # DKK 310 on a DKK invoice; the directive's EUR 40 on a EUR one (no rates set here).
        expected = statute.DK_COMPENSATION if inv.currency == "DKK" else D(40)
        assert charged in ([], [expected])
        if charged:
            assert book.kinds[inv.customer_id] == CustomerKind.BUSINESS
            assert inv.currency in {"DKK", "EUR"}


@PROPERTY
@given(ladders(), books())
def test_interest_is_non_negative_and_periods_are_consecutive(
    ladder: dict[str, Any], book: Book
) -> None:
    decisions = _replay(ladder, book)
    for invoice_id, own in _by_invoice(decisions).items():
        charges = [d.interest for d in own if d.interest is not None]
        inv = next(i for i in book.invoices if i.id == invoice_id)
        if charges:
            assert charges[0].start > inv.due_date
        for charge in charges:
            assert charge.amount > 0
            assert charge.start <= charge.end
            assert charge.periods[0].start == charge.start
            assert charge.periods[-1].end == charge.end
            for a, b in pairwise(charge.periods):
                assert b.start == a.end + timedelta(days=1)
        for a, b in pairwise(charges):
            assert b.start == a.end + timedelta(days=1)


def _twice(call: Callable[[], list[Decision]]) -> tuple[list[Decision], list[Decision]]:
    return call(), call()


@PROPERTY
@given(ladders(), books(), st.integers(0, SPAN))
def test_decide_is_deterministic(ladder: dict[str, Any], book: Book, offset: int) -> None:
    policy = TenantPolicy.from_mapping(ladder, "DK")
    start = min(i.due_date for i in book.invoices)
    _, history = replay(start, start + timedelta(days=offset), book.snapshot_for, policy)
    today = start + timedelta(days=offset + 1)
    snap = book.snapshot_for(today)
    first, second = _twice(lambda: decide(today, snap, history, DK, policy))
    assert first == second
    shuffled = Snapshot(
        tenant=snap.tenant,
        fetched_at=snap.fetched_at,
        customers=snap.customers,
        invoices=tuple(reversed(snap.invoices)),
        payments=tuple(reversed(snap.payments)),
        disputes=snap.disputes,
        settled=tuple(reversed(snap.settled)),
    )
    assert decide(today, shuffled, list(reversed(history)), DK, policy) == first

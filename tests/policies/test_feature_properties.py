"""Invariants over generated ledgers with holds, disputes, pauses and promises to pay.

No step on a paid, disputed, held or paused invoice, nor while a promise covering it is kept;
a broken promise resumes dunning at the next step; steps never go backwards.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import event, given, settings
from hypothesis import strategies as st

from bridge.vocab.domain import (
    ZERO,
    ActionKind,
    Decision,
    Dispute,
    Hold,
    Instalment,
    Invoice,
    Payment,
    Promise,
    Snapshot,
)
from policies.ladder import TenantPolicy
from policies.promises import PromiseState, assess, covered
from policies.steps import LADDER_ACTIONS
from tests.policies import statute
from tests.policies.boundaries import examples
from tests.policies.factories import DK, replay, snapshot

D = Decimal
SPAN = 120
LADDER = TenantPolicy.default("DK")  # 3, 10, 10 and 11 days: a hand-over within 34 days


@dataclass(frozen=True)
class Ledger:
    """Invoices, payments and marks; the snapshot of a day follows from them."""

    invoices: tuple[Invoice, ...]
    payments: tuple[Payment, ...]
    holds: tuple[Hold, ...]
    disputes: tuple[Dispute, ...]
    promises: tuple[Promise, ...]

    def open_on(self, day: date) -> list[Invoice]:
        return [i for i in self.snapshot_for(day).invoices if i.outstanding > ZERO]

    def snapshot_for(self, day: date) -> Snapshot:
        paid = [p for p in self.payments if p.date <= day]
        open_, settled = [], []
        for inv in self.invoices:
            mine = [p for p in paid if p.invoice_id == inv.id]
            outstanding = inv.amount - sum((p.amount for p in mine), ZERO)
            copy = Invoice(
                id=inv.id,
                number=inv.number,
                customer_id=inv.customer_id,
                issue_date=inv.issue_date,
                due_date=inv.due_date,
                currency=inv.currency,
                amount=inv.amount,
                outstanding=outstanding,
                paused_until=inv.paused_until,
                paid_date=max((p.date for p in mine), default=None) if outstanding <= 0 else None,
            )
            (settled if outstanding <= 0 else open_).append(copy)
        return snapshot(
            open_,
            payments=paid,
            settled=settled,
            holds=self.holds,
            disputes=self.disputes,
            promises=self.promises,
        )


def _offset(draw: st.DrawFn, base: date, low: int, high: int) -> date:
    return base + timedelta(days=draw(st.integers(low, high)))


@st.composite
def ledgers(draw: st.DrawFn) -> Ledger:
    """One to three invoices of two customers, with random payments and marks."""
    base = draw(st.dates(date(2025, 2, 1), date(2026, 6, 30)))
    invoices, payments, holds, disputes, promises = [], [], [], [], []
    for index in range(draw(st.integers(1, 3))):
        iid = f"{1001 + index}"
        due = _offset(draw, base, 0, 15)
        amount = D(draw(st.integers(10_000, 5_000_000))) / 100
        paused = _offset(draw, due, 0, 40) if draw(st.booleans()) else None
        invoices.append(
            Invoice(
                id=iid,
                number=iid,
                customer_id=draw(st.sampled_from(["C1", "C2"])),
                issue_date=due - timedelta(days=14),
                due_date=due,
                currency="DKK",
                amount=amount,
                outstanding=amount,
                paused_until=paused,
            )
        )
        for _ in range(draw(st.integers(0, 2))):
            share = D(draw(st.sampled_from([10, 25, 50, 100]))) / 100
            payments.append(
                Payment(iid, _offset(draw, due, -3, SPAN), (amount * share).quantize(D("0.01")))
            )
        if draw(st.booleans()):
            start = _offset(draw, due, -5, 60)
            until = _offset(draw, start, 0, 40) if draw(st.booleans()) else None
            lifted = _offset(draw, start, 0, 50) if draw(st.booleans()) else None
            holds.append(Hold(iid, start=start, until=until, lifted=lifted, reason="test"))
        if draw(st.booleans()):
            start = _offset(draw, due, 0, 60)
            end = _offset(draw, start, 0, 30) if draw(st.booleans()) else None
            disputes.append(Dispute(iid, start=start, end=end))
        if draw(st.booleans()):
            made = _offset(draw, due, 0, 40)
            parts = tuple(
                Instalment(_offset(draw, made, 1 + 20 * n, 20 + 20 * n), amount / 5)
                for n in range(draw(st.integers(1, 3)))
            )
            scope = draw(st.booleans())
            promises.append(
                Promise(
                    id=str(index),
                    customer_id=None if scope else invoices[-1].customer_id,
                    invoice_id=iid if scope else None,
                    made_on=made,
                    currency="DKK",
                    instalments=parts,
                )
            )
    return Ledger(tuple(invoices), tuple(payments), tuple(holds), tuple(disputes), tuple(promises))


def _replay(ledger: Ledger, policy: TenantPolicy = LADDER) -> list[Decision]:
    start = min(i.due_date for i in ledger.invoices) - timedelta(days=3)
    decisions, _ = replay(start, start + timedelta(days=SPAN), ledger.snapshot_for, policy)
    return decisions


def _kept(ledger: Ledger, invoice: Invoice, day: date) -> bool:
    snap = ledger.snapshot_for(day)
    every = (*snap.invoices, *snap.settled)
    return any(
        assess(p, day, invoices=every, payments=snap.payments, law=DK, grace_days=3).state
        is PromiseState.KEPT
        for p in ledger.promises
        if covered(p, invoice)
    )


# The profile (tests/conftest.py) scales the examples: twice as many, derandomized, in CI.
PROPERTY = settings(deadline=None, max_examples=examples(75))


@PROPERTY
@given(ledgers(), st.booleans())
def test_no_step_on_a_paid_held_disputed_paused_or_promised_invoice(
    ledger: Ledger, credit_hold: bool
) -> None:
    policy = TenantPolicy.from_mapping({"credit_hold": credit_hold}, "DK")
    for decision in _replay(ledger, policy):
        day, iid = decision.date, decision.invoice_id
        invoice = next(i for i in ledger.invoices if i.id == iid)
        assert not any(h.invoice_id == iid and h.covers(day) for h in ledger.holds)
        assert not any(d.invoice_id == iid and d.covers(day) for d in ledger.disputes)
        assert invoice.paused_until is None or invoice.paused_until < day
        if decision.action is ActionKind.INTEREST_INVOICE:
            assert iid not in {i.id for i in ledger.open_on(day)}
            continue
        assert iid in {i.id for i in ledger.open_on(day)}  # never a step on a paid invoice
        assert D(0) <= decision.fee <= statute.DK.fees[0].cap  # law.md § 1.2, typed in by hand
        assert not _kept(ledger, invoice, day)


@PROPERTY
@given(ledgers())
def test_steps_never_go_backwards(ledger: Ledger) -> None:
    steps: dict[str, list[tuple[int, ActionKind]]] = defaultdict(list)
    for decision in _replay(ledger):
        if decision.action in LADDER_ACTIONS:
            steps[decision.invoice_id].append((decision.step, decision.action))
    for taken in steps.values():
        numbers = list(dict.fromkeys(number for number, _ in taken))
        assert numbers == list(range(1, len(numbers) + 1))
        # A number comes twice only when a collection warning whose deadline ran during a
        # dispute is renewed in the hand-over's place, and the hand-over follows it.
        for number in numbers:
            actions = [action for n, action in taken if n == number]
            assert len(actions) == 1 or actions == [
                ActionKind.COLLECTION_WARNING,
                ActionKind.HANDOVER,
            ]


@st.composite
def promised(draw: st.DrawFn) -> tuple[Ledger, date]:
    """One open invoice under a payment plan, kept, partly kept or broken."""
    due = draw(st.dates(date(2025, 2, 1), date(2026, 6, 30)))
    amount = D(draw(st.integers(100_000, 5_000_000))) / 100
    made = _offset(draw, due, 4, 40)
    parts = tuple(
        Instalment(_offset(draw, made, 1 + 15 * n, 15 + 15 * n), (amount / 8).quantize(D("0.01")))
        for n in range(draw(st.integers(1, 3)))
    )
    payments = []
    for part in parts:
        choice = draw(st.sampled_from(["on_time", "late", "short", "none"]))
        if choice == "on_time":
            payments.append(Payment("1001", part.due, part.amount))
        elif choice == "late":
            payments.append(Payment("1001", part.due + timedelta(days=10), part.amount))
        elif choice == "short":
            payments.append(Payment("1001", part.due, part.amount / 2))
    invoice = Invoice("1001", "1001", "C1", due - timedelta(days=14), due, "DKK", amount, amount)
    plan = Promise("1", None, "1001", made, "DKK", parts)
    return Ledger((invoice,), tuple(payments), (), (), (plan,)), due


@PROPERTY
@given(promised())
def test_promises_pause_and_a_broken_one_resumes_at_the_next_step(
    case: tuple[Ledger, date],
) -> None:
    ledger, due = case
    start = due - timedelta(days=3)
    end = start + timedelta(days=SPAN)
    decisions, _ = replay(start, end, ledger.snapshot_for, LADDER)
    invoice = ledger.invoices[0]
    ladder = [d for d in decisions if d.action in LADDER_ACTIONS]
    for decision in ladder:
        assert not _kept(ledger, invoice, decision.date)
    assert [d.step for d in ladder] == list(range(1, len(ladder) + 1))
    snap = ledger.snapshot_for(end)
    status = assess(
        ledger.promises[0],
        end,
        invoices=(*snap.invoices, *snap.settled),
        payments=snap.payments,
        law=DK,
        grace_days=3,
    )
    if status.state is not PromiseState.BROKEN:
        return
    assert status.broken_on is not None
    before = [d for d in ladder if d.date < status.broken_on]
    after = [d for d in ladder if d.date >= status.broken_on]
    if len(before) == len(LADDER.steps) or status.broken_on > end - timedelta(days=20):
        return  # the ladder was complete, or too little time is left to see it resume
    # It resumes with the step after the last one taken, within one step's spacing (and a
    # hand-over's wait for the warning's deadline moved off holidays).
    assert after, "dunning did not resume after the broken promise"
    assert after[0].step == len(before) + 1
    assert (after[0].date - status.broken_on).days <= 16
    assert "Dunning resumes" in after[0].explanation
    event("resumed after a broken promise")

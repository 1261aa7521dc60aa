"""Invariants of decide() in all four countries, checked against the statute typed in by hand.

The expected numbers come from tests/policies/statute.py (each with its law.md section), never
from the law packs, so a wrong number in a pack fails here (scripts/law_mutants.py proves it for
six such numbers). The generated ladders, payments and histories aim at the boundaries: every
waiting period, spacing and deadline of the country minus one, exactly, and plus one; payments
on a letter's deadline day and the days either side; overpayments; and collection warnings read
back from the accounting system without their deadline (Dinero records none).

No fee above the cap; no fee-bearing letter closer than the minimum spacing or before the first
lawful day; no more fee-bearing letters than allowed; no step on a paid, disputed or paused
invoice; deadlines never shorter than the law's minimum; a hand-over only after a warning's
statutory deadline; steps never go backwards; the B2B compensation once per invoice and, where it
does not stack, absorbing the fees; interest never on more than the invoice's amount.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bridge.vocab.domain import (
    ActionKind,
    Customer,
    CustomerKind,
    Decision,
    Dispute,
    Invoice,
    Payment,
    Snapshot,
    StepRecord,
)
from policies.engine import decide
from policies.interest import last_timely_day
from policies.ladder import TenantPolicy
from policies.law import for_country
from tests.policies import statute
from tests.policies.boundaries import days_near, examples, fees_near
from tests.policies.factories import as_record, snapshot
from tests.policies.nordic import CURRENCY

D = Decimal
SPAN = 100
DAY = timedelta(days=1)
LETTERS = {ActionKind.REMINDER, ActionKind.COLLECTION_WARNING}
LADDER = {*LETTERS, ActionKind.HANDOVER}
COUNTRIES = ["DK", "NO", "SE", "FI"]
# The profile (tests/conftest.py) scales the examples: twice as many, derandomized, in CI.
PROPERTY = settings(deadline=None, max_examples=examples(40))


@st.composite
def ladders(draw: st.DrawFn, country: str) -> dict[str, Any]:
    """A valid ladder and switches: letters, then optionally a warning and a hand-over."""
    steps: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(1, 5))):
        steps.append(
            {
                "action": draw(st.sampled_from(["reminder", "collection_warning"])),
                "days": draw(days_near(country)),
                "fee": draw(fees_near(country)),
                "interest": draw(st.booleans()),
                "compensation": draw(st.booleans()),
                "deadline_days": draw(days_near(country, 1, 20).filter(lambda d: d >= 1)),
                "after_deadline": draw(st.booleans()),
            }
        )
    if draw(st.booleans()):
        steps.append(
            {"action": "collection_warning", "days": draw(days_near(country)), "fee": "100"}
        )
        steps.append({"action": "handover", "days": draw(days_near(country, 0, 15))})
    return {
        "steps": steps,
        "combine_invoices": draw(st.booleans()),
        "lenient_due_date": draw(st.booleans()),
        "deadline_on_banking_day": draw(st.booleans()),
    }


@dataclass(frozen=True)
class OnDeadline:
    """A payment made relative to the deadline of the claim's n-th letter (-1, 0 or +1 days)."""

    invoice_id: str
    letter: int
    offset: int
    percent: int


@dataclass
class Book:
    """Customers, invoices, payments, disputes; the snapshot of a day follows from them."""

    country: str
    customers: tuple[Customer, ...]
    invoices: tuple[Invoice, ...]
    payments: list[Payment]
    disputes: tuple[Dispute, ...]
    on_deadline: tuple[OnDeadline, ...] = ()
    vendor_warnings: bool = False  # warnings come back from the vendor without a deadline
    fired: set[OnDeadline] = field(default_factory=set)

    def snapshot_for(self, day: date) -> Snapshot:
        paid = [p for p in self.payments if p.date <= day]
        open_, settled = [], []
        for inv in self.invoices:
            received = sum((p.amount for p in paid if p.invoice_id == inv.id), D(0))
            copy = replace(
                inv,
                outstanding=inv.amount - received,
                paid_date=max((p.date for p in paid if p.invoice_id == inv.id), default=None),
            )
            (settled if copy.outstanding <= 0 else open_).append(copy)
        return snapshot(
            open_,
            customers=self.customers,
            payments=paid,
            disputes=self.disputes,
            settled=settled,
        )

    def outstanding(self, invoice_id: str, day: date) -> Decimal:
        inv = next(i for i in self.invoices if i.id == invoice_id)
        paid = sum(
            (p.amount for p in self.payments if p.invoice_id == invoice_id and p.date <= day), D(0)
        )
        return inv.amount - paid

    def letter_sent(self, decision: Decision, count: int) -> None:
        """Schedule the payments aimed at this letter's deadline (``count``: its number)."""
        for aim in self.on_deadline:
            if (aim.invoice_id, aim.letter) != (decision.invoice_id, count) or aim in self.fired:
                continue
            if decision.deadline is None:
                continue
            self.fired.add(aim)
            inv = next(i for i in self.invoices if i.id == aim.invoice_id)
            amount = (D(aim.percent) / 100 * inv.amount).quantize(D("0.01"))
            # On the deadline day or either side of it, but never on the letter's own day.
            when = max(decision.deadline + timedelta(days=aim.offset), decision.date + DAY)
            self.payments.append(Payment(inv.id, when, amount))


@st.composite
def books(draw: st.DrawFn, country: str) -> Book:
    """One to three invoices of one or two customers in one country, with payments and marks."""
    customers = tuple(
        Customer(
            id=cid,
            name=cid,
            kind=draw(st.sampled_from(list(CustomerKind))),
            country=country,
            reminder_fee_agreed=draw(st.booleans()),
            paused_until=draw(st.none() | st.dates(date(2025, 1, 1), date(2026, 8, 1))),
        )
        for cid in ("C1", "C2")
    )
    base = draw(st.dates(date(2025, 1, 1), date(2026, 8, 31)))
    invoices: list[Invoice] = []
    payments: list[Payment] = []
    disputes: list[Dispute] = []
    aims: list[OnDeadline] = []
    for index in range(draw(st.integers(1, 3))):
        due = base + timedelta(days=draw(st.integers(0, 20)))
        amount = D(draw(st.integers(5_000, 5_000_000))) / 100
        iid = f"{1000 + index}"
        currency = draw(st.sampled_from([CURRENCY[country]] * 3 + ["USD"]))
        paused = draw(st.none() | st.just(due + timedelta(days=draw(st.integers(0, 40)))))
        invoices.append(
            Invoice(
                id=iid,
                number=iid,
                customer_id=draw(st.sampled_from(["C1", "C2"])),
                issue_date=due - timedelta(days=draw(st.sampled_from([7, 13, 14, 15, 30]))),
                due_date=due,
                currency=currency,
                amount=amount,
                outstanding=amount,
                paused_until=paused,
            )
        )
        for _ in range(draw(st.integers(0, 2))):
            # Whole, part and over-payments, on any day or on a statutory boundary day.
            share = draw(st.one_of(st.just(100), st.integers(1, 100), st.integers(101, 150)))
            offset = draw(st.one_of(st.integers(-5, SPAN), days_near(country)))
            payments.append(
                Payment(
                    iid,
                    due + timedelta(days=offset),
                    (D(share) / 100 * amount).quantize(D("0.01")),
                )
            )
        if draw(st.booleans()):
            aims.append(
                OnDeadline(
                    iid,
                    letter=draw(st.integers(1, 3)),
                    offset=draw(st.sampled_from([-1, 0, 0, 1])),
                    percent=draw(st.sampled_from([30, 100, 100, 120])),
                )
            )
        if draw(st.booleans()):
            start = due + timedelta(days=draw(st.integers(0, 60)))
            end = draw(st.none() | st.just(start + timedelta(days=draw(st.integers(0, 30)))))
            disputes.append(Dispute(iid, start, end))
    return Book(
        country,
        customers,
        tuple(invoices),
        payments,
        tuple(disputes),
        tuple(aims),
        vendor_warnings=draw(st.booleans()),
    )


def _replay(ladder: dict[str, Any], book: Book) -> tuple[list[Decision], TenantPolicy]:
    """Run decide() every day, accepting each decision; pay on deadline days as aimed."""
    policy = TenantPolicy.from_mapping(ladder, book.country)
    law = for_country(book.country)
    history: list[StepRecord] = []
    decisions: list[Decision] = []
    letters: dict[str, int] = defaultdict(int)
    day = min(i.due_date for i in book.invoices) - timedelta(days=3)
    end = day + timedelta(days=SPAN)
    while day <= end:
        for decision in decide(day, book.snapshot_for(day), history, law, policy):
            decisions.append(decision)
            record = as_record(decision)
            if decision.action == ActionKind.COLLECTION_WARNING and book.vendor_warnings:
                record = replace(record, deadline=None)  # read back from the vendor: no deadline
            history.append(record)
            if decision.action in LETTERS:
                letters[decision.invoice_id] += 1
                book.letter_sent(decision, letters[decision.invoice_id])
        day += timedelta(days=1)
    return decisions, policy


def _weekdays_after(day: date, count: int) -> date:
    """The ``count``-th weekday after ``day``: a lower bound for as many banking days."""
    current = day
    for _ in range(count):
        current += timedelta(days=1)
        while current.weekday() >= 5:
            current += timedelta(days=1)
    return current


@PROPERTY
@pytest.mark.parametrize("country", COUNTRIES)
@given(data=st.data())
def test_fees_caps_counts_spacing_and_compensation(country: str, data: st.DataObject) -> None:
    ladder, book = data.draw(ladders(country)), data.draw(books(country))
    law = statute.STATUTES[country]
    decisions, policy = _replay(ladder, book)
    pack = for_country(country)  # its banking calendar only, for the lenient due date
    invoices = {i.id: i for i in book.invoices}
    customers = {c.id: c for c in book.customers}
    paying = {d.letter for d in decisions if d.fee > 0}
    fee_letters: dict[str, list[Decision]] = defaultdict(list)
    finals: dict[str, list[Decision]] = defaultdict(list)
    letters: dict[str, list[Decision]] = defaultdict(list)
    for decision in decisions:
        if decision.action not in LETTERS:
            continue
        inv = invoices[decision.invoice_id]
        customer = customers[inv.customer_id]
        bearing = decision.fee > 0 or decision.letter in paying
        if bearing:
            assert not finals[inv.id], "a fee after Norway's betalingsoppfordring"
            limit = law.fee_limit(
                decision.action, customer.kind, claim_due=inv.due_date, sent=decision.date
            )
            assert limit is not None, f"no fee is lawful on this letter in {country}"
            assert inv.currency == law.currency
            timely = last_timely_day(pack, inv.due_date, lenient=policy.lenient_due_date)
            first = timedelta(days=limit.first_after_due)
            assert decision.date >= inv.due_date + first
            assert decision.date >= timely + first
            assert (inv.due_date - inv.issue_date).days >= limit.invoice_notice_days
            if limit.needs_agreement:
                assert customer.reminder_fee_agreed
            if country == "DK":
                # law.md § 1.2: no fee on the letters after the claim was disputed.
                assert not any(
                    d.invoice_id == inv.id and d.start < decision.date for d in book.disputes
                )
            counted = [f for f in fee_letters[inv.id] if f.action in limit.actions]
            if country == "NO" and len(counted) == limit.max_count:
                _check_betalingsoppfordring(decision, inv, counted, letters[inv.id])
                finals[inv.id].append(decision)
            else:
                assert decision.fee <= limit.cap
                assert len(counted) < limit.max_count
                if counted:
                    assert (decision.date - counted[-1].date).days >= limit.spacing_days
                if limit.spacing_from_any_letter and letters[inv.id]:
                    gap = (decision.date - letters[inv.id][-1].date).days
                    assert gap >= limit.spacing_days
                if limit.missed_deadline_days and counted:
                    previous = counted[-1]
                    assert previous.deadline is not None
                    given_days = (previous.deadline - previous.date).days
                    assert given_days >= limit.missed_deadline_days
                    assert decision.date > previous.deadline
                fee_letters[inv.id].append(decision)
        letters[inv.id].append(decision)
    for invoice_id, inv in invoices.items():
        own = [d for d in decisions if d.invoice_id == invoice_id]
        charged = [d.compensation for d in own if d.compensation > 0]
        assert len(charged) <= 1
        if charged:
            assert customers[inv.customer_id].kind == CustomerKind.BUSINESS
            assert inv.currency == law.currency
            amount = statute.compensation(country, inv.due_date)
            assert charged[0] <= amount
            if law.compensation_stacks:
                assert charged[0] == amount
            else:
                fees = sum((d.fee for d in own), D(0))
                assert fees + charged[0] <= max(amount, fees)


def _check_betalingsoppfordring(
    decision: Decision, inv: Invoice, counted: list[Decision], letters: list[Decision]
) -> None:
    """law.md § 2.2, § 2.5: after two 1/20 fees, once, 3/20 of the sats, after a warning's
    deadline and the last fee letter's missed deadline of at least 14 days."""
    assert decision.fee <= statute.no_betalingsoppfordring(decision.date, inv.due_date)
    warnings = [d for d in letters if d.action == ActionKind.COLLECTION_WARNING]
    assert warnings, "a betalingsoppfordring without an earlier inkassovarsel"
    assert warnings[-1].deadline is not None
    assert decision.date > warnings[-1].deadline
    previous = counted[-1]
    assert previous.deadline is not None
    assert (previous.deadline - previous.date).days >= statute.NO.fees[0].missed_deadline_days
    assert decision.date > previous.deadline


@PROPERTY
@pytest.mark.parametrize("country", COUNTRIES)
@given(data=st.data())
def test_no_step_on_blocked_invoices_deadlines_and_order(country: str, data: st.DataObject) -> None:
    ladder, book = data.draw(ladders(country)), data.draw(books(country))
    law = statute.STATUTES[country]
    decisions, policy = _replay(ladder, book)
    pack = for_country(country)  # its banking calendar only, for the lenient due date
    invoices = {i.id: i for i in book.invoices}
    customers = {c.id: c for c in book.customers}
    warned: dict[str, list[Decision]] = defaultdict(list)
    for decision in decisions:
        inv = invoices[decision.invoice_id]
        customer = customers[inv.customer_id]
        if decision.interest is not None:
            for period in decision.interest.periods:
                assert D(0) < period.principal <= inv.amount
        if decision.action not in LADDER:
            continue
        day = decision.date
        assert book.outstanding(inv.id, day) > 0
        assert not any(d.invoice_id == inv.id and d.covers(day) for d in book.disputes)
        assert inv.paused_until is None or inv.paused_until < day
        assert customer.paused_until is None or customer.paused_until < day
        assert day > inv.due_date
        assert day > last_timely_day(pack, inv.due_date, lenient=policy.lenient_due_date)
        if decision.action == ActionKind.COLLECTION_WARNING:
            assert decision.deadline is not None
            assert (decision.deadline - day).days >= law.warning_min_days
            if law.warning_min_banking_days:
                receipt = _weekdays_after(day, 1)
                assert decision.deadline >= _weekdays_after(receipt, law.warning_min_banking_days)
            warned[inv.id].append(decision)
        if decision.action in LETTERS:
            assert decision.deadline is not None
            assert decision.deadline > day
        if decision.action == ActionKind.HANDOVER:
            # law.md §§ 1.5, 2.5, 3.5: only once an issued warning's deadline has passed; when
            # the vendor did not record it, no sooner than the statutory minimum after it.
            assert warned[inv.id], "a hand-over without a collection warning"
            last = warned[inv.id][-1]
            assert day > last.date + timedelta(days=law.warning_min_days)
            if not book.vendor_warnings:
                assert last.deadline is not None
                assert day > last.deadline
    for invoice_id in invoices:
        taken = [(d.step, d.action) for d in decisions if d.invoice_id == invoice_id]
        taken = [(step, action) for step, action in taken if action in LADDER]
        numbers = list(dict.fromkeys(step for step, _ in taken))
        assert numbers == list(range(1, len(numbers) + 1))
        assert all(b >= a for (a, _), (b, _) in pairwise(taken))
        # A number comes twice only when a collection warning whose deadline ran during a
        # dispute is renewed in the hand-over's place, and the hand-over follows it.
        for number in numbers:
            actions = [action for n, action in taken if n == number]
            assert len(actions) == 1 or actions == [
                ActionKind.COLLECTION_WARNING,
                ActionKind.HANDOVER,
            ]

"""Promises to pay and payment plans: kept pauses dunning, a missed instalment resumes it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from bridge.vocab.domain import ActionKind, Instalment, Payment, Promise
from policies.engine import blocked, why_not
from policies.ladder import PolicyError, TenantPolicy
from policies.promises import PromiseState, assess, covered, instalment_deadline
from tests.policies import factories
from tests.policies.factories import DK, invoice, policy, record, run, snapshot

D = Decimal
DUE = date(2026, 1, 19)
MADE = date(2026, 1, 23)  # the day after step 1 (2026-01-22)
FRIDAY = date(2026, 2, 6)
MONDAY = date(2026, 2, 9)
R = ActionKind.REMINDER
STEP_ONE = [record("1001", R, 1, date(2026, 1, 22))]


def promise(*parts: tuple[date, str], **fields: Any) -> Promise:
    fields.setdefault("invoice_id", "1001")
    return factories.promise(*parts, made=fields.pop("made", MADE), **fields)


def state(p: Promise, today: date, payments: list[Payment], *, grace: int = 0) -> PromiseState:
    invoices = [invoice("1001"), invoice("1002"), invoice("1003", currency="EUR")]
    return assess(p, today, invoices=invoices, payments=payments, law=DK, grace_days=grace).state


def test_kept_through_the_deadline_broken_the_day_after() -> None:
    p = promise((FRIDAY, "1000"))
    assert state(p, FRIDAY, []) is PromiseState.KEPT
    assert state(p, FRIDAY + timedelta(days=1), []) is PromiseState.BROKEN


def test_a_payment_on_the_deadline_keeps_it_and_a_day_late_does_not() -> None:
    p = promise((FRIDAY, "1000"), (date(2026, 3, 6), "1000"))
    on_time = [Payment("1001", FRIDAY, D(1000))]
    late = [Payment("1001", FRIDAY + timedelta(days=1), D(1000))]
    today = FRIDAY + timedelta(days=3)
    assert state(p, today, on_time) is PromiseState.KEPT
    assert state(p, today, late) is PromiseState.BROKEN


def test_a_short_payment_breaks_it_by_one_cent() -> None:
    p = promise((FRIDAY, "1000.00"))
    short = [Payment("1001", FRIDAY, D("999.99"))]
    status = assess(p, FRIDAY + timedelta(days=1), invoices=[invoice()], payments=short, law=DK)
    assert status.state is PromiseState.BROKEN
    assert status.missed == Instalment(FRIDAY, D("1000.00"))
    assert status.broken_on == FRIDAY + timedelta(days=1)
    assert "DKK 999.99 of DKK 1,000.00 received by 2026-02-06" in status.note


def test_paying_ahead_counts_towards_later_instalments() -> None:
    p = promise((FRIDAY, "500"), (date(2026, 3, 6), "500"))
    ahead = [Payment("1001", FRIDAY, D(1000))]
    assert state(p, date(2026, 3, 20), ahead) is PromiseState.DONE


def test_payments_before_the_promise_do_not_count() -> None:
    p = promise((FRIDAY, "500"))
    before = [Payment("1001", MADE - timedelta(days=1), D(500))]
    assert state(p, FRIDAY + timedelta(days=1), before) is PromiseState.BROKEN


def test_a_weekend_deadline_moves_to_the_banking_day_then_the_grace_days() -> None:
    saturday = FRIDAY + timedelta(days=1)
    item = Instalment(saturday, D(1))
    assert instalment_deadline(DK, item, lenient=True, grace_days=0) == MONDAY
    assert instalment_deadline(DK, item, lenient=False, grace_days=0) == saturday
    assert instalment_deadline(DK, item, lenient=True, grace_days=3) == MONDAY + timedelta(days=3)
    p = promise((saturday, "500"))
    assert state(p, MONDAY, []) is PromiseState.KEPT
    assert state(p, MONDAY + timedelta(days=1), []) is PromiseState.BROKEN
    assert state(p, MONDAY + timedelta(days=3), [], grace=3) is PromiseState.KEPT
    assert state(p, MONDAY + timedelta(days=4), [], grace=3) is PromiseState.BROKEN


def test_withdrawn_promises_and_future_ones_do_not_pause() -> None:
    p = promise((date(2026, 3, 6), "500"), ended=FRIDAY)
    assert state(p, FRIDAY - timedelta(days=1), []) is PromiseState.KEPT
    assert state(p, FRIDAY, []) is PromiseState.ENDED
    assert state(promise((FRIDAY, "1")), MADE - timedelta(days=1), []) is PromiseState.NOT_YET


def test_a_plan_kept_to_the_end_is_done_and_a_paid_invoice_ends_it() -> None:
    p = promise((FRIDAY, "500"), (date(2026, 3, 6), "500"))
    paid = [Payment("1001", FRIDAY, D(500)), Payment("1001", date(2026, 3, 6), D(500))]
    assert state(p, date(2026, 3, 6), paid) is PromiseState.KEPT
    assert state(p, date(2026, 3, 7), paid) is PromiseState.DONE
    settled = invoice("1001", outstanding="0", paid_date=FRIDAY)
    status = assess(p, FRIDAY + timedelta(days=1), invoices=[settled], payments=[], law=DK)
    assert status.state is PromiseState.DONE


def test_a_settling_date_without_itemised_payments_counts_as_paid_that_day() -> None:
    p = promise((FRIDAY, "4000"))
    part = invoice("1001", amount="10000", outstanding="5000", paid_date=FRIDAY)
    status = assess(p, FRIDAY + timedelta(days=1), invoices=[part], payments=[], law=DK)
    assert status.state is PromiseState.DONE  # 5000 received, 4000 promised, last deadline past
    assert status.paid == D(5000)


def test_a_customer_promise_covers_their_invoices_in_its_currency_only() -> None:
    p = promise((FRIDAY, "500"), invoice_id=None, customer_id="C1")
    assert covered(p, invoice("1001"))
    assert not covered(p, invoice("1003", currency="EUR"))
    assert not covered(p, invoice("2001", customer_id="C2"))
    # Payments on any covered invoice count; an EUR payment does not.
    eur = [Payment("1003", FRIDAY, D(500))]
    assert state(p, FRIDAY + timedelta(days=1), eur) is PromiseState.BROKEN
    status = assess(
        p,
        FRIDAY + timedelta(days=1),
        invoices=[invoice("1001"), invoice("1002")],
        payments=[Payment("1002", FRIDAY, D(500))],
        law=DK,
    )
    assert status.state is PromiseState.DONE


def test_a_kept_promise_pauses_dunning_and_says_why() -> None:
    snap = snapshot([invoice()], promises=[promise((date(2026, 3, 6), "5000"))])
    today = date(2026, 2, 20)  # step 2 would be due from 2026-02-01
    assert run(today, snap, STEP_ONE) == []
    ((_, reason),) = blocked(snap, today, STEP_ONE, DK, policy())
    assert "the promise to pay #1 (invoice 1001, made 2026-01-23) is being kept" in reason
    (note,) = why_not(today, snap, STEP_ONE, DK, policy(), invoice_id="1001")
    assert note.startswith("Not dunned: the promise to pay #1")


def test_a_missed_instalment_resumes_at_the_next_step_the_day_after() -> None:
    plan = promise((FRIDAY, "2000"), (date(2026, 3, 6), "3000"))
    kept = [Payment("1001", FRIDAY, D(2000))]
    snap = snapshot([invoice(outstanding="8000")], payments=kept, promises=[plan])
    # Default grace 3 days: Friday 2026-03-06 + 3 = 2026-03-09 is the last day it counts.
    assert run(date(2026, 3, 9), snap, STEP_ONE) == []
    (decision,) = run(date(2026, 3, 10), snap, STEP_ONE)
    assert (decision.action, decision.step) == (R, 2)
    assert "Dunning resumes: the payment plan #1" in decision.explanation
    assert "DKK 2,000.00 of DKK 5,000.00 received by 2026-03-09" in decision.explanation
    # Interest was never paused: it runs from the day after the due date.
    assert decision.interest is not None
    assert decision.interest.start == DUE + timedelta(days=1)
    strict = TenantPolicy.from_mapping({"lenient_due_date": False}, "DK")
    assert run(date(2026, 3, 10), snap, STEP_ONE, strict)


def test_a_new_promise_after_a_broken_one_pauses_again() -> None:
    broken = promise((FRIDAY, "500"), pid="1")
    fresh = promise((date(2026, 3, 20), "500"), pid="2", made=date(2026, 2, 20))
    snap = snapshot([invoice()], promises=[broken, fresh])
    assert run(date(2026, 2, 21), snap, STEP_ONE) == []
    status = why_not(date(2026, 2, 21), snap, STEP_ONE, DK, policy(), invoice_id="1001")
    assert "#2" in status[0]


def test_grace_days_come_from_the_policy() -> None:
    assert policy().promises.grace_days == 3
    zero = policy({"promises": {"grace_days": 0}})
    snap = snapshot([invoice()], promises=[promise((FRIDAY, "500"))])
    assert run(FRIDAY + timedelta(days=1), snap, STEP_ONE, zero)
    assert run(FRIDAY + timedelta(days=1), snap, STEP_ONE) == []
    with pytest.raises(PolicyError, match=r"promises\.grace_days"):
        policy({"promises": {"grace_days": -1}})
    with pytest.raises(PolicyError, match=r"promises\.grace: unknown"):
        policy({"promises": {"grace": 1}})


def test_a_promise_on_one_invoice_leaves_the_others_dunned() -> None:
    snap = snapshot(
        [invoice("1001"), invoice("1002")],
        promises=[promise((date(2026, 3, 6), "500"), made=DUE)],
    )
    assert [d.invoice_id for d in run(date(2026, 1, 22), snap)] == ["1002"]

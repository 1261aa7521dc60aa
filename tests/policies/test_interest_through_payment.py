"""Interest runs through the payment date: a payment lowers the principal from the next day.

The shared research's worked examples count the days late as payment date minus due date
(../shared/reference/law.md § 6, examples 2, 3, 4, 7, 8, 9, 14 and 16): the first interest day
is the day after the due date and the payment day is the last one. Every expected amount below
is written out from those examples (or worked by hand with the same rule), never computed by
the code under test.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from bridge.vocab.domain import ActionKind, CustomerKind, Decision, Payment
from policies.interest import principal_of
from tests.policies.factories import record, snapshot
from tests.policies.nordic import customer, invoice, policy, run

D = Decimal
II = ActionKind.INTEREST_INVOICE
CONSUMER = CustomerKind.CONSUMER
BUSINESS = CustomerKind.BUSINESS
# Interest invoices of any size, so the small examples (EUR 12.95) are proposed too.
ANY_SIZE: dict[str, Any] = {"interest_invoice": {"minimum": "0.01"}}
STRICT: dict[str, Any] = {**ANY_SIZE, "lenient_due_date": False}


def _paid_late(
    country: str,
    amount: str,
    due: date,
    paid: date,
    *,
    kind: CustomerKind = CONSUMER,
    settings: dict[str, Any] | None = None,
) -> Decision | None:
    """Decide on the payment day for an invoice paid in full on ``paid``."""
    inv = invoice(country, due=due, amount=amount, outstanding="0.00", paid_date=paid)
    snap = snapshot(
        [],
        settled=[inv],
        customers=[customer(country, kind=kind)],
        payments=[Payment("1001", paid, D(amount))],
    )
    decisions = run(country, paid, snap, (), policy(country, settings or ANY_SIZE))
    assert all(d.action == II for d in decisions)
    return decisions[0] if decisions else None


def _interest(decision: Decision | None) -> tuple[date, date, Decimal]:
    assert decision is not None
    assert decision.interest is not None
    return decision.interest.start, decision.interest.end, decision.interest.amount


def test_law_md_example_2_se_30_days_late_is_30_days_of_interest() -> None:
    # SEK 20 000 at 8 % (2021 H1: reference 0 % + 8), paid 30 days late: 1 600 x 30/365.
    decision = _paid_late("SE", "20000.00", date(2021, 3, 1), date(2021, 3, 31))
    assert _interest(decision) == (date(2021, 3, 2), date(2021, 3, 31), D("131.51"))
    assert decision is not None
    assert decision.interest is not None
    assert decision.interest.periods[0].days == 30  # not 29 (127.12)


def test_law_md_example_3_dk_due_on_a_saturday() -> None:
    # DKK 10 000 due Saturday 2025-03-01, paid 2025-04-15, 10.75 %, actual/365.
    strict = _paid_late("DK", "10000.00", date(2025, 3, 1), date(2025, 4, 15), settings=STRICT)
    assert _interest(strict) == (date(2025, 3, 2), date(2025, 4, 15), D("132.53"))  # 45 days
    # The lenient default: paying on Monday 3 March was on time, so interest runs from
    # 4 March through 15 April, 43 days: 10 000 x 10.75 % x 43 / 365.
    lenient = _paid_late("DK", "10000.00", date(2025, 3, 1), date(2025, 4, 15))
    assert _interest(lenient) == (date(2025, 3, 4), date(2025, 4, 15), D("126.64"))


def test_law_md_example_4_dk_b2b_across_1_july_in_a_leap_year() -> None:
    with_comp = {"interest_invoice": {"minimum": "0.01", "compensation": True}}
    strict = _paid_late(
        "DK",
        "25000.00",
        date(2024, 6, 15),
        date(2024, 7, 15),
        kind=BUSINESS,
        settings={**with_comp, "lenient_due_date": False},
    )
    assert _interest(strict) == (date(2024, 6, 16), date(2024, 7, 15), D("238.22"))
    assert strict is not None
    assert strict.interest is not None
    assert [(p.days, p.rate, p.year_days) for p in strict.interest.periods] == [
        (15, D("11.75"), 366),
        (15, D("11.50"), 366),
    ]
    assert strict.compensation == D("310.00")
    # Lenient default: due on a Saturday, Monday 17 June was on time; 13 + 15 days.
    lenient = _paid_late(
        "DK", "25000.00", date(2024, 6, 15), date(2024, 7, 15), kind=BUSINESS, settings=with_comp
    )
    assert _interest(lenient) == (date(2024, 6, 18), date(2024, 7, 15), D("222.17"))
    assert lenient is not None
    assert lenient.compensation == D("310.00")


@pytest.mark.parametrize(
    ("kind", "amount", "compensation"),
    [(CONSUMER, "12.95", "0.00"), (BUSINESS, "14.18", "40.00")],
)
def test_law_md_example_16_fi_45_days_in_2025_h1(
    kind: CustomerKind, amount: str, compensation: str
) -> None:
    # EUR 1 000, due Monday 2025-03-03, paid 45 days later: consumer 10.5 %, business 11.5 %.
    settings = {"interest_invoice": {"minimum": "0.01", "compensation": True}}
    decision = _paid_late(
        "FI", "1000.00", date(2025, 3, 3), date(2025, 4, 17), kind=kind, settings=settings
    )
    assert _interest(decision) == (date(2025, 3, 4), date(2025, 4, 17), D(amount))
    assert decision is not None
    assert decision.compensation == D(compensation)


def test_law_md_example_7_no_45_days_late() -> None:
    # NOK 10 000 due Saturday 2025-03-01, paid 2025-04-15, 12.50 %.
    strict = _paid_late("NO", "10000.00", date(2025, 3, 1), date(2025, 4, 15), settings=STRICT)
    assert _interest(strict) == (date(2025, 3, 2), date(2025, 4, 15), D("154.11"))
    # Lenient default: from Tuesday 4 March, 43 days: 10 000 x 12.50 % x 43 / 365.
    lenient = _paid_late("NO", "10000.00", date(2025, 3, 1), date(2025, 4, 15))
    assert _interest(lenient) == (date(2025, 3, 4), date(2025, 4, 15), D("147.26"))


def test_law_md_example_8_no_rate_change_on_1_july() -> None:
    # NOK 50 000 due Friday 2025-06-20, paid 2025-07-10: 10 days at 12.50 % + 10 at 12.25 %.
    decision = _paid_late("NO", "50000.00", date(2025, 6, 20), date(2025, 7, 10))
    assert _interest(decision) == (date(2025, 6, 21), date(2025, 7, 10), D("339.04"))
    assert decision is not None
    assert decision.interest is not None
    assert [(p.days, p.rate) for p in decision.interest.periods] == [
        (10, D("12.50")),
        (10, D("12.25")),
    ]


def test_law_md_example_9_no_30_days_in_a_leap_year() -> None:
    # NOK 10 000, due Friday 2024-03-01, paid 30 days later at 12.50 %, /366.
    decision = _paid_late("NO", "10000.00", date(2024, 3, 1), date(2024, 3, 31))
    assert _interest(decision) == (date(2024, 3, 2), date(2024, 3, 31), D("102.46"))


def test_law_md_example_14_se_45_days_late() -> None:
    # SEK 10 000 due Saturday 2025-03-01, paid 45 days late, 11.00 %.
    strict = _paid_late("SE", "10000.00", date(2025, 3, 1), date(2025, 4, 15), settings=STRICT)
    assert _interest(strict) == (date(2025, 3, 2), date(2025, 4, 15), D("135.62"))
    # Lenient default: from Tuesday 4 March, 43 days: 10 000 x 11 % x 43 / 365.
    lenient = _paid_late("SE", "10000.00", date(2025, 3, 1), date(2025, 4, 15))
    assert _interest(lenient) == (date(2025, 3, 4), date(2025, 4, 15), D("129.59"))


# DKK 100 000 due Monday 2026-01-19 at 9.75 % (2026 H1): one day is 100 000 x 9.75 % / 365.
@pytest.mark.parametrize(
    ("paid", "interest"),
    [
        (date(2026, 1, 19), None),  # paid on the due date: 0 days late, no interest
        (date(2026, 1, 20), (date(2026, 1, 20), date(2026, 1, 20), D("26.71"))),  # 1 day
        (date(2026, 1, 21), (date(2026, 1, 20), date(2026, 1, 21), D("53.42"))),  # 2 days
    ],
)
def test_days_late_is_payment_date_minus_due_date(
    paid: date, interest: tuple[date, date, Decimal] | None
) -> None:
    decision = _paid_late("DK", "100000.00", date(2026, 1, 19), paid)
    if interest is None:
        assert decision is None
    else:
        assert _interest(decision) == interest


def test_a_part_payment_lowers_the_principal_from_the_next_day() -> None:
    # DKK 10 000 due 2026-01-19; 6 000 paid on 2026-02-10. The payment day still bears
    # interest on the 6 000: 22 days (20 Jan - 10 Feb) on 10 000, then 10 days on 4 000.
    inv = invoice("DK", due=date(2026, 1, 19), amount="10000.00", outstanding="4000.00")
    payments = [Payment("1001", date(2026, 2, 10), D("6000.00"))]
    principal = principal_of(inv, payments)
    assert principal(date(2026, 2, 10)) == D("10000.00")
    assert principal(date(2026, 2, 11)) == D("4000.00")

    ladder = {"steps": [{"action": "reminder", "days": 1, "interest": True}]}
    snap = snapshot([inv], customers=[customer("DK")], payments=payments)
    [reminder] = run("DK", date(2026, 2, 20), snap, (), policy("DK", ladder))
    assert reminder.interest is not None
    assert [(p.start, p.end, p.days, p.principal) for p in reminder.interest.periods] == [
        (date(2026, 1, 20), date(2026, 2, 10), 22, D("10000.00")),
        (date(2026, 2, 11), date(2026, 2, 20), 10, D("4000.00")),
    ]
    # 10 000 x 9.75 % x 22/365 = 58.767... plus 4 000 x 9.75 % x 10/365 = 10.684...
    assert reminder.interest.amount == D("69.45")


def test_after_a_part_payment_the_interest_invoice_ends_on_the_final_payment_day() -> None:
    # The reminder of 2026-02-20 charged interest through that day; the rest (4 000) is paid
    # on 2026-03-02: 10 more days (21 Feb - 2 Mar) on 4 000, 4 000 x 9.75 % x 10 / 365.
    paid = date(2026, 3, 2)
    inv = invoice(
        "DK", due=date(2026, 1, 19), amount="10000.00", outstanding="0.00", paid_date=paid
    )
    payments = [
        Payment("1001", date(2026, 2, 10), D("6000.00")),
        Payment("1001", paid, D("4000.00")),
    ]
    history = [
        record(
            "1001",
            ActionKind.REMINDER,
            1,
            date(2026, 2, 20),
            interest="69.45",
            interest_to=date(2026, 2, 20),
        )
    ]
    snap = snapshot([], settled=[inv], customers=[customer("DK")], payments=payments)
    [decision] = run("DK", paid, snap, history, policy("DK", ANY_SIZE))
    assert _interest(decision) == (date(2026, 2, 21), date(2026, 3, 2), D("10.68"))
    assert decision.interest is not None
    assert [(p.days, p.principal) for p in decision.interest.periods] == [(10, D("4000.00"))]


def test_hand_over_reports_interest_through_today_on_the_part_paid_principal() -> None:
    # A hand-over on 2026-02-20 after a § 10 warning of 2026-02-05 (deadline 2026-02-16) that
    # charged interest through 2026-02-05; 6 000 of 10 000 paid on 2026-02-10. Accrued since:
    # 6 Feb - 10 Feb (5 days) on 10 000 and 11 Feb - 20 Feb (10 days) on 4 000:
    # 13.356... + 10.684... = 24.04.
    inv = invoice("DK", due=date(2026, 1, 19), amount="10000.00", outstanding="4000.00")
    payments = [Payment("1001", date(2026, 2, 10), D("6000.00"))]
    ladder = {
        "steps": [
            {"action": "collection_warning", "days": 1, "interest": True},
            {"action": "handover", "days": 11},
        ]
    }
    history = [
        record(
            "1001",
            ActionKind.COLLECTION_WARNING,
            1,
            date(2026, 2, 5),
            interest="1.00",
            interest_to=date(2026, 2, 5),
            deadline=date(2026, 2, 16),
        )
    ]
    snap = snapshot([inv], customers=[customer("DK")], payments=payments)
    [handover] = run("DK", date(2026, 2, 20), snap, history, policy("DK", ladder))
    assert handover.action == ActionKind.HANDOVER
    assert "Interest accrued and not yet charged: DKK 24.04" in handover.explanation

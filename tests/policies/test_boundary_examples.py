"""Examples on the exact boundary day of a rule, each pinning a mutant that survived before.

`make mutation` (scripts/mutation.py) changed `<` into `<=`, `and` into `or` and the like in
policies/ and found no test failing on these; each test here fails on one of them. The
expected numbers are the statute's (law.md sections in the comments), not the law pack's.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from bridge.vocab.domain import ActionKind, CustomerKind, Payment
from policies.daycount import DayCount
from policies.interest import PaidDown, accrue, last_timely_day, principal_of
from policies.law import for_country
from policies.rules import deadline, ordinal, short
from tests.policies import factories
from tests.policies.factories import record, snapshot
from tests.policies.nordic import customer, invoice, policy, run

D = Decimal
REMINDER = ActionKind.REMINDER
WARNING = ActionKind.COLLECTION_WARNING
HANDOVER = ActionKind.HANDOVER


# --- Norway: the second fee needs the first letter's deadline to have PASSED (law.md § 2.2) ----


@pytest.mark.parametrize(("day", "fee"), [(date(2026, 2, 9), None), (date(2026, 2, 10), "38.00")])
def test_norway_no_second_fee_on_the_deadline_day_itself(day: date, fee: str | None) -> None:
    due = date(2026, 1, 12)  # law.md example 12
    first = record("1001", REMINDER, 1, date(2026, 1, 26), fee="38", deadline=date(2026, 2, 9))
    ladder = {
        "steps": [
            {"action": "reminder", "days": 14, "fee": "38", "deadline_days": 14},
            {"action": "reminder", "days": 14, "fee": "38", "deadline_days": 14},
        ]
    }
    snap = snapshot([invoice("NO", due=due)], customers=[customer("NO")])
    decisions = run("NO", day, snap, [first], policy("NO", ladder))
    if fee is None:
        # On the deadline day itself no letter comes at all: the next step waits for the day
        # after the previous letter's deadline, so no second fee can be charged on it.
        assert decisions == []
        return
    [second] = decisions
    assert second.action == REMINDER
    assert second.fee == D(fee)


# --- A warning read back from the vendor without its deadline (Dinero records none) ----------


@pytest.mark.parametrize(
    ("day", "handed_over"),
    [
        (date(2026, 2, 3), False),  # the day after the warning
        (date(2026, 2, 12), False),  # the statutory 10 days end today (law.md § 1.5)
        (date(2026, 2, 13), True),
    ],
)
def test_denmark_hand_over_waits_out_a_vendor_warning_without_a_deadline(
    day: date, handed_over: bool
) -> None:
    warned = date(2026, 2, 2)  # a Monday; + 10 days is Thursday 2026-02-12, a banking day
    vendor = record("1001", WARNING, 1, warned, fee="100", source="dinero")
    ladder = {
        "steps": [
            {"action": "collection_warning", "days": 1, "fee": "100"},
            {"action": "handover", "days": 1},
        ]
    }
    snap = snapshot([factories.invoice(due=date(2026, 1, 19))], steps=[vendor])
    decisions = factories.run(day, snap, (), factories.policy(ladder))
    assert [d.action for d in decisions] == ([HANDOVER] if handed_over else [])


# --- Finland: a consumer's fee 14 days after ANY previous letter (law.md § 4.2) ---------------

FI_DUE = date(2025, 3, 3)  # law.md example 17


def _fi(today: date, history: list[Any], ladder: dict[str, Any]) -> list[Any]:
    inv = replace(invoice("FI", due=FI_DUE), issue_date=FI_DUE - timedelta(days=14))
    snap = snapshot([inv], customers=[customer("FI", kind=CustomerKind.CONSUMER)])
    return run("FI", today, snap, history, policy("FI", ladder))


# 14 full days must have passed (docs/law.md "Finland: how the 14 days are counted"): the 15th.
@pytest.mark.parametrize(("gap", "fee"), [(14, "0.00"), (15, "5.00")])
def test_finland_consumer_fee_counts_from_a_letter_without_fee(gap: int, fee: str) -> None:
    friendly = FI_DUE + timedelta(days=14)
    history = [record("1001", REMINDER, 1, friendly, fee="0")]
    ladder = {
        "steps": [
            {"action": "reminder", "days": 14, "fee": "0", "deadline_days": 14},
            {"action": "reminder", "days": gap, "fee": "5", "deadline_days": 14},
        ]
    }
    [second] = _fi(friendly + timedelta(days=gap), history, ladder)
    assert second.fee == D(fee)


@pytest.mark.parametrize(("gap", "fee"), [(14, "0.00"), (15, "5.00")])
def test_finland_consumer_fee_14_days_after_the_previous_fee(gap: int, fee: str) -> None:
    first = FI_DUE + timedelta(days=14)
    history = [record("1001", REMINDER, 1, first, fee="5")]
    ladder = {
        "steps": [
            {"action": "reminder", "days": 14, "fee": "5", "deadline_days": 14},
            {"action": "reminder", "days": gap, "fee": "5", "deadline_days": 14},
        ]
    }
    [second] = _fi(first + timedelta(days=gap), history, ladder)
    assert second.fee == D(fee)


# --- A tenant's stricter law values are applied, not only accepted ---------------------------


@pytest.mark.parametrize(("gap", "fee"), [(13, "0.00"), (14, "100.00")])
def test_a_tenants_longer_fee_spacing_is_applied(gap: int, fee: str) -> None:
    first = date(2026, 1, 20)
    history = [record("1001", REMINDER, 1, first, fee="100")]
    ladder = {
        "steps": [
            {"action": "reminder", "days": 1, "fee": "100"},
            {"action": "reminder", "days": gap, "fee": "100"},
        ],
        "law": {"fee_spacing_days": 14},
    }
    snap = snapshot([factories.invoice(due=date(2026, 1, 19))])
    [second] = factories.run(first + timedelta(days=gap), snap, history, factories.policy(ladder))
    assert second.fee == D(fee)


@pytest.mark.parametrize(("days", "fee"), [(19, "0.00"), (20, "38.00")])
def test_a_tenants_later_first_fee_day_is_applied(days: int, fee: str) -> None:
    due = date(2026, 1, 12)
    ladder = {
        "steps": [{"action": "reminder", "days": days, "fee": "38", "deadline_days": 14}],
        "law": {"first_fee_days_after_due": 20},
    }
    snap = snapshot([invoice("NO", due=due)], customers=[customer("NO")])
    [purring] = run("NO", due + timedelta(days=days), snap, (), policy("NO", ladder))
    assert purring.fee == D(fee)


# --- Interest: the principal never exceeds the invoice, only its own payments count -----------


def test_overpayment_never_raises_the_principal_above_the_invoice_amount() -> None:
    inv = factories.invoice(amount="1000.00", outstanding="0.00")
    paid = [Payment("1001", date(2026, 2, 1), D(700)), Payment("1001", date(2026, 2, 10), D(500))]
    principal = principal_of(inv, paid)
    assert principal(date(2026, 1, 25)) == D(1000)  # not 1 200
    assert principal(date(2026, 2, 5)) == D(500)
    assert principal(date(2026, 2, 11)) == D(0)


def test_another_invoices_payment_does_not_count() -> None:
    inv = factories.invoice(amount="1000.00", outstanding="600.00")
    paid = [
        Payment("1001", date(2026, 2, 1), D(400)),
        Payment("9999", date(2026, 2, 10), D(300)),  # another invoice's, later
    ]
    assert principal_of(inv, paid)(date(2026, 2, 5)) == D(600)  # not 900


def test_a_due_date_on_a_saturday_is_the_last_timely_day_unless_lenient() -> None:
    dk = for_country("DK")
    saturday = date(2026, 1, 17)
    assert last_timely_day(dk, saturday, lenient=False) == saturday
    assert last_timely_day(dk, saturday, lenient=True) == date(2026, 1, 19)
    monday = date(2026, 1, 19)
    assert last_timely_day(dk, monday, lenient=True) == monday


@pytest.mark.parametrize("day_count", ["actual/365", "30/360"])
def test_interest_is_split_at_1_july_even_when_the_rate_stays(day_count: DayCount) -> None:
    # law.md § 2.3: 12.50 % in both halves of 2024; § 2.8 rule 1: split at 1 Jan / 1 Jul.
    charge = accrue(
        for_country("NO"),
        due_date=date(2024, 6, 14),
        kind=CustomerKind.BUSINESS,
        start=date(2024, 6, 15),
        end=date(2024, 7, 15),
        principal=lambda _day: D(10000),
        day_count=day_count,
    )
    assert charge is not None
    assert [(p.start, p.end) for p in charge.periods] == [
        (date(2024, 6, 15), date(2024, 6, 30)),
        (date(2024, 7, 1), date(2024, 7, 15)),
    ]
    assert {p.rate for p in charge.periods} == {D("12.50")}


# --- An interest invoice exactly at the policy minimum is sent --------------------------------


def test_an_interest_invoice_exactly_at_the_minimum_is_sent() -> None:
    paid = date(2026, 2, 19)
    inv = factories.invoice(amount="100000.00", outstanding="0.00", paid_date=paid)
    snap = snapshot([], settled=[inv], payments=[Payment("1001", paid, D("100000.00"))])
    [priced] = factories.run(paid, snap)
    assert priced.interest is not None
    amount = priced.interest.amount  # 828.08 (test_interest_invoice.py)

    def with_minimum(minimum: Decimal) -> list[Any]:
        data = {"interest_invoice": {"enabled": True, "minimum": str(minimum)}}
        return factories.run(paid, snap, (), factories.policy(data))

    assert [d.action for d in with_minimum(amount)] == [ActionKind.INTEREST_INVOICE]
    assert with_minimum(amount + D("0.01")) == []


# --- Interest periods: the day count of each period, and no period after the last day --------


def test_each_period_is_counted_with_the_charges_day_count() -> None:
    # A payment on 31 July splits the charge; under 30E/360 15-31 July is 16 days, not 17.
    principal = PaidDown(D(10000), D(0), (Payment("1001", date(2024, 7, 31), D(10000)),))
    charge = accrue(
        for_country("NO"),
        due_date=date(2024, 7, 14),
        kind=CustomerKind.BUSINESS,
        start=date(2024, 7, 15),
        end=date(2024, 8, 10),
        principal=principal,
        day_count="30/360",
    )
    assert charge is not None
    assert [(p.start, p.end, p.days) for p in charge.periods] == [
        (date(2024, 7, 15), date(2024, 7, 31), 16),
        (date(2024, 8, 1), date(2024, 8, 10), 10),
    ]


def test_a_principal_changing_after_the_last_day_adds_no_period() -> None:
    end = date(2024, 7, 20)
    charge = accrue(
        for_country("NO"),
        due_date=date(2024, 7, 9),
        kind=CustomerKind.BUSINESS,
        start=date(2024, 7, 10),
        end=end,
        principal=lambda day: D(1000) if day <= end else D(500),
        day_count="actual/365",
    )
    assert charge is not None
    assert [(p.start, p.end) for p in charge.periods] == [(date(2024, 7, 10), end)]


# --- Compensation: from the first late day, not on the due date (law.md §§ 1.3, 2.3) ---------


@pytest.mark.parametrize(("day", "amount"), [(date(2026, 1, 19), "0"), (date(2026, 1, 20), "310")])
def test_denmark_compensation_from_the_day_after_the_due_date(day: date, amount: str) -> None:
    ladder = {"steps": [{"action": "reminder", "days": 0, "fee": "0", "compensation": True}]}
    snap = snapshot([factories.invoice(due=date(2026, 1, 19))])
    decisions = factories.run(day, snap, (), factories.policy(ladder))
    assert sum((d.compensation for d in decisions), D(0)) == D(amount)


# --- Small helpers whose slips would garble every explanation --------------------------------


@pytest.mark.parametrize(
    ("number", "spelt"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (9, "9th"),
        (10, "10th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (20, "20th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (101, "101st"),
        (111, "111th"),
        (112, "112th"),
        (211, "211th"),
    ],
)
def test_ordinal(number: int, spelt: str) -> None:
    assert ordinal(number) == spelt


def test_short_keeps_the_citation_before_its_first_gloss() -> None:
    assert short("renteloven § 9 b (rykker (a) efter forfald) (b)") == "renteloven § 9 b"
    assert short("inkassoloven § 10") == "inkassoloven § 10"


def test_a_deadline_at_the_statutory_minimum_is_not_raised() -> None:
    dk = for_country("DK")
    monday = date(2026, 2, 2)
    at = deadline(dk, today=monday, days=10, statutory_minimum=10, minimum_citation="x (y)")
    assert at.day == date(2026, 2, 12)
    assert "raised" not in at.note
    short_of = deadline(dk, today=monday, days=9, statutory_minimum=10, minimum_citation="x (y)")
    assert short_of.day == date(2026, 2, 12)
    assert "the policy's 9 days were raised to the statutory 10 (x)" in short_of.note
    assert deadline(dk, today=monday, days=1).day == date(2026, 2, 3)  # no minimum by default


def test_swedish_deadline_exactly_at_the_banking_day_floor_is_not_moved() -> None:
    se = for_country("SE")
    monday = date(2025, 3, 3)  # receipt Tuesday 4th, + 4 banking days: Monday 10th
    floor = {"min_banking_days": 4, "banking_citation": "IMY (z)", "banking_day": False}
    at = deadline(se, today=monday, days=7, **floor)  # type: ignore[arg-type]
    assert at.day == date(2025, 3, 10)
    assert "banking days after the presumed receipt" not in at.note
    early = deadline(se, today=monday, days=6, **floor)  # type: ignore[arg-type]
    assert early.day == date(2025, 3, 10)
    assert "to leave 4 banking days after the presumed receipt on 2025-03-04 (IMY)" in early.note


# --- The no-fee and no-compensation answers: zero, the reason, and the rule they rest on -----


def _fee(country: str, today: date, **kwargs: Any) -> Any:
    from policies.rules import reminder_fee  # noqa: PLC0415

    law = for_country(country)
    kind = kwargs.pop("kind", CustomerKind.BUSINESS)
    due = kwargs.pop("due", date(2025, 3, 3))
    return reminder_fee(
        law,
        today=today,
        invoice=invoice(country, due=due),
        customer=customer(country, kind=kind, **kwargs.pop("customer", {})),
        requested=kwargs.pop("requested", D(100)),
        fee_dates=[],
        disputed=kwargs.pop("disputed", False),
        action=REMINDER,
        **kwargs,
    )


def test_no_fee_rule_in_force_says_so() -> None:
    # Finland's business fee applies to letters from 2022-05-01 (law.md § 4.2).
    answer = _fee("FI", date(2022, 4, 20), due=date(2022, 3, 1))
    assert answer.value == D(0)
    assert answer.note == "No fee: no statutory reminder fee applies on 2022-04-20."
    assert _fee("FI", date(2022, 5, 1), due=date(2022, 3, 1)).value == D(12)


def test_a_disputed_claim_gets_no_fee_and_cites_why() -> None:
    answer = _fee("DK", date(2025, 3, 10), disputed=True)
    assert answer.value == D(0)
    assert answer.note == "No fee: the customer disputes the claim."
    dk = for_country("DK")
    assert answer.basis == (dk.citations.fee, dk.citations.fee_dispute)


def test_no_agreement_no_swedish_fee_and_the_rule_is_cited() -> None:
    answer = _fee("SE", date(2025, 3, 10))
    assert answer.value == D(0)
    assert answer.note == "No fee: the customer did not agree to reminder fees."
    assert answer.basis == (for_country("SE").fee_rules[0].citation,)
    agreed = _fee("SE", date(2025, 3, 10), customer={"reminder_fee_agreed": True})
    assert agreed.value == D(60)


def test_a_zero_fee_asked_is_no_fee_asked() -> None:
    answer = _fee("DK", date(2025, 3, 10), requested=D(0))
    assert (answer.value, answer.note) == (D(0), "No fee (the step asks for none).")


def test_compensation_answers() -> None:
    from policies.rules import compensation  # noqa: PLC0415

    no = for_country("NO")
    inv = invoice("NO", due=date(2026, 1, 12))
    business = customer("NO")
    args = {"invoice": inv, "customer": business, "charged_on": None}
    on_due = compensation(no, today=date(2026, 1, 12), **args)  # type: ignore[arg-type]
    assert (on_due.value, on_due.note) == (D(0), "No compensation: the invoice is not overdue.")
    late = compensation(no, today=date(2026, 1, 13), **args)  # type: ignore[arg-type]
    assert late.value == D(460)  # law.md § 2.3, 2026 H1
    assert "offset against reminder fees, which it covers" in late.note
    covered = compensation(no, today=date(2026, 3, 1), fees_charged=D(460), **args)  # type: ignore[arg-type]
    assert covered.value == D(0)
    assert covered.note.startswith(
        "No compensation: the fees already charged on this claim (NOK 460.00) reach the flat "
        "compensation of NOK 460.00, which they count against (forsinkelsesrenteloven § 3 a;"
    )
    assert covered.basis == (no.compensations[0].citation,)
    less = compensation(no, today=date(2026, 3, 1), fees_charged=D(38), **args)  # type: ignore[arg-type]
    assert less.value == D(422)
    consumer = compensation(
        no,
        today=date(2026, 3, 1),
        invoice=inv,
        customer=customer("NO", kind=CustomerKind.CONSUMER),
        charged_on=None,
    )
    assert consumer.value == D(0)
    assert consumer.note == (
        "No compensation: the customer is a consumer; the flat compensation applies only "
        "between businesses."
    )
    se = compensation(
        for_country("SE"),
        today=date(2025, 3, 20),
        invoice=invoice("SE", due=date(2025, 3, 3)),
        customer=customer("SE"),
        charged_on=None,
    )
    assert "instead of fees" in se.note


# --- Norway's betalingsoppfordring read against the letters before it (law.md § 2.2) ---------


def _betalingsoppfordring(letters: list[Any], warned: Any, today: date) -> Any:
    from policies.rules import reminder_fee  # noqa: PLC0415

    return reminder_fee(
        for_country("NO"),
        today=today,
        invoice=invoice("NO", due=date(2026, 1, 12)),
        customer=customer("NO"),
        requested=D(113),
        fee_dates=[],
        disputed=False,
        action=WARNING,
        fee_letters=letters,
        warned=warned,
    )


def test_betalingsoppfordring_needs_the_last_fee_letters_14_days() -> None:
    from policies.rules import FeeLetter  # noqa: PLC0415

    first = FeeLetter(date(2026, 1, 26), REMINDER, date(2026, 2, 9))  # 14 days
    second = FeeLetter(date(2026, 2, 10), REMINDER, date(2026, 2, 20))  # only 10 days
    warned = FeeLetter(date(2026, 2, 21), WARNING, date(2026, 3, 7))
    answer = _betalingsoppfordring([first, second], warned, date(2026, 3, 9))
    assert answer.value == D(0)
    assert "the fee-bearing letter of 2026-02-10 did not give 14 days to pay" in answer.note
    assert "no betalingsoppfordring fee" in answer.note
    fine = FeeLetter(date(2026, 2, 10), REMINDER, date(2026, 2, 24))
    assert _betalingsoppfordring([first, fine], warned, date(2026, 3, 9)).value == D(113)


def test_betalingsoppfordring_after_a_warning_without_a_recorded_deadline() -> None:
    from policies.rules import FeeLetter  # noqa: PLC0415

    first = FeeLetter(date(2026, 1, 26), REMINDER, date(2026, 2, 9))
    second = FeeLetter(date(2026, 2, 10), WARNING, date(2026, 2, 24))
    vendor = FeeLetter(date(2026, 2, 25), WARNING, None)  # Dinero records no deadline
    answer = _betalingsoppfordring([first, second], vendor, date(2026, 3, 20))
    assert answer.value == D(0)
    assert "the collection warning of 2026-02-25 runs until its deadline" in answer.note


@pytest.mark.parametrize(
    ("today", "barred"),
    [(date(2026, 2, 8), True), (date(2026, 2, 9), True), (date(2026, 2, 10), False)],
)
def test_norway_the_missed_deadline_rule_itself_at_the_deadline_day(
    today: date, barred: bool
) -> None:
    """The rule on its own (the engine never asks on the deadline day: the next step waits for
    the day after it): the 14-day deadline of 9 February is missed only from 10 February
    (inkassoforskriften § 1-3; law.md § 2.2, example 12)."""
    from policies.rules import FeeLetter, _deadline_not_missed  # noqa: PLC0415

    previous = FeeLetter(date(2026, 1, 26), REMINDER, date(2026, 2, 9))
    answer = _deadline_not_missed(
        today, previous, 14, earns="no further fee", citation="INKF § 1-3", basis=()
    )
    assert (answer is not None) is barred
    if barred:
        assert answer is not None
        assert answer.value == D("0")
        assert "2026-02-09" in answer.note

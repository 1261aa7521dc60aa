"""Norway: purregebyr from the inkassosats (2020 and 2026 changes), timing, count, the missed
deadline, the inkassovarsel, forsinkelsesrente (leap years) and the B2B offset."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from bridge.vocab.domain import ActionKind, CustomerKind, Decision, Dispute, StepRecord
from policies.interest import accrue, principal_of
from policies.law import for_country
from policies.law.no import (
    LAW,
    REFERENCE_RATES,
    betalingsoppfordring_gebyr,
    inkassosats,
    purregebyr,
)
from policies.rules import FeeLetter, reminder_fee
from tests.policies.factories import record, snapshot
from tests.policies.nordic import customer, invoice, policy, replay, run

D = Decimal
NO = "NO"
CONSUMER = CustomerKind.CONSUMER


def test_for_country_returns_norway() -> None:
    assert for_country("no") is LAW
    assert LAW.currency == "NOK"


@pytest.mark.parametrize(
    ("sent", "due", "fee"),
    [
        (date(2025, 12, 31), date(2025, 11, 1), "35.00"),  # law.md example 10
        (date(2026, 1, 2), date(2025, 11, 1), "38.00"),  # 750/20 = 37.50 rounds up
        (date(2020, 11, 16), date(2020, 9, 30), "70.00"),  # example 11: 1/10 before Oct 2020
        (date(2020, 11, 16), date(2020, 10, 1), "35.00"),  # 1/20 from 2020-10-01
        (date(2026, 2, 1), date(2020, 9, 30), "75.00"),  # an old claim keeps 1/10
        (date(2016, 5, 1), date(2016, 1, 1), "67.00"),
    ],
)
def test_purregebyr_follows_the_sats_on_the_sending_day(sent: date, due: date, fee: str) -> None:
    assert purregebyr(sent, due) == D(fee)
    rule = LAW.fee_rule(sent, due_date=due, action=ActionKind.REMINDER)
    assert rule is not None
    assert rule.cap == D(fee)


def test_inkassosats_table() -> None:
    assert inkassosats(date(2025, 12, 31)) == 700
    assert inkassosats(date(2026, 1, 1)) == 750
    assert inkassosats(date(2014, 12, 31)) is None
    assert purregebyr(date(2014, 12, 31), date(2014, 1, 1)) is None


def test_rate_table_is_policy_rate_plus_eight() -> None:
    rates = {row.valid_from: row.reference_rate + 8 for row in REFERENCE_RATES}
    assert rates[date(2026, 1, 1)] == D("12.00")
    assert rates[date(2025, 7, 1)] == D("12.25")
    assert rates[date(2024, 1, 1)] == D("12.50")
    assert rates[date(2020, 7, 1)] == D("8.00")
    assert all(row.confidence in {"A", "B", "C", "U"} and row.source for row in REFERENCE_RATES)


def _interest(amount: str, start: date, end: date, due: date) -> Decimal:
    inv = invoice(NO, due=due, amount=amount)
    charge = accrue(
        LAW,
        due_date=due,
        kind=CONSUMER,
        start=start,
        end=end,
        principal=principal_of(inv, ()),
        day_count="actual/365",
    )
    assert charge is not None
    return charge.amount


def test_worked_examples_7_8_9() -> None:
    # 7: NOK 10 000, 45 days in 2025 H1 at 12.50 %.
    assert _interest("10000.00", date(2025, 3, 2), date(2025, 4, 15), date(2025, 3, 1)) == D(
        "154.11"
    )
    # 8: NOK 50 000 due 2025-06-20, paid 2025-07-10: 10 days at 12.50 % + 10 days at 12.25 %.
    assert _interest("50000.00", date(2025, 6, 21), date(2025, 7, 10), date(2025, 6, 20)) == D(
        "339.04"
    )
    # 9: 30 days in the leap year 2024 are divided by 366.
    assert _interest("10000.00", date(2024, 3, 1), date(2024, 3, 30), date(2024, 2, 29)) == D(
        "102.46"
    )


def _purring(
    today: date, due: date, history: Sequence[StepRecord] = (), **extra: Any
) -> list[Decision]:
    inv = invoice(NO, due=due)
    snap = snapshot([inv], customers=[customer(NO, kind=CONSUMER)])
    return run(NO, today, snap, history, policy(NO, extra or None))


@pytest.mark.parametrize(("days", "fee"), [(13, "0.00"), (14, "38.00")])
def test_no_fee_before_due_date_plus_14(days: int, fee: str) -> None:
    due = date(2026, 1, 12)  # law.md example 12
    ladder = {"steps": [{"action": "reminder", "days": days, "fee": "38", "deadline_days": 14}]}
    [decision] = _purring(due + timedelta(days=days), due, **ladder)
    assert decision.fee == D(fee)
    if fee == "0.00":
        assert "allowed from 2026-01-26" in decision.explanation


def test_inkassovarsel_only_after_the_missed_deadline() -> None:
    due = date(2026, 1, 12)
    first = record(
        "1001", ActionKind.REMINDER, 1, date(2026, 1, 26), fee="38", deadline=date(2026, 2, 9)
    )
    assert _purring(date(2026, 2, 9), due, [first]) == []
    [warning] = _purring(date(2026, 2, 10), due, [first])
    assert warning.action == ActionKind.COLLECTION_WARNING
    assert warning.fee == D("38.00")
    assert warning.deadline == date(2026, 2, 24)  # 14 days
    assert "Inkassovarsel" in warning.explanation
    assert "collection (inkasso)" in warning.explanation


@pytest.mark.parametrize(("deadline_days", "fee"), [(13, "0.00"), (14, "38.00")])
def test_second_fee_needs_a_missed_deadline_of_14_days(deadline_days: int, fee: str) -> None:
    due = date(2026, 1, 12)
    sent = date(2026, 1, 26)
    first = record(
        "1001",
        ActionKind.REMINDER,
        1,
        sent,
        fee="38",
        deadline=sent + timedelta(days=deadline_days),
    )
    ladder = {
        "steps": [
            {"action": "reminder", "days": 14, "fee": "38", "deadline_days": deadline_days},
            {"action": "reminder", "days": 20, "fee": "38", "deadline_days": 14},
        ]
    }
    [second] = _purring(sent + timedelta(days=20), due, [first], **ladder)
    assert second.fee == D(fee)
    if fee == "0.00":
        assert "did not give 14 days to pay" in second.explanation


def test_no_third_fee() -> None:
    due = date(2026, 1, 12)
    history = [
        record(
            "1001", ActionKind.REMINDER, 1, date(2026, 1, 26), fee="38", deadline=date(2026, 2, 9)
        ),
        record(
            "1001", ActionKind.REMINDER, 2, date(2026, 2, 10), fee="38", deadline=date(2026, 2, 24)
        ),
    ]
    ladder = {
        "steps": [
            {"action": "reminder", "days": 14, "fee": "38", "deadline_days": 14},
            {"action": "reminder", "days": 15, "fee": "38", "deadline_days": 14},
            {"action": "collection_warning", "days": 15, "fee": "38", "deadline_days": 14},
        ]
    }
    [third] = _purring(date(2026, 2, 25), due, history, **ladder)
    assert third.action == ActionKind.COLLECTION_WARNING
    assert third.fee == D("0.00")
    assert "already had 2 fee-bearing reminders" in third.explanation


def test_inkassovarsel_deadline_is_raised_to_14_days() -> None:
    due = date(2026, 1, 12)
    ladder = {"steps": [{"action": "collection_warning", "days": 1, "deadline_days": 10}]}
    [warning] = _purring(date(2026, 1, 13), due, **ladder)
    # 14 days from 2026-01-13 is 2026-01-27 (a Tuesday).
    assert warning.deadline == date(2026, 1, 27)
    assert "raised to the statutory 14" in warning.explanation
    # Sent the day after the due date the varsel is lawful but carries no fee (from due + 14).
    assert warning.fee == D("0.00")


def test_b2b_compensation_offsets_the_fees_example_13() -> None:
    due = date(2026, 1, 12)
    inv = invoice(NO, due=due)
    snap = snapshot([inv], customers=[customer(NO)])
    [purring] = run(NO, date(2026, 1, 26), snap)
    assert purring.compensation == D("460.00")
    assert purring.fee == D("0.00")
    history = [
        record(
            "1001",
            ActionKind.REMINDER,
            1,
            date(2026, 1, 26),
            compensation="460",
            deadline=date(2026, 2, 9),
        )
    ]
    [warning] = run(NO, date(2026, 2, 10), snap, history)
    assert warning.fee == D("0.00")
    assert warning.compensation == D("0.00")
    assert "covers reminder fees" in warning.explanation


def test_compensation_is_reduced_by_fees_already_charged() -> None:
    due = date(2026, 1, 12)
    inv = invoice(NO, due=due)
    snap = snapshot([inv], customers=[customer(NO)])
    ladder = {
        "steps": [
            {"action": "reminder", "days": 14, "fee": "38", "deadline_days": 14},
            {
                "action": "collection_warning",
                "days": 15,
                "fee": "38",
                "compensation": True,
                "deadline_days": 14,
                "after_deadline": True,
            },
        ]
    }
    history = [
        record(
            "1001", ActionKind.REMINDER, 1, date(2026, 1, 26), fee="38", deadline=date(2026, 2, 9)
        )
    ]
    [warning] = run(NO, date(2026, 2, 10), snap, history, policy(NO, ladder))
    assert warning.compensation == D("422.00")  # 460 less the 38 already charged
    assert warning.fee == D("0.00")
    assert "less the fees of NOK 38.00" in warning.explanation


def test_compensation_of_the_claim_half_year() -> None:
    assert LAW.compensation_rule(date(2025, 12, 31)).amount == D("460.00")  # type: ignore[union-attr]
    assert LAW.compensation_rule(date(2025, 6, 30)).amount == D("470.00")  # type: ignore[union-attr]
    assert LAW.compensation_rule(date(2026, 7, 1)).amount == D("430.00")  # type: ignore[union-attr]
    assert LAW.compensation_rule(date(2020, 3, 1)) is None  # 2020 H1: not found, none charged


def test_no_compensation_amount_known_says_so() -> None:
    due = date(2020, 3, 2)
    inv = invoice(NO, due=due)
    snap = snapshot([inv], customers=[customer(NO)])
    [purring] = run(NO, date(2020, 3, 16), snap)
    assert purring.compensation == D("0.00")
    assert "no statutory amount is known" in purring.explanation
    # A claim due before October 2020: the cap is 1/10 of the sats (70); the ladder asks 38.
    assert purring.fee == D("38.00")
    assert "1/10 of the inkassosats NOK 700" in purring.explanation


def test_new_inkassolov_is_off_by_default_and_dated_by_policy() -> None:
    assert LAW.regimes[0].in_force is None
    switched = policy(NO, {"law": {"new_inkassolov_from": "2027-01-01"}})
    rule = LAW.fee_rule(date(2027, 1, 5), action=ActionKind.COLLECTION_WARNING)
    assert rule is not None  # without the switch the varsel may carry a fee
    # The rate table ends with 2026, so only the fee part is asked here.
    law = switched.law.apply(LAW)
    assert law.fee_rule(date(2027, 1, 5), action=ActionKind.COLLECTION_WARNING) is None
    assert law.fee_rule(date(2027, 1, 5), action=ActionKind.REMINDER) is not None
    assert law.fee_rule(date(2026, 12, 31), action=ActionKind.COLLECTION_WARNING) is not None


def test_new_inkassolov_bars_the_varsel_fee_in_decide() -> None:
    due = date(2026, 1, 12)
    first = record(
        "1001", ActionKind.REMINDER, 1, date(2026, 1, 26), fee="38", deadline=date(2026, 2, 9)
    )
    inv = invoice(NO, due=due)
    snap = snapshot([inv], customers=[customer(NO, kind=CONSUMER)])
    switched = policy(NO, {"law": {"new_inkassolov_from": "2026-02-01"}})
    [warning] = run(NO, date(2026, 2, 10), snap, [first], switched)
    assert warning.action == ActionKind.COLLECTION_WARNING
    assert warning.fee == D("0.00")
    assert "only collection agencies" in warning.explanation
    assert any("LOV-2026-05-22-19" in basis for basis in warning.legal_basis)


def test_disputed_claim_earns_no_fee_and_no_step() -> None:
    due = date(2026, 1, 12)
    inv = invoice(NO, due=due)
    snap = snapshot(
        [inv],
        customers=[customer(NO, kind=CONSUMER)],
        disputes=[Dispute("1001", date(2026, 1, 20))],
    )
    assert run(NO, date(2026, 1, 26), snap) == []


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 5, 1),  # Labour Day
        date(2026, 5, 14),  # Ascension Day
        date(2025, 5, 17),  # Constitution Day, a Saturday anyway
        date(2026, 12, 24),  # Christmas Eve: banks closed
        date(2026, 12, 31),  # New Year's Eve: banks closed
        date(2026, 4, 2),  # Maundy Thursday
        date(2026, 5, 25),  # Whit Monday
    ],
)
def test_norwegian_non_banking_days(day: date) -> None:
    assert not LAW.is_banking_day(day)


@pytest.mark.parametrize("day", [date(2026, 5, 18), date(2026, 6, 5), date(2026, 12, 23)])
def test_norwegian_banking_days(day: date) -> None:
    assert LAW.is_banking_day(day)


def test_due_date_on_a_saturday_is_lenient() -> None:
    due = date(2026, 2, 14)  # a Saturday: payment on Monday 16 February is on time
    inv = invoice(NO, due=due)
    snap = snapshot([inv], customers=[customer(NO, kind=CONSUMER)])
    [purring] = run(NO, date(2026, 3, 2), snap)
    assert purring.interest is not None
    assert purring.interest.start == date(2026, 2, 17)
    strict = policy(NO, {"lenient_due_date": False})
    [purring] = run(NO, date(2026, 3, 2), snap, (), strict)
    assert purring.interest is not None
    assert purring.interest.start == date(2026, 2, 15)


@pytest.mark.parametrize(
    ("sent", "due", "fee"),
    [
        (date(2025, 12, 31), date(2025, 11, 1), "105.00"),  # law.md example 10: 3/20 of 700
        (date(2026, 1, 2), date(2025, 11, 1), "113.00"),  # 3/20 of 750 = 112.50 rounds up
        (date(2020, 11, 16), date(2020, 9, 30), "210.00"),  # 3/10 before October 2020
    ],
)
def test_betalingsoppfordring_fee_follows_the_sats(sent: date, due: date, fee: str) -> None:
    assert betalingsoppfordring_gebyr(sent, due) == D(fee)
    rule = LAW.fee_rule(sent, due_date=due, action=ActionKind.COLLECTION_WARNING)
    assert rule is not None
    assert rule.final_cap == D(fee)


BETALINGSOPPFORDRING_LADDER = {
    "steps": [
        {"action": "reminder", "days": 14, "fee": "38", "deadline_days": 14},
        {
            "action": "collection_warning",
            "days": 1,
            "fee": "38",
            "deadline_days": 14,
            "after_deadline": True,
        },
        {
            "action": "collection_warning",
            "name": "Betalingsoppfordring",
            "days": 1,
            "fee": "113",
            "deadline_days": 14,
            "after_deadline": True,
        },
        {"action": "collection_warning", "days": 15, "fee": "113", "deadline_days": 14},
    ]
}


def test_fastest_lawful_fee_path_is_189_example_12() -> None:
    # law.md example 12: due Mon 2026-01-12; purring 2026-01-26 (38), inkassovarsel after the
    # missed deadline 2026-02-10 (38), own betalingsoppfordring 2026-02-25 (113): 189 in all.
    due = date(2026, 1, 12)
    snap = snapshot([invoice(NO, due=due)], customers=[customer(NO, kind=CONSUMER)])
    events, _ = replay(
        NO, due, date(2026, 3, 31), lambda _day: snap, policy(NO, BETALINGSOPPFORDRING_LADDER)
    )
    fees = [(d.date, d.action, d.fee) for d in events if d.invoice_id == "1001"]
    assert fees[:3] == [
        (date(2026, 1, 26), ActionKind.REMINDER, D("38.00")),
        (date(2026, 2, 10), ActionKind.COLLECTION_WARNING, D("38.00")),
        (date(2026, 2, 25), ActionKind.COLLECTION_WARNING, D("113.00")),
    ]
    assert sum(fee for _, _, fee in fees) == D("189.00")
    third = next(d for d in events if d.step == 3)
    assert "betalingsoppfordring" in third.explanation
    assert any("inkassoloven § 10" in basis for basis in third.legal_basis)
    # A fourth letter earns nothing: the betalingsoppfordring fee comes once.
    assert fees[3][2] == D("0.00")


def test_betalingsoppfordring_explanation_cites_section_10_first_and_shows_the_rounding() -> None:
    due = date(2026, 1, 12)
    snap = snapshot([invoice(NO, due=due)], customers=[customer(NO, kind=CONSUMER)])
    events, _ = replay(
        NO, due, date(2026, 3, 31), lambda _day: snap, policy(NO, BETALINGSOPPFORDRING_LADDER)
    )
    third = next(d for d in events if d.step == 3)
    assert third.legal_basis[0] == (
        "inkassoloven § 10 (betalingsoppfordring etter at inkassovarselets frist er ute, "
        "betalingsfrist minst 14 dager)"
    )
    assert third.legal_basis[1].startswith("inkassoloven § 10; inkassoforskriften §§ 1-2 tredje")
    assert not any(basis.startswith("inkassoloven § 9") for basis in third.legal_basis)
    assert (
        "The cap is 3/20 of the inkassosats NOK 750 = NOK 112.50, rounded half up to whole "
        "kroner: NOK 113.00." in third.explanation
    )
    assert "headed 'Betalingsoppfordring'" in third.explanation
    assert "(inkassoloven § 10)." in third.explanation
    assert "headed 'Inkassovarsel'" not in third.explanation
    # The varsel before it keeps § 9 and its own heading.
    second = next(d for d in events if d.step == 2)
    assert second.legal_basis[0].startswith("inkassoloven § 9")
    assert "headed 'Inkassovarsel'" in second.explanation


def test_betalingsoppfordring_needs_the_varsel_and_its_deadline() -> None:
    due = date(2026, 1, 12)
    purringer = [
        record(
            "1001", ActionKind.REMINDER, 1, date(2026, 1, 26), fee="38", deadline=date(2026, 2, 9)
        ),
        record(
            "1001", ActionKind.REMINDER, 2, date(2026, 2, 10), fee="38", deadline=date(2026, 2, 24)
        ),
    ]
    ladder = {
        "steps": [
            {"action": "reminder", "days": 14, "fee": "38", "deadline_days": 14},
            {"action": "reminder", "days": 15, "fee": "38", "deadline_days": 14},
            {"action": "reminder", "days": 1, "fee": "113", "deadline_days": 14},
        ]
    }
    # Two purringer and no inkassovarsel: no betalingsoppfordring fee (inkassoloven § 10).
    [third] = _purring(date(2026, 2, 25), due, purringer, **ladder)
    assert third.fee == D("0.00")
    assert "follows an issued collection warning" in third.explanation
    # With the varsel issued, its deadline must have passed first.
    varsel = [
        purringer[0],
        record(
            "1001",
            ActionKind.COLLECTION_WARNING,
            2,
            date(2026, 2, 10),
            fee="38",
            deadline=date(2026, 2, 24),
        ),
    ]
    # No letter at all on the varsel's deadline day: every step waits until the day after.
    assert _purring(date(2026, 2, 24), due, varsel, **ladder) == []
    # The fee rule refuses the fee on that day by itself too.
    early = reminder_fee(
        for_country(NO),
        today=date(2026, 2, 24),
        invoice=invoice(NO, due=due),
        customer=customer(NO, kind=CONSUMER),
        requested=D("113"),
        fee_dates=[r.date for r in varsel],
        disputed=False,
        action=ActionKind.REMINDER,
        fee_letters=[FeeLetter.of(r) for r in varsel],
        last_letter=date(2026, 2, 10),
        warned=FeeLetter.of(varsel[1]),
        latest=FeeLetter.of(varsel[1]),
    )
    assert early.value == D("0.00")
    assert "runs until 2026-02-24" in early.note
    [late] = _purring(date(2026, 2, 25), due, varsel, **ladder)
    assert late.fee == D("113.00")


def test_a_betalingsoppfordring_asking_more_than_the_cap_gets_the_cap() -> None:
    due = date(2026, 1, 12)
    history = [
        record(
            "1001", ActionKind.REMINDER, 1, date(2026, 1, 26), fee="38", deadline=date(2026, 2, 9)
        ),
        record(
            "1001",
            ActionKind.COLLECTION_WARNING,
            2,
            date(2026, 2, 10),
            fee="38",
            deadline=date(2026, 2, 24),
        ),
    ]
    ladder = {
        "steps": [
            {"action": "reminder", "days": 14, "fee": "38", "deadline_days": 14},
            {"action": "collection_warning", "days": 1, "fee": "38", "deadline_days": 14},
            {"action": "collection_warning", "days": 1, "fee": "150", "deadline_days": 14},
        ]
    }
    [demand] = _purring(date(2026, 2, 25), due, history, **ladder)
    assert demand.fee == D("113.00")
    assert "the law caps this fee at NOK 113.00" in demand.explanation


# law.md § 2.2 and example 11: claims falling due up to 2020-09-30 keep 1/10 of the sats (3/10
# for the own betalingsoppfordring); from 2020-10-01 1/20 (3/20). The ladder asks more than
# any cap, so the fee shown is the law's cap.
_OLD_AND_NEW = {
    "steps": [
        {"action": "reminder", "days": 14, "fee": 250, "deadline_days": 14},
        {
            "action": "collection_warning",
            "days": 15,
            "fee": 250,
            "deadline_days": 14,
            "after_deadline": True,
        },
        {
            "action": "collection_warning",
            "name": "Betalingsoppfordring",
            "days": 15,
            "fee": 250,
            "deadline_days": 14,
            "after_deadline": True,
        },
    ]
}


def _first_letter(due: date, sent: date) -> Decision:
    snap = snapshot([invoice(NO, due=due)], customers=[customer(NO, kind=CONSUMER)])
    [purring] = run(NO, sent, snap, (), policy(NO, _OLD_AND_NEW))
    assert purring.action == ActionKind.REMINDER
    return purring


@pytest.mark.parametrize(
    ("due", "fee", "fraction"),
    [
        (date(2020, 9, 29), "70.00", "1/10"),
        (date(2020, 9, 30), "70.00", "1/10"),  # the last day of the old rule
        (date(2020, 10, 1), "35.00", "1/20"),  # the first day of the new rule
        (date(2020, 10, 2), "35.00", "1/20"),
    ],
)
def test_law_md_example_11_purring_in_november_2020(due: date, fee: str, fraction: str) -> None:
    purring = _first_letter(due, date(2020, 11, 16))
    assert purring.fee == D(fee)
    assert f"{fraction} of the inkassosats NOK 700" in purring.explanation
    # The statute cited says the fraction that set the fee.
    assert any(f"{fraction} av inkassosatsen" in basis for basis in purring.legal_basis)


@pytest.mark.parametrize(
    ("due", "fee", "fraction"),
    [
        (date(2020, 9, 30), "75.00", "1/10"),  # 750 / 10, whole kroner already
        (date(2020, 10, 1), "38.00", "1/20"),  # 750 / 20 = 37.50, rounded half up
        (date(2020, 10, 2), "38.00", "1/20"),
    ],
)
def test_an_old_claim_dunned_in_2026_keeps_its_fraction_of_the_new_sats(
    due: date, fee: str, fraction: str
) -> None:
    purring = _first_letter(due, date(2026, 2, 2))
    assert purring.fee == D(fee)
    assert f"{fraction} of the inkassosats NOK 750" in purring.explanation
    assert any(f"{fraction} av inkassosatsen" in basis for basis in purring.legal_basis)


@pytest.mark.parametrize(
    ("due", "start", "fees"),
    [
        # Old claim: 70 + 70 + 3/10 of 700 = 210; new claim: 35 + 35 + 3/20 = 105.
        (date(2020, 9, 30), date(2020, 10, 1), ["70.00", "70.00", "210.00"]),
        (date(2020, 10, 1), date(2020, 10, 1), ["35.00", "35.00", "105.00"]),
        # The same claims dunned from 2026 (sats 750): 75 + 75 + 225; 38 + 38 + 113.
        (date(2020, 9, 30), date(2026, 1, 5), ["75.00", "75.00", "225.00"]),
        (date(2020, 10, 1), date(2026, 1, 5), ["38.00", "38.00", "113.00"]),
    ],
)
def test_old_and_new_claims_through_the_whole_fee_path(
    due: date, start: date, fees: list[str]
) -> None:
    snap = snapshot([invoice(NO, due=due)], customers=[customer(NO, kind=CONSUMER)])
    decisions, _ = replay(
        NO, start, start + timedelta(days=60), lambda _day: snap, policy(NO, _OLD_AND_NEW)
    )
    assert [d.fee for d in decisions] == [D(fee) for fee in fees]
    fraction = "3/10" if due < date(2020, 10, 1) else "3/20"
    assert any(f"{fraction} av inkassosatsen" in basis for basis in decisions[-1].legal_basis)

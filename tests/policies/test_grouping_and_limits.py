"""One letter per customer, currency and step; the credit-hold step; the minimum per currency."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from bridge.vocab.domain import ActionKind, Payment, StepStatus
from policies.engine import blocked, letters, why_not
from policies.ladder import PolicyError
from tests.policies.factories import (
    DK,
    invoice,
    policy,
    record,
    reminders,
    replay,
    run,
    snapshot,
)

D = Decimal
DUE = date(2026, 1, 19)
R, W, CH = ActionKind.REMINDER, ActionKind.COLLECTION_WARNING, ActionKind.CREDIT_HOLD


def test_one_letter_per_customer_currency_and_step_each_invoice_with_its_own_amounts() -> None:
    snap = snapshot(
        [
            invoice("1001", amount="10000.00"),
            invoice("1002", amount="2000.00", outstanding="1500.00"),
            invoice("1003", amount="800.00", currency="EUR"),
            invoice("2001", customer_id="C2"),
        ],
        payments=[Payment("1002", DUE - timedelta(days=3), D("500.00"))],
    )
    history = [record("1001", R, 1, date(2026, 1, 22))]
    today = date(2026, 2, 1)
    decisions = run(today, snap, history, policy())
    grouped = letters(decisions)
    shape = [
        (lt.customer_id, lt.currency, lt.step, [d.invoice_id for d in lt.decisions])
        for lt in grouped
    ]
    assert shape == [
        ("C1", "DKK", 2, ["1001"]),
        ("C1", "DKK", 1, ["1002"]),
        ("C1", "EUR", 1, ["1003"]),
        ("C2", "DKK", 1, ["2001"]),
    ]
    by_id = {d.invoice_id: d for d in decisions}
    assert by_id["1002"].outstanding == D("1500.00")
    assert by_id["1003"].outstanding == D("800.00")
    assert by_id["1001"].interest is not None  # step 2 charges interest on its own principal
    assert by_id["1001"].interest.periods[0].principal == D("10000.00")


def test_same_step_same_currency_share_one_letter_listing_each_invoice() -> None:
    snap = snapshot([invoice("1001", amount="1000.00"), invoice("1002", amount="3000.00")])
    history = [record("1001", R, 1, date(2026, 1, 22)), record("1002", R, 1, date(2026, 1, 22))]
    decisions = run(date(2026, 2, 1), snap, history)
    (letter,) = letters(decisions)
    assert [(d.invoice_id, d.outstanding) for d in letter.decisions] == [
        ("1001", D("1000.00")),
        ("1002", D("3000.00")),
    ]
    first, second = letter.decisions
    assert first.interest is not None
    assert second.interest is not None
    # Each invoice's interest on its own principal, rounded once per charge.
    assert (first.interest.amount, second.interest.amount) == (D("3.47"), D("10.42"))
    assert (first.fee, second.fee) == (D(100), D(0))  # one fee per letter


def test_credit_hold_by_default_at_the_collection_warning_once() -> None:
    ladder = policy({"credit_hold": True})
    snap = snapshot([invoice("1001")])
    decisions, _history = replay(DUE, DUE + timedelta(days=60), lambda _d: snap, ladder)
    holds = [d for d in decisions if d.action == CH]
    warning = next(d for d in decisions if d.action == W)
    assert [(h.date, h.step) for h in holds] == [(warning.date, 1)]
    assert "step 3 'Inkassovarsel'" in holds[0].explanation
    assert holds[0].total_charges == D(0)


def test_credit_hold_after_the_step_the_tenant_chooses() -> None:
    ladder = policy({"credit_hold": {"after_step": 2}})
    snap = snapshot([invoice("1001")])
    decisions, _ = replay(DUE, DUE + timedelta(days=60), lambda _d: snap, ladder)
    (hold,) = [d for d in decisions if d.action == CH]
    second = next(d for d in decisions if d.step == 2 and d.action == R)
    assert hold.date == second.date
    assert "from (step 2)" in hold.explanation


def test_credit_hold_from_an_issued_step_and_never_again_once_rejected() -> None:
    ladder = policy({"credit_hold": {"after_step": 1}})
    snap = snapshot([invoice("1001")])
    history = [record("1001", R, 1, date(2026, 1, 22))]
    (hold,) = [d for d in run(date(2026, 1, 23), snap, history, ladder) if d.action == CH]
    assert "sent 2026-01-22" in hold.explanation
    rejected = [*history, record("1001", CH, 1, date(2026, 1, 23), status=StepStatus.REJECTED)]
    assert [d for d in run(date(2026, 1, 24), snap, rejected, ladder) if d.action == CH] == []


def test_credit_hold_step_must_exist() -> None:
    with pytest.raises(PolicyError, match=r"credit_hold\.after_step: the ladder has 4 steps"):
        policy({"credit_hold": {"after_step": 5}})
    with pytest.raises(PolicyError, match=r"credit_hold\.after_step"):
        policy({"credit_hold": {"after_step": 0}})


def test_minimum_worth_chasing_per_currency_at_its_boundary() -> None:
    ladder = policy({"minimum_outstanding": {"EUR": "10.00", "default": "75.00"}})
    assert ladder.minimum_for("EUR") == D("10.00")
    assert ladder.minimum_for("eur") == D("10.00")
    assert ladder.minimum_for("DKK") == D("75.00")
    snap = snapshot(
        [
            invoice("1001", amount="10.00", currency="EUR"),
            invoice("1002", amount="9.99", currency="EUR"),
            invoice("1003", amount="75.00"),
            invoice("1004", amount="74.99"),
        ]
    )
    today = date(2026, 1, 22)
    assert [d.invoice_id for d in run(today, snap, (), ladder)] == ["1001", "1003"]
    reasons = dict(blocked(snap, today, (), DK, ladder))
    assert reasons == {
        "1002": "outstanding EUR 9.99 is below the minimum worth chasing, EUR 10.00",
        "1004": "outstanding DKK 74.99 is below the minimum worth chasing, DKK 75.00",
    }
    (note,) = why_not(today, snap, (), DK, ladder, invoice_id="1004")
    assert (
        note == "Not dunned: outstanding DKK 74.99 is below the minimum worth chasing, DKK 75.00."
    )


def test_a_single_minimum_still_applies_to_every_currency() -> None:
    assert policy({"minimum_outstanding": "20.00"}).minimum_for("SEK") == D("20.00")
    assert policy().minimum_for("NOK") == D("50.00")


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ({"EURO": "1.00"}, "minimum_outstanding.EURO"),
        ({"EUR": 1.5}, "minimum_outstanding.EUR"),
        ({"EUR": "-1"}, "minimum_outstanding.EUR"),
        ({"default": "1.001"}, "minimum_outstanding.default"),
    ],
)
def test_minimum_table_errors_name_the_key(table: dict[str, object], key: str) -> None:
    with pytest.raises(PolicyError) as caught:
        policy({"minimum_outstanding": table})
    assert caught.value.key == key


def test_fee_letter_ladder_unchanged_by_grouping_across_currencies() -> None:
    snap = snapshot([invoice("1001"), invoice("1002", currency="EUR")])
    decisions = run(date(2026, 1, 20), snap, (), policy(reminders(3)))
    assert len(letters(decisions)) == 2
    assert {d.fee for d in decisions if d.currency == "DKK"} == {D(100)}

"""Combined letters: one fee per letter, carried by the first invoice, counted against all."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from bridge.vocab.domain import ActionKind
from policies.engine import letters
from tests.policies.factories import invoice, policy, record, reminders, run, snapshot

D = Decimal
DUE = date(2026, 1, 19)
R = ActionKind.REMINDER
TODAY = DUE + timedelta(days=1)


def test_one_letter_one_fee_for_a_customers_invoices() -> None:
    snap = snapshot([invoice("1002"), invoice("1001"), invoice("2001", customer_id="C2")])
    decisions = run(TODAY, snap, (), policy(reminders(3)))
    assert [(d.customer_id, d.invoice_id, d.fee) for d in decisions] == [
        ("C1", "1001", D(100)),
        ("C1", "1002", D(0)),
        ("C2", "2001", D(100)),
    ]
    assert decisions[0].letter == decisions[1].letter != decisions[2].letter
    assert "covered by the letter's fee on invoice 1001" in decisions[1].explanation
    assert "The letter covers invoices 1001, 1002" in decisions[0].explanation
    grouped = letters(decisions)
    assert [(lt.customer_id, [d.invoice_id for d in lt.decisions]) for lt in grouped] == [
        ("C1", ["1001", "1002"]),
        ("C2", ["2001"]),
    ]
    assert grouped[0].key == decisions[0].letter
    assert grouped[0].total == D(100)


def test_without_combining_every_invoice_is_its_own_letter() -> None:
    snap = snapshot([invoice("1001"), invoice("1002")])
    decisions = run(TODAY, snap, (), policy({**reminders(3), "combine_invoices": False}))
    assert [d.fee for d in decisions] == [D(100), D(100)]
    assert decisions[0].letter != decisions[1].letter
    assert len(letters(decisions)) == 2


def test_the_letters_fee_counts_against_every_claim_in_it() -> None:
    # Both invoices went out in one letter whose fee 1001 carried; 1002 shows fee 0.
    day = TODAY
    history = [
        record("1001", R, 1, day, fee="100", document="doc-1"),
        record("1002", R, 1, day, fee="0", document="doc-1"),
    ]
    snap = snapshot([invoice("1002")])  # 1001 was paid meanwhile
    (decision,) = run(day + timedelta(days=9), snap, history, policy(reminders(3, days=9)))
    assert decision.fee == D(0)  # 9 days after the letter that also covered 1002
    assert "only 9 days since the previous fee-bearing reminder" in decision.explanation


def test_a_claim_that_bars_a_fee_bars_the_letters_fee() -> None:
    # 1001 already had three fee-bearing reminders; 1002 had none.
    history = [
        record("1001", R, n, DUE + timedelta(days=1 + 10 * (n - 1)), fee="100") for n in (1, 2, 3)
    ] + [record("1002", R, 3, DUE + timedelta(days=21))]
    snap = snapshot([invoice("1001"), invoice("1002")])
    decisions = run(DUE + timedelta(days=31), snap, history, policy(reminders(5)))
    assert [(d.invoice_id, d.step, d.fee) for d in decisions] == [
        ("1001", 4, D(0)),
        ("1002", 4, D(0)),
    ]
    assert decisions[0].letter == decisions[1].letter
    assert "already had 3 fee-bearing reminders" in decisions[0].explanation
    assert "the letter also covers invoice 1001, which cannot carry a fee" in (
        decisions[1].explanation
    )


def test_letters_from_uncombined_decisions_get_a_derived_key() -> None:
    (decision,) = run(TODAY, snapshot([invoice()]), (), policy(reminders(1)))
    (letter,) = letters([decision])
    assert letter.key == decision.letter
    assert letter.key.startswith("dl-")
